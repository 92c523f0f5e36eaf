using Ember.Jit;
using Ember.Backends;

namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// 2-D max pooling over an input [N, C, H, W] or [C, H, W] (<c>F.max_pool2d</c>). The stride
    /// defaults to the kernel size; padding (at most half the kernel) never wins a window. The output has
    /// (n + 2p − d(k − 1) − 1)/s + 1 rows and columns, rounded down, or up with <paramref name="ceilMode"/>
    /// as long as the last window starts inside the input or the left padding.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, with PyTorch's message.</exception>
    public static Tensor MaxPool2d(Tensor input, IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null,
        IntOrPair? dilation = null, bool ceilMode = false) =>
        Tracer.IsActive
            ? Tracer.Record("aten::max_pool2d", [input], PoolAttributes(kernelSize, stride, padding, dilation, ceilMode),
                static (x, a) => [MaxPool2d(x[0]!, OpArgs.Pair(a.Ints("kernel_size")), OpArgs.Pair(a.Ints("stride")), OpArgs.Pair(a.Ints("padding")), OpArgs.Pair(a.Ints("dilation")), a.Bool("ceil_mode"))])
            : MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    private static Attributes PoolAttributes(IntOrPair kernelSize, IntOrPair? stride, IntOrPair? padding, IntOrPair? dilation, bool ceilMode) =>
        new Attributes().Set("kernel_size", kernelSize.ToArray()).Set("stride", (stride ?? kernelSize).ToArray()).Set("padding", (padding ?? 0).ToArray())
            .Set("dilation", (dilation ?? 1).ToArray()).Set("ceil_mode", ceilMode);

    /// <summary>
    /// <see cref="MaxPool2d(Tensor, IntOrPair, IntOrPair?, IntOrPair?, IntOrPair?, bool)"/> that also
    /// returns the int64 position (h · W + w within its plane) of each maximum, as
    /// <c>F.max_pool2d(..., return_indices=True)</c>; <see cref="MaxUnpool2d"/> takes them back.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, with PyTorch's message.</exception>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, IntOrPair kernelSize, IntOrPair? stride = null,
        IntOrPair? padding = null, IntOrPair? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Tracer.IsActive)
        {
            var r = Tracer.RecordMany("aten::max_pool2d_with_indices", [input], PoolAttributes(kernelSize, stride, padding, dilation, ceilMode), static (x, a) =>
            {
                var (o, i) = MaxPool2dWithIndices(x[0]!, OpArgs.Pair(a.Ints("kernel_size")), OpArgs.Pair(a.Ints("stride")), OpArgs.Pair(a.Ints("padding")), OpArgs.Pair(a.Ints("dilation")), a.Bool("ceil_mode"));
                return [o, i];
            });
            return (r[0], r[1]);
        }
        var x = PoolInput("max_pool2d", input, 2, out bool unbatched);
        var p = FixedWindows("max_pool2d", x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), (padding ?? 0).ToArray(),
            (dilation ?? 1).ToArray(), ceilMode, max: true, countIncludePad: true, 0);
        var (y, idx) = PoolCore.Max(x, p, Derivatives.MaxPool2d);
        return unbatched ? (y.Squeeze(0), idx.Squeeze(0)) : (y, idx);
    }

    /// <summary>1-D max pooling over [N, C, L] or [C, L] (<c>F.max_pool1d</c>); see <see cref="MaxPool2d(Tensor, IntOrPair, IntOrPair?, IntOrPair?, IntOrPair?, bool)"/>.</summary>
    /// <exception cref="ArgumentException">Sizes do not fit.</exception>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        MaxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    /// <summary>1-D max pooling that also returns the int64 position of each maximum (<c>return_indices=True</c>).</summary>
    /// <exception cref="ArgumentException">Sizes do not fit.</exception>
    public static (Tensor Output, Tensor Indices) MaxPool1dWithIndices(Tensor input, int kernelSize, int? stride = null, int padding = 0,
        int dilation = 1, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput("max_pool1d", input, 1, out bool unbatched).Unsqueeze(2);
        var p = FixedWindows("max_pool1d", x, [1, kernelSize], [1, stride ?? kernelSize], [0, padding], [1, dilation], ceilMode,
            max: true, countIncludePad: true, 0);
        var (y, idx) = PoolCore.Max(x, p, Derivatives.MaxPool2d);
        y = y.Squeeze(2); idx = idx.Squeeze(2);
        return unbatched ? (y.Squeeze(0), idx.Squeeze(0)) : (y, idx);
    }

    /// <summary>
    /// 2-D average pooling over [N, C, H, W] or [C, H, W] (<c>F.avg_pool2d</c>). Windows that reach
    /// into the padding divide by the full window size when <paramref name="countIncludePad"/> (the
    /// default), else by the number of input elements; <paramref name="divisorOverride"/> replaces either.
    /// Output sizes and <paramref name="ceilMode"/> follow <see cref="MaxPool2d(Tensor, IntOrPair, IntOrPair?, IntOrPair?, IntOrPair?, bool)"/> (no dilation).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, or the divisor is not positive.</exception>
    public static Tensor AvgPool2d(Tensor input, IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        if (Tracer.IsActive)
            return Tracer.Record("aten::avg_pool2d", [input],
                new Attributes().Set("kernel_size", kernelSize.ToArray()).Set("stride", (stride ?? kernelSize).ToArray()).Set("padding", (padding ?? 0).ToArray())
                    .Set("ceil_mode", ceilMode).Set("count_include_pad", countIncludePad).Set("divisor_override", divisorOverride),
                static (x, a) => [AvgPool2d(x[0]!, OpArgs.Pair(a.Ints("kernel_size")), OpArgs.Pair(a.Ints("stride")), OpArgs.Pair(a.Ints("padding")),
                    a.Bool("ceil_mode"), a.Bool("count_include_pad"), (int?)a["divisor_override"])]);
        ArgumentNullException.ThrowIfNull(input);
        if (divisorOverride is <= 0) throw new ArgumentException($"avg_pool2d: divisor must be not zero, but got divisor_override={divisorOverride}");
        var x = PoolInput("avg_pool2d", input, 2, out bool unbatched);
        var p = FixedWindows("avg_pool2d", x, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), (padding ?? 0).ToArray(), [1, 1],
            ceilMode, max: false, countIncludePad, divisorOverride ?? 0);
        var y = PoolCore.Avg(x, p, Derivatives.AvgPool2d);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>1-D average pooling over [N, C, L] or [C, L] (<c>F.avg_pool1d</c>); see <see cref="AvgPool2d"/>.</summary>
    /// <exception cref="ArgumentException">Sizes do not fit.</exception>
    public static Tensor AvgPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput("avg_pool1d", input, 1, out bool unbatched).Unsqueeze(2);
        var p = FixedWindows("avg_pool1d", x, [1, kernelSize], [1, stride ?? kernelSize], [0, padding], [1, 1], ceilMode, max: false, countIncludePad, 0);
        var y = PoolCore.Avg(x, p, Derivatives.AvgPool2d).Squeeze(2);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// Adaptive average pooling to a fixed output size (<c>F.adaptive_avg_pool2d</c>): output row i
    /// averages input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1, and likewise for columns. A null size keeps the input's.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or a size is negative.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor input, (int? H, int? W) outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Tracer.IsActive)
        {
            // A null size keeps the input's: recorded as the size it resolved to, as PyTorch's trace does.
            int h = outputSize.H ?? input.Size(-2), w = outputSize.W ?? input.Size(-1);
            return Tracer.Record("aten::adaptive_avg_pool2d", [input], new Attributes().Set("output_size", new[] { h, w }),
                static (x, a) => [AdaptiveAvgPool2d(x[0]!, (a.Ints("output_size")[0], a.Ints("output_size")[1]))]);
        }
        var x = PoolInput("adaptive_avg_pool2d", input, 2, out bool unbatched);
        var p = AdaptiveWindows("adaptive_avg_pool2d", x, outputSize);
        var y = PoolCore.Avg(x, p, Derivatives.AdaptiveAvgPool2d);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>Adaptive average pooling to <paramref name="outputSize"/> x <paramref name="outputSize"/>.</summary>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the size is negative.</exception>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputSize) => AdaptiveAvgPool2d(input, (outputSize, outputSize));

    /// <summary>Adaptive max pooling (<c>F.adaptive_max_pool2d</c>), windows as in <see cref="AdaptiveAvgPool2d(Tensor, ValueTuple{int?, int?})"/>.</summary>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or a size is negative.</exception>
    public static Tensor AdaptiveMaxPool2d(Tensor input, (int? H, int? W) outputSize) => AdaptiveMaxPool2dWithIndices(input, outputSize).Output;

    /// <summary>Adaptive max pooling to <paramref name="outputSize"/> x <paramref name="outputSize"/>.</summary>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or the size is negative.</exception>
    public static Tensor AdaptiveMaxPool2d(Tensor input, int outputSize) => AdaptiveMaxPool2d(input, (outputSize, outputSize));

    /// <summary>Adaptive max pooling that also returns the int64 position of each maximum (<c>return_indices=True</c>).</summary>
    /// <exception cref="ArgumentException">The input is not 3-D or 4-D, or a size is negative.</exception>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, (int? H, int? W) outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput("adaptive_max_pool2d", input, 2, out bool unbatched);
        var p = AdaptiveWindows("adaptive_max_pool2d", x, outputSize);
        var (y, idx) = PoolCore.Max(x, p, Derivatives.AdaptiveMaxPool2d);
        return unbatched ? (y.Squeeze(0), idx.Squeeze(0)) : (y, idx);
    }

    /// <summary>
    /// The partial inverse of max pooling (<c>F.max_unpool2d</c>): a zero tensor with each input value
    /// put at the position its index names. The output size defaults to (n − 1)s − 2p + k; an explicit
    /// <paramref name="outputSize"/> (the last two sizes) may exceed that by less than the stride.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes differ, the output size is out of range, or an index is outside the output.</exception>
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null,
        int[]? outputSize = null) =>
        MaxUnpoolNd("max_unpool2d", 2, input, indices, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), (padding ?? 0).ToArray(), outputSize);

    /// <summary>
    /// Max unpooling over <paramref name="nd"/> spatial dims: zeros [N, C, size...] with each input value
    /// scattered to the flat position (within its plane or volume) that its index names.
    /// </summary>
    private static Tensor MaxUnpoolNd(string op, int nd, Tensor input, Tensor indices, int[] k, int[] s, int[] pd, int[]? outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(indices);
        if (input.NDim != nd + 1 && input.NDim != nd + 2)
            throw new ArgumentException($"{op}: Input to max_unpooling{nd}d should be a {nd + 1}d or {nd + 2}d Tensor, but got a tensor with {input.NDim} dimensions (size {input.Shape}).");
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"{op}: elements in indices should be type int64 but got: {indices.DType.TorchName()}");
        if (!indices.Layout.Shape.AsSpan().SequenceEqual(input.Layout.Shape))
            throw new ArgumentException($"{op}: Expected shape of indices to be same as that of the input tensor ({input.Shape}) but got indices tensor with shape: {indices.Shape}");
        var def = new int[nd];
        for (int d = 0; d < nd; d++) def[d] = (input.Layout.Shape[input.NDim - nd + d] - 1) * s[d] - 2 * pd[d] + k[d];
        int[] size = def;
        if (outputSize is not null)
        {
            var os = outputSize.Length == input.NDim ? outputSize[^nd..] : outputSize;
            if (os.Length != nd)
                throw new ArgumentException($"{op}: output_size must have {nd} or {input.NDim} elements (got {os.Length})");
            for (int d = 0; d < nd; d++)
                if (os[d] < def[d] || os[d] >= def[d] + s[d])
                    throw new ArgumentException($"{op}: invalid output_size \"{Shape.Format(os)}\" (dim {d} must be between {def[d]} and {def[d] + s[d] - 1})");
            size = os;
        }
        bool unbatched = input.NDim == nd + 1;
        Tensor x = unbatched ? input.Unsqueeze(0) : input, idx = unbatched ? indices.Unsqueeze(0) : indices;
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1];
        long plane = 1;
        foreach (int v in size) plane *= v;
        if (plane > int.MaxValue)
            throw new ArgumentException($"{op}: the output of {string.Join("x", size)} elements per channel is more than a size can be (at most {int.MaxValue})");
        var flatIdx = idx.Flatten(2);
        if (flatIdx.Numel() > 0)
        {
            long lo = flatIdx.Min().Item<long>(), hi = flatIdx.Max().Item<long>();
            if (lo < 0 || hi >= plane)
                throw new ArgumentException($"{op}: Found an invalid max index: {(lo < 0 ? lo : hi)} (output volumes are of size {string.Join("x", size)})");
        }
        var y = Tensor.Zeros([n, c, (int)plane], x.DType, x.Device).Scatter(2, flatIdx, x.Flatten(2)).View([n, c, .. size]);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// The partial inverse of 1-D max pooling (<c>F.max_unpool1d</c>) on [N, C, L] or [C, L]; see
    /// <see cref="MaxUnpool2d"/>. The output length defaults to (n − 1)s − 2p + k.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes differ, the output size is out of range, or an index is outside the output.</exception>
    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, int kernelSize, int? stride = null, int padding = 0, int[]? outputSize = null) =>
        MaxUnpoolNd("max_unpool1d", 1, input, indices, [kernelSize], [stride ?? kernelSize], [padding], outputSize);

    /// <summary>
    /// The partial inverse of 3-D max pooling (<c>F.max_unpool3d</c>) on [N, C, D, H, W] or [C, D, H, W]:
    /// indices are positions d · H · W + h · W + w in the output volume; see <see cref="MaxUnpool2d"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes differ, the output size is out of range, or an index is outside the output.</exception>
    public static Tensor MaxUnpool3d(Tensor input, Tensor indices, IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null,
        int[]? outputSize = null) =>
        MaxUnpoolNd("max_unpool3d", 3, input, indices, kernelSize.ToArray(), (stride ?? kernelSize).ToArray(), (padding ?? 0).ToArray(), outputSize);

    /// <summary>Checks a pooling input of <paramref name="nd"/> spatial dims (with or without the batch dim) and returns it batched.</summary>
    private static Tensor PoolInput(string op, Tensor input, int nd, out bool unbatched)
    {
        bool ok = input.NDim == nd + 1 || input.NDim == nd + 2;
        if (ok)
            for (int d = input.NDim - nd - 1; d < input.NDim; d++) ok &= input.Layout.Shape[d] > 0;
        if (!ok)
            throw new ArgumentException($"{op}: non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input, but got input of size {input.Shape}");
        if (!input.DType.IsFloatingPoint())
            throw new NotSupportedException($"{op}: not implemented for {input.DType.TorchName()} (input of size {input.Shape}); Ember pools float32 and float64 tensors only");
        unbatched = input.NDim == nd + 1;
        return unbatched ? input.Unsqueeze(0) : input;
    }

    /// <summary>PyTorch's pooling_output_shape: floor (or ceil) division, with ceil mode dropping a last window that would start in the right padding.</summary>
    internal static int PoolOutputSize(int n, int k, int p, int s, int d, bool ceilMode)
    {
        long num = (long)n + 2L * p - (long)d * (k - 1) - 1 + (ceilMode ? s - 1 : 0);
        long o = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
        if (ceilMode && (o - 1) * s >= n + p) o--;
        return (int)o;
    }

    private static PoolWindows FixedWindows(string op, Tensor x, int[] k, int[] s, int[] pad, int[] d, bool ceilMode, bool max,
        bool countIncludePad, int divisorOverride)
    {
        bool oneD = op.EndsWith("1d", StringComparison.Ordinal);
        if (k[0] <= 0 || k[1] <= 0)
            throw new ArgumentException(oneD ? $"{op}: kernel_size must be greater than zero, but got {k[1]}" : $"{op}: kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}");
        if (s[0] <= 0 || s[1] <= 0)
            throw new ArgumentException(oneD ? $"{op}: stride must be greater than zero, but got {s[1]}" : $"{op}: stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}");
        if (d[0] <= 0 || d[1] <= 0)
            throw new ArgumentException(oneD ? $"{op}: dilation must be greater than zero, but got {d[1]}" : $"{op}: dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}");
        if (pad[0] < 0 || pad[1] < 0)
            throw new ArgumentException($"{op}: pad must be non-negative, but got pad={(oneD ? pad[1] : pad[0])}");
        for (int i = 0; i < 2; i++)
            if (pad[i] > k[i] / 2)
                throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got pad={pad[i]} and kernel_size={k[i]}");
        int[] sh = x.Layout.Shape;
        int h = sh[2], w = sh[3];
        int oh = PoolOutputSize(h, k[0], pad[0], s[0], d[0], ceilMode), ow = PoolOutputSize(w, k[1], pad[1], s[1], d[1], ceilMode);
        if (oh < 1 || ow < 1)
            throw new ArgumentException(oneD
                ? $"{op}: Given input size: ({sh[1]}x{w}). Calculated output size: ({sh[1]}x{ow}). Output size is too small"
                : $"{op}: Given input size: ({sh[1]}x{h}x{w}). Calculated output size: ({sh[1]}x{oh}x{ow}). Output size is too small");
        var p = new PoolWindows { Planes = sh[0] * sh[1], H = h, W = w, OH = oh, OW = ow, DivisorOverride = divisorOverride };
        if (max)
        {
            (p.HStart, p.HEnd) = MaxWindows(oh, h, k[0], s[0], pad[0], d[0]);
            (p.WStart, p.WEnd) = MaxWindows(ow, w, k[1], s[1], pad[1], d[1]);
            p.HStep = d[0]; p.WStep = d[1];
        }
        else
        {
            (p.HStart, p.HEnd, p.HCount) = AvgWindows(oh, h, k[0], s[0], pad[0], countIncludePad);
            (p.WStart, p.WEnd, p.WCount) = AvgWindows(ow, w, k[1], s[1], pad[1], countIncludePad);
        }
        return p;
    }

    /// <summary>Max windows: the first tap inside the input (stepping by the dilation) up to the last tap, clipped.</summary>
    internal static (int[] Start, int[] End) MaxWindows(int outSize, int n, int k, int s, int p, int d)
    {
        var start = new int[outSize]; var end = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int a = i * s - p;
            end[i] = Math.Min(a + (k - 1) * d + 1, n);
            while (a < 0) a += d;
            start[i] = a;
        }
        return (start, end);
    }

    /// <summary>Average windows, clipped to the input; the count is the window's size within input + padding, or within the input alone.</summary>
    private static (int[] Start, int[] End, int[] Count) AvgWindows(int outSize, int n, int k, int s, int p, bool countIncludePad)
    {
        var start = new int[outSize]; var end = new int[outSize]; var count = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int a = i * s - p, b = Math.Min(a + k, n + p);
            int span = b - a;
            a = Math.Max(a, 0); b = Math.Min(b, n);
            start[i] = a; end[i] = b;
            count[i] = countIncludePad ? span : b - a;
        }
        return (start, end, count);
    }

    private static PoolWindows AdaptiveWindows(string op, Tensor x, (int? H, int? W) outputSize)
    {
        int[] sh = x.Layout.Shape;
        int oh = outputSize.H ?? sh[2], ow = outputSize.W ?? sh[3];
        if (oh < 0 || ow < 0)
            throw new ArgumentException($"{op}: output_size must be non-negative, but got ({oh}, {ow})");
        var p = new PoolWindows { Planes = sh[0] * sh[1], H = sh[2], W = sh[3], OH = oh, OW = ow, DivideSeparately = true };
        (p.HStart, p.HEnd, p.HCount) = AdaptiveRanges(oh, sh[2]);
        (p.WStart, p.WEnd, p.WCount) = AdaptiveRanges(ow, sh[3]);
        return p;
    }

    /// <summary>Adaptive windows [⌊i·n/o⌋, ⌈(i+1)·n/o⌉), in integer arithmetic as PyTorch's start_index/end_index.</summary>
    private static (int[] Start, int[] End, int[] Count) AdaptiveRanges(int o, int n)
    {
        var start = new int[o]; var end = new int[o]; var count = new int[o];
        for (int i = 0; i < o; i++)
        {
            start[i] = (int)((long)i * n / o);
            end[i] = (int)(((long)(i + 1) * n + o - 1) / o);
            count[i] = end[i] - start[i];
        }
        return (start, end, count);
    }
}
