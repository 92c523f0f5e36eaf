namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Pads (or, with negative sizes, crops) the last dims of <paramref name="input"/> (<c>F.pad</c>).
    /// <paramref name="pad"/> lists (before, after) pairs starting from the last dim:
    /// <c>[left, right, top, bottom, ...]</c>. Modes: <c>"constant"</c> (any dims, filled with
    /// <paramref name="value"/>), <c>"reflect"</c> (mirrored without repeating the edge; each pad
    /// smaller than its dim), <c>"replicate"</c> (the edge repeated) and <c>"circular"</c> (wrapped
    /// around; each pad at most its dim). The non-constant modes pad 1, 2 or 3 dims of an input with one
    /// or two more dims (a batch and a channel dim, or a channel dim alone), as in PyTorch.
    /// Built from <c>Cat</c>, <c>Narrow</c> and <c>IndexSelect</c>, so it is differentiable everywhere.
    /// </summary>
    /// <exception cref="ArgumentException">Odd or too long <paramref name="pad"/>, an unknown mode, a pad too large, or a negative result size.</exception>
    public static Tensor Pad(Tensor input, int[] pad, string mode = "constant", double value = 0)
    {
        const string op = "pad";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pad);
        ArgumentNullException.ThrowIfNull(mode);
        if (pad.Length % 2 != 0) throw new ArgumentException($"{op}: Padding length must be divisible by 2");
        if (pad.Length / 2 > input.NDim)
            throw new ArgumentException($"{op}: Padding length should be less than or equal to two times the input dimension but got padding length {pad.Length} and input of dimension {input.NDim}");
        int dims = pad.Length / 2;
        if (mode == "constant")
        {
            var x = input;
            for (int i = 0; i < dims; i++)
            {
                int d = input.NDim - 1 - i, lo = pad[2 * i], hi = pad[2 * i + 1], n = input.Layout.Shape[d];
                PaddedSize(op, input, d, lo, hi);
                if (lo < 0 || hi < 0)
                {
                    int start = Math.Max(-lo, 0);
                    x = x.Narrow(d, start, n - start - Math.Max(-hi, 0));
                }
                if (lo > 0 || hi > 0)
                {
                    var parts = new List<Tensor>(3);
                    if (lo > 0) parts.Add(FullLike(x, d, lo, value));
                    parts.Add(x);
                    if (hi > 0) parts.Add(FullLike(x, d, hi, value));
                    x = Tensor.Cat(parts, d);
                }
            }
            return x;
        }
        if (mode != "reflect" && mode != "replicate" && mode != "circular")
            throw new ArgumentException($"{op}: Unrecognised padding mode {mode}: expected one of 'constant', 'reflect', 'replicate', 'circular'");
        if (dims < 1 || dims > 3 || (input.NDim != dims + 1 && input.NDim != dims + 2))
            throw new ArgumentException($"{op}: {mode} padding of {dims} dim(s) needs a {dims + 1}-D or {dims + 2}-D input, but got input of size {input.Shape} " +
                "(Ember pads 1 to 3 trailing dims in the non-constant modes)");
        var y = input;
        for (int i = 0; i < dims; i++)
        {
            int d = input.NDim - 1 - i, lo = pad[2 * i], hi = pad[2 * i + 1], n = input.Layout.Shape[d];
            if (mode == "reflect" && (lo >= n || hi >= n))
                throw new ArgumentException($"{op}: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ({lo}, {hi}) at dimension {d} of input {Shape.Format(input.Layout.Shape)}");
            if (mode == "circular" && (lo > n || hi > n))
                throw new ArgumentException($"{op}: Padding value causes wrapping around more than once (padding ({lo}, {hi}) at dimension {d} of input {Shape.Format(input.Layout.Shape)}).");
            if (mode == "replicate" && n == 0 && lo + hi > 0)
                throw new ArgumentException($"{op}: replicate padding of an empty dimension {d} (input {Shape.Format(input.Layout.Shape)})");
            int len = PaddedSize(op, input, d, lo, hi);
            var outShape = y.Layout.Shape.ToArray();
            outShape[d] = len;
            ShapeMath.Numel(outShape, op); // before the index array, which has len entries
            var idx = new long[len];
            for (int j = 0; j < len; j++)
            {
                int s = j - lo;
                idx[j] = mode switch
                {
                    "reflect" => s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s,
                    "replicate" => Math.Clamp(s, 0, n - 1),
                    _ => ((s % n) + n) % n,
                };
            }
            y = y.IndexSelect(d, Tensor.From(idx, input.Device));
        }
        return y;
    }

    /// <summary>The size of dim <paramref name="d"/> once padded, in 64 bits so that a huge padding cannot wrap around to a plausible size.</summary>
    private static int PaddedSize(string op, Tensor input, int d, int lo, int hi)
    {
        long len = (long)input.Layout.Shape[d] + lo + hi;
        if (len < 0)
            throw new ArgumentException($"{op}: The input size {input.Layout.Shape[d]}, plus negative padding {lo} and {hi} resulted in a negative output size, which is invalid. Check dimension {d} of your input.");
        if (len > int.MaxValue)
            throw new ArgumentException($"{op}: The input size {input.Layout.Shape[d]}, plus padding {lo} and {hi} gives {len} elements along dimension {d} of input {Shape.Format(input.Layout.Shape)}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {ShapeMath.MaxElements} elements per tensor.");
        return (int)len;
    }

    private static Tensor FullLike(Tensor x, int dim, int size, double value)
    {
        var shape = x.Layout.Shape.ToArray();
        shape[dim] = size;
        return Tensor.Full(shape, value, x.DType, x.Device);
    }
}
