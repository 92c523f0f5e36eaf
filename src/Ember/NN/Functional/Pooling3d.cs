namespace Ember.NN;

// 3-D pooling as two 2-D poolings: a window over (D, H, W) is a box, so its maximum is the maximum
// over D of the maxima over (H, W), and its average (with either divisor, which is a product of
// per-dim counts) the average over D of the averages over (H, W). Pooling (H, W) first, then D,
// keeps PyTorch's choice among equal maxima (the first in (d, h, w) order; with NaNs, the last
// NaN), so the indices and the gradients route to the same element. Gradients of any order come
// from the 2-D pooling rows.
public static partial class F
{
    /// <summary>
    /// 3-D max pooling over an input [N, C, D, H, W] or [C, D, H, W] (<c>F.max_pool3d</c>). The stride
    /// defaults to the kernel size; padding (at most half the kernel) never wins a window. Output sizes
    /// as in <see cref="MaxPool2d(Tensor, IntOrPair, IntOrPair?, IntOrPair?, IntOrPair?, bool)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, with PyTorch's message.</exception>
    public static Tensor MaxPool3d(Tensor input, IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null,
        IntOrTriple? dilation = null, bool ceilMode = false) =>
        MaxPool3dCore(input, kernelSize, stride, padding, dilation, ceilMode, indices: false).Output;

    /// <summary>
    /// <see cref="MaxPool3d(Tensor, IntOrTriple, IntOrTriple?, IntOrTriple?, IntOrTriple?, bool)"/> that also
    /// returns the int64 position (d · H · W + h · W + w within its volume) of each maximum, as
    /// <c>F.max_pool3d(..., return_indices=True)</c>; <see cref="MaxUnpool3d"/> takes them back.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, with PyTorch's message.</exception>
    public static (Tensor Output, Tensor Indices) MaxPool3dWithIndices(Tensor input, IntOrTriple kernelSize, IntOrTriple? stride = null,
        IntOrTriple? padding = null, IntOrTriple? dilation = null, bool ceilMode = false)
    {
        var (y, idx) = MaxPool3dCore(input, kernelSize, stride, padding, dilation, ceilMode, indices: true);
        return (y, idx!);
    }

    private static (Tensor Output, Tensor? Indices) MaxPool3dCore(Tensor input, IntOrTriple kernelSize, IntOrTriple? stride,
        IntOrTriple? padding, IntOrTriple? dilation, bool ceilMode, bool indices)
    {
        const string op = "max_pool3d";
        ArgumentNullException.ThrowIfNull(input);
        int[] k = kernelSize.ToArray(), s = (stride ?? kernelSize).ToArray(), p = (padding ?? 0).ToArray(), d = (dilation ?? 1).ToArray();
        var x = PoolInput(op, input, 3, out bool unbatched);
        var o = Pool3dSizes(op, x, k, s, p, d, ceilMode);
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], dd = x.Layout.Shape[2], h = x.Layout.Shape[3], w = x.Layout.Shape[4];
        var (y1, i1) = MaxPool2dWithIndices(x.Reshape(n * c, dd, h, w), (k[1], k[2]), (s[1], s[2]), (p[1], p[2]), (d[1], d[2]), ceilMode);
        int plane = o[1] * o[2];
        var (y2, i2) = MaxPool2dWithIndices(y1.View(n * c, 1, dd, plane), (k[0], 1), (s[0], 1), (p[0], 0), (d[0], 1), ceilMode);
        var y = y2.View(n, c, o[0], o[1], o[2]);
        Tensor? idx = null;
        if (indices) idx = VolumeIndices(i1.View(n * c, dd * plane), i2.View(n * c, o[0] * plane), plane, h * w).View(n, c, o[0], o[1], o[2]);
        return unbatched ? (y.Squeeze(0), idx?.Squeeze(0)) : (y, idx);
    }

    /// <summary>
    /// The (d, h, w) position of each maximum from the two passes: <paramref name="depthIdx"/> holds
    /// d · plane + q for output position q of the (H, W) pass, whose own index there is h · W + w.
    /// </summary>
    private static Tensor VolumeIndices(Tensor planeIdx, Tensor depthIdx, int plane, int hw)
    {
        using var _ = Autograd.NoGrad();
        var hwAt = planeIdx.Gather(1, depthIdx);
        return depthIdx.Div(plane, "floor").Mul(hw).Add(hwAt);
    }

    /// <summary>
    /// 3-D average pooling over [N, C, D, H, W] or [C, D, H, W] (<c>F.avg_pool3d</c>). Windows that reach
    /// into the padding divide by the full window size when <paramref name="countIncludePad"/> (the
    /// default), else by the number of input elements; <paramref name="divisorOverride"/> replaces either.
    /// Output sizes and <paramref name="ceilMode"/> as in <see cref="MaxPool3d(Tensor, IntOrTriple, IntOrTriple?, IntOrTriple?, IntOrTriple?, bool)"/> (no dilation).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit, or the divisor is not positive.</exception>
    public static Tensor AvgPool3d(Tensor input, IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null,
        bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        const string op = "avg_pool3d";
        ArgumentNullException.ThrowIfNull(input);
        if (divisorOverride is <= 0) throw new ArgumentException($"{op}: divisor must be not zero, but got divisor_override={divisorOverride}");
        int[] k = kernelSize.ToArray(), s = (stride ?? kernelSize).ToArray(), p = (padding ?? 0).ToArray();
        var x = PoolInput(op, input, 3, out bool unbatched);
        var o = Pool3dSizes(op, x, k, s, p, [1, 1, 1], ceilMode);
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], dd = x.Layout.Shape[2], h = x.Layout.Shape[3], w = x.Layout.Shape[4];
        // With an override, both passes sum (divisor 1) and the override divides once at the end.
        int? each = divisorOverride is null ? null : 1;
        var y1 = AvgPool2d(x.Reshape(n * c, dd, h, w), (k[1], k[2]), (s[1], s[2]), (p[1], p[2]), ceilMode, countIncludePad, each);
        var y = AvgPool2d(y1.View(n * c, 1, dd, o[1] * o[2]), (k[0], 1), (s[0], 1), (p[0], 0), ceilMode, countIncludePad, each)
            .View(n, c, o[0], o[1], o[2]);
        if (divisorOverride is { } div) y = y / div;
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>PyTorch's checks of a 3-D pooling's arguments; returns the output sizes (D, H, W).</summary>
    private static int[] Pool3dSizes(string op, Tensor x, int[] k, int[] s, int[] p, int[] d, bool ceilMode)
    {
        if (k.Any(v => v <= 0))
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kT: {k[0]} kH: {k[1]} kW: {k[2]}");
        if (s.Any(v => v <= 0))
            throw new ArgumentException($"{op}: stride should be greater than zero, but got dT: {s[0]} dH: {s[1]} dW: {s[2]}");
        if (d.Any(v => v <= 0))
            throw new ArgumentException($"{op}: dilation should be greater than zero, but got dilationT: {d[0]} dilationH: {d[1]} dilationW: {d[2]}");
        if (p.Any(v => v < 0))
            throw new ArgumentException($"{op}: pad must be non-negative, but got padT: {p[0]} padH: {p[1]} padW: {p[2]}");
        for (int i = 0; i < 3; i++)
            if (p[i] > k[i] / 2)
                throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got pad={p[i]} and kernel_size={k[i]} (padding {Shape.Format(p)}, kernel_size {Shape.Format(k)})");
        int[] sh = x.Layout.Shape;
        var o = new int[3];
        for (int i = 0; i < 3; i++) o[i] = PoolOutputSize(sh[2 + i], k[i], p[i], s[i], d[i], ceilMode);
        if (o.Any(v => v < 1))
            throw new ArgumentException($"{op}: Given input size: ({sh[1]}x{sh[2]}x{sh[3]}x{sh[4]}). Calculated output size: ({sh[1]}x{o[0]}x{o[1]}x{o[2]}). Output size is too small");
        return o;
    }

    /// <summary>
    /// Adaptive average pooling of [N, C, L] or [C, L] to <paramref name="outputSize"/> (<c>F.adaptive_avg_pool1d</c>):
    /// output i averages inputs ⌊i·L/O⌋ to ⌈(i+1)·L/O⌉ − 1.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 2-D or 3-D, or the size is negative.</exception>
    public static Tensor AdaptiveAvgPool1d(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput("adaptive_avg_pool1d", input, 1, out bool unbatched);
        if (outputSize < 0) throw new ArgumentException($"adaptive_avg_pool1d: output_size must be non-negative, but got {outputSize}");
        var y = AdaptiveAvgPool2d(x.Unsqueeze(2), (1, outputSize)).Squeeze(2);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>Adaptive max pooling of [N, C, L] or [C, L] (<c>F.adaptive_max_pool1d</c>), windows as in <see cref="AdaptiveAvgPool1d"/>.</summary>
    /// <exception cref="ArgumentException">The input is not 2-D or 3-D, or the size is negative.</exception>
    public static Tensor AdaptiveMaxPool1d(Tensor input, int outputSize) => AdaptiveMaxPool1dWithIndices(input, outputSize).Output;

    /// <summary>Adaptive 1-D max pooling that also returns the int64 position of each maximum (<c>return_indices=True</c>).</summary>
    /// <exception cref="ArgumentException">The input is not 2-D or 3-D, or the size is negative.</exception>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool1dWithIndices(Tensor input, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput("adaptive_max_pool1d", input, 1, out bool unbatched);
        if (outputSize < 0) throw new ArgumentException($"adaptive_max_pool1d: output_size must be non-negative, but got {outputSize}");
        var (y, idx) = AdaptiveMaxPool2dWithIndices(x.Unsqueeze(2), (1, outputSize));
        y = y.Squeeze(2); idx = idx.Squeeze(2);
        return unbatched ? (y.Squeeze(0), idx.Squeeze(0)) : (y, idx);
    }

    /// <summary>
    /// Adaptive average pooling of [N, C, D, H, W] or [C, D, H, W] (<c>F.adaptive_avg_pool3d</c>) to
    /// (D, H, W), windows per dim as in <see cref="AdaptiveAvgPool2d(Tensor, ValueTuple{int?, int?})"/>; a null size keeps the input's.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 4-D or 5-D, or a size is negative.</exception>
    public static Tensor AdaptiveAvgPool3d(Tensor input, (int? D, int? H, int? W) outputSize)
    {
        const string op = "adaptive_avg_pool3d";
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput(op, input, 3, out bool unbatched);
        var o = Adaptive3dSizes(op, x, outputSize);
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], dd = x.Layout.Shape[2];
        var y1 = AdaptiveAvgPool2d(x.Reshape(n * c, dd, x.Layout.Shape[3], x.Layout.Shape[4]), (o[1], o[2]));
        int plane = o[1] * o[2];
        var y = AdaptiveAvgPool2d(y1.View(n * c, 1, dd, plane), (o[0], plane)).View(n, c, o[0], o[1], o[2]);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>Adaptive average pooling to <paramref name="outputSize"/> in every dim.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or 5-D, or the size is negative.</exception>
    public static Tensor AdaptiveAvgPool3d(Tensor input, int outputSize) => AdaptiveAvgPool3d(input, (outputSize, outputSize, outputSize));

    /// <summary>Adaptive 3-D max pooling (<c>F.adaptive_max_pool3d</c>), windows as in <see cref="AdaptiveAvgPool3d(Tensor, ValueTuple{int?, int?, int?})"/>.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or 5-D, or a size is negative.</exception>
    public static Tensor AdaptiveMaxPool3d(Tensor input, (int? D, int? H, int? W) outputSize) => AdaptiveMaxPool3dWithIndices(input, outputSize).Output;

    /// <summary>Adaptive 3-D max pooling to <paramref name="outputSize"/> in every dim.</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or 5-D, or the size is negative.</exception>
    public static Tensor AdaptiveMaxPool3d(Tensor input, int outputSize) => AdaptiveMaxPool3d(input, (outputSize, outputSize, outputSize));

    /// <summary>Adaptive 3-D max pooling that also returns the int64 position (d · H · W + h · W + w) of each maximum (<c>return_indices=True</c>).</summary>
    /// <exception cref="ArgumentException">The input is not 4-D or 5-D, or a size is negative.</exception>
    public static (Tensor Output, Tensor Indices) AdaptiveMaxPool3dWithIndices(Tensor input, (int? D, int? H, int? W) outputSize)
    {
        const string op = "adaptive_max_pool3d";
        ArgumentNullException.ThrowIfNull(input);
        var x = PoolInput(op, input, 3, out bool unbatched);
        var o = Adaptive3dSizes(op, x, outputSize);
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], dd = x.Layout.Shape[2], h = x.Layout.Shape[3], w = x.Layout.Shape[4];
        var (y1, i1) = AdaptiveMaxPool2dWithIndices(x.Reshape(n * c, dd, h, w), (o[1], o[2]));
        int plane = o[1] * o[2];
        var (y2, i2) = AdaptiveMaxPool2dWithIndices(y1.View(n * c, 1, dd, plane), (o[0], plane));
        var y = y2.View(n, c, o[0], o[1], o[2]);
        var idx = VolumeIndices(i1.View(n * c, dd * plane), i2.View(n * c, o[0] * plane), plane, h * w).View(n, c, o[0], o[1], o[2]);
        return unbatched ? (y.Squeeze(0), idx.Squeeze(0)) : (y, idx);
    }

    private static int[] Adaptive3dSizes(string op, Tensor x, (int? D, int? H, int? W) outputSize)
    {
        int[] sh = x.Layout.Shape;
        int[] o = [outputSize.D ?? sh[2], outputSize.H ?? sh[3], outputSize.W ?? sh[4]];
        if (o.Any(v => v < 0))
            throw new ArgumentException($"{op}: output_size must be non-negative, but got ({o[0]}, {o[1]}, {o[2]})");
        return o;
    }

    /// <summary>
    /// Power-average pooling of [N, C, L] or [C, L] (<c>F.lp_pool1d</c>): (Σ x^p)^(1/p) over each window,
    /// computed as PyTorch does from an average pooling of x^p (so p = 1 sums, and windows whose
    /// power sum is negative give 0). The stride defaults to the kernel size; no padding.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes do not fit.</exception>
    public static Tensor LpPool1d(Tensor input, double normType, int kernelSize, int? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = AvgPool1d(input.Pow(normType), kernelSize, stride ?? kernelSize, 0, ceilMode);
        return LpFinish(o, kernelSize, normType);
    }

    /// <summary>Power-average pooling of [N, C, H, W] or [C, H, W] (<c>F.lp_pool2d</c>); see <see cref="LpPool1d"/>.</summary>
    /// <exception cref="ArgumentException">Sizes do not fit.</exception>
    public static Tensor LpPool2d(Tensor input, double normType, IntOrPair kernelSize, IntOrPair? stride = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = AvgPool2d(input.Pow(normType), kernelSize, stride ?? kernelSize, 0, ceilMode);
        return LpFinish(o, kernelSize.First * kernelSize.Second, normType);
    }

    /// <summary>PyTorch's <c>(sign(out) * relu(abs(out))).mul(k).pow(1 / p)</c>.</summary>
    private static Tensor LpFinish(Tensor avg, int window, double normType) =>
        (avg.Sign() * Relu(avg.Abs())).Mul(window).Pow(1.0 / normType);
}
