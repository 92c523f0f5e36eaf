namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Extracts sliding local blocks (<c>F.unfold</c>, im2col): input [N, C, H, W] or [C, H, W] gives
    /// [N, C·kH·kW, L] (or [C·kH·kW, L]), where row c·kH·kW + i·kW + j holds tap (i, j) of channel c for
    /// each of the L = OH·OW block positions, in row-major order. Padding is zeros; the sizes follow
    /// the convolution's. A pure copy (an index gather), so non-finite values stay where they are, and
    /// its gradient is <see cref="Fold"/>'s sum.
    /// </summary>
    /// <exception cref="ArgumentException">A bad rank, a non-positive kernel, stride or dilation, a negative padding, or no block fits.</exception>
    public static Tensor Unfold(Tensor input, IntOrPair kernelSize, IntOrPair? dilation = null, IntOrPair? padding = null, IntOrPair? stride = null)
    {
        const string op = "unfold";
        ArgumentNullException.ThrowIfNull(input);
        bool ok = input.NDim == 3 || input.NDim == 4;
        for (int d = input.NDim - 3; ok && d < input.NDim; d++) ok = input.Layout.Shape[d] > 0;
        if (!ok)
            throw new ArgumentException($"{op}: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {input.Shape}");
        int[] k = kernelSize.ToArray(), d2 = (dilation ?? 1).ToArray(), p = (padding ?? 0).ToArray(), s = (stride ?? 1).ToArray();
        CheckBlockArgs(op, k, d2, p, s);
        bool unbatched = input.NDim == 3;
        var x = unbatched ? input.Unsqueeze(0) : input;
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], h = x.Layout.Shape[2], w = x.Layout.Shape[3];
        var (oh, ow) = BlockCounts(h, w, k, d2, p, s);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"{op}: Given input with spatial size ({h}, {w}), kernel_size=({k[0]}, {k[1]}), dilation=({d2[0]}, {d2[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components must be at least one.");
        int hp = h + 2 * p[0], wp = w + 2 * p[1];
        var xp = p[0] > 0 || p[1] > 0 ? Pad(x, [p[1], p[1], p[0], p[0]]) : x;
        var cols = xp.Reshape(n, c, hp * wp).IndexSelect(2, BlockIndex(k, d2, s, oh, ow, wp, x.Device)).View(n, c * k[0] * k[1], oh * ow);
        return unbatched ? cols.Squeeze(0) : cols;
    }

    /// <summary>
    /// Sums sliding local blocks into a tensor (<c>F.fold</c>, col2im), the adjoint of <see cref="Unfold"/>:
    /// input [N, C·kH·kW, L] or [C·kH·kW, L] gives [N, C, H, W] (or [C, H, W]) for
    /// <paramref name="outputSize"/> (H, W); overlapping taps add up, and taps in the padding are dropped.
    /// L must be the number of block positions that <see cref="Unfold"/> would give for that size.
    /// </summary>
    /// <exception cref="ArgumentException">A bad rank, channels not divisible by kH·kW, a block count that does not match (none fits: 0), or bad sizes.</exception>
    public static Tensor Fold(Tensor input, IntOrPair outputSize, IntOrPair kernelSize, IntOrPair? dilation = null, IntOrPair? padding = null,
        IntOrPair? stride = null)
    {
        const string op = "fold";
        ArgumentNullException.ThrowIfNull(input);
        bool ok = input.NDim == 2 || input.NDim == 3;
        for (int d = input.NDim - 2; ok && d < input.NDim; d++) ok = input.Layout.Shape[d] > 0;
        if (!ok)
            throw new ArgumentException($"{op}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {input.Shape}");
        int[] o = outputSize.ToArray(), k = kernelSize.ToArray(), d2 = (dilation ?? 1).ToArray(), p = (padding ?? 0).ToArray(), s = (stride ?? 1).ToArray();
        if (o[0] <= 0 || o[1] <= 0)
            throw new ArgumentException($"{op}: output size should be greater than zero, but got output_height: {o[0]} output_width: {o[1]}");
        CheckBlockArgs(op, k, d2, p, s);
        bool unbatched = input.NDim == 2;
        var x = unbatched ? input.Unsqueeze(0) : input;
        int n = x.Layout.Shape[0], ck = x.Layout.Shape[1], l = x.Layout.Shape[2], kk = k[0] * k[1];
        if (ck % kk != 0)
            throw new ArgumentException($"{op}: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={ck} and kernel_size=({k[0]}, {k[1]}).");
        var (oh, ow) = BlockCounts(o[0], o[1], k, d2, p, s);
        if ((long)oh * ow != l)
            throw new ArgumentException($"{op}: Given output_size=({o[0]}, {o[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d2[0]}, {d2[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected size of input's dimension 2 to match the calculated number of sliding blocks {oh} * {ow} = {(long)oh * ow}, but got input.size(2)={l}.");
        int c = ck / kk, hp = o[0] + 2 * p[0], wp = o[1] + 2 * p[1];
        var sum = Tensor.Zeros([n, c, hp * wp], x.DType, x.Device)
            .IndexAdd(2, BlockIndex(k, d2, s, oh, ow, wp, x.Device), x.Reshape(n, c, kk * l))
            .View(n, c, hp, wp);
        var y = p[0] > 0 || p[1] > 0 ? Pad(sum, [-p[1], -p[1], -p[0], -p[0]]) : sum;
        return unbatched ? y.Squeeze(0) : y;
    }

    private static void CheckBlockArgs(string op, int[] k, int[] d, int[] p, int[] s)
    {
        if (k[0] <= 0 || k[1] <= 0)
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: {k[1]}");
        if (s[0] <= 0 || s[1] <= 0)
            throw new ArgumentException($"{op}: stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}");
        if (d[0] <= 0 || d[1] <= 0)
            throw new ArgumentException($"{op}: dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: {d[1]}");
        if (p[0] < 0 || p[1] < 0)
            throw new ArgumentException($"{op}: padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}");
    }

    /// <summary>The number of block positions per dim (may be ≤ 0 when no block fits), in 64 bits then clamped.</summary>
    private static (int H, int W) BlockCounts(int h, int w, int[] k, int[] d, int[] p, int[] s)
    {
        static int Count(long n, int k, int d, int p, int s)
        {
            long span = n + 2L * p - (long)d * (k - 1) - 1;
            long c = span < 0 ? 0 : span / s + 1;
            return (int)Math.Min(c, int.MaxValue);
        }
        return (Count(h, k[0], d[0], p[0], s[0]), Count(w, k[1], d[1], p[1], s[1]));
    }

    /// <summary>For tap (i, j) and block (bh, bw), in that order, the flat position in the padded plane of width <paramref name="wp"/>.</summary>
    private static Tensor BlockIndex(int[] k, int[] d, int[] s, int oh, int ow, int wp, Device device)
    {
        long count = (long)k[0] * k[1] * oh * ow;
        ShapeMath.Numel([k[0] * k[1], oh * ow], "unfold");
        var idx = new long[count];
        long t = 0;
        for (int i = 0; i < k[0]; i++)
            for (int j = 0; j < k[1]; j++)
                for (int bh = 0; bh < oh; bh++)
                {
                    long row = ((long)bh * s[0] + (long)i * d[0]) * wp + (long)j * d[1];
                    for (int bw = 0; bw < ow; bw++) idx[t++] = row + (long)bw * s[1];
                }
        return Tensor.From(idx, device);
    }
}
