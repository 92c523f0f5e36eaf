using Ember.Jit;
using Ember.Backends;

namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// 2-D convolution over an input [N, C, H, W] or, unbatched, [C, H, W] (<c>F.conv2d</c>) with a
    /// weight [out_channels, C/groups, kH, kW] and an optional bias [out_channels]. The output has
    /// (n + 2p − d(k − 1) − 1)/s + 1 rows and columns (rounded down). <paramref name="padding"/> is an
    /// int, a pair, <c>"valid"</c> or <c>"same"</c>; padding is always zeros here (the
    /// <see cref="Conv2d"/> module pads other ways with <c>F.Pad</c> first). float32 and float64.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups, stride, padding or dilation do not fit, with PyTorch's message.</exception>
    /// <exception cref="NotSupportedException">An integer or bool dtype.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, IntOrPair? stride = null,
        ConvPadding? padding = null, IntOrPair? dilation = null, int groups = 1)
    {
        var pad = padding ?? 0;
        if (Tracer.IsActive)
            return Tracer.Record("aten::conv2d", [input, weight, bias],
                new Attributes().Set("stride", (stride ?? 1).ToArray()).Set("padding", OpArgs.Padding(pad)).Set("dilation", (dilation ?? 1).ToArray()).Set("groups", groups),
                static (x, a) => [Conv2d(x[0]!, x[1]!, x[2], OpArgs.Pair(a.Ints("stride")), OpArgs.Padding(a["padding"]), OpArgs.Pair(a.Ints("dilation")), a.Int("groups"))]);
        return ConvNd("conv2d", 2, input, weight, bias, (stride ?? 1).ToArray(), pad.Size.ToArray(), pad.Mode, (dilation ?? 1).ToArray(), groups);
    }

    /// <summary>
    /// 1-D convolution over an input [N, C, L] or, unbatched, [C, L] (<c>F.conv1d</c>) with a weight
    /// [out_channels, C/groups, k]; see <see cref="Conv2d(Tensor, Tensor, Tensor?, IntOrPair?, ConvPadding?, IntOrPair?, int)"/>.
    /// <paramref name="padding"/> is an int, <c>"valid"</c> or <c>"same"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups, stride, padding or dilation do not fit.</exception>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, ConvPadding? padding = null, int dilation = 1, int groups = 1)
    {
        var pad = padding ?? 0;
        if (Tracer.IsActive)
            return Tracer.Record("aten::conv1d", [input, weight, bias],
                new Attributes().Set("stride", stride).Set("padding", pad.Mode ?? (object)pad.Size.First).Set("dilation", dilation).Set("groups", groups),
                static (x, a) => [Conv1d(x[0]!, x[1]!, x[2], a.Int("stride"), a["padding"] is string s ? s : a.Int("padding"), a.Int("dilation"), a.Int("groups"))]);
        if (pad.Mode is null && !pad.Size.IsSingle)
            throw new ArgumentException($"conv1d: expected padding to be a single integer value or a list of 1 values to match the convolution dimensions, but got padding={pad.Size.ToString().Replace('(', '[').Replace(')', ']')}");
        return ConvNd("conv1d", 1, input, weight, bias, [stride], [pad.Size.First], pad.Mode, [dilation], groups);
    }

    /// <summary>
    /// 2-D transposed convolution (<c>F.conv_transpose2d</c>), the gradient of <see cref="Conv2d(Tensor, Tensor, Tensor?, IntOrPair?, ConvPadding?, IntOrPair?, int)"/>
    /// with respect to its input: input [N, C_in, H, W] or [C_in, H, W], weight [C_in, C_out/groups, kH, kW],
    /// bias [C_out]. The output has (n − 1)s − 2p + d(k − 1) + output_padding + 1 rows and columns;
    /// output_padding must be smaller than the stride or the dilation. Note PyTorch's argument order:
    /// groups comes before dilation.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or sizes do not fit.</exception>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, IntOrPair? stride = null,
        IntOrPair? padding = null, IntOrPair? outputPadding = null, int groups = 1, IntOrPair? dilation = null) =>
        ConvTransposeNd("conv_transpose2d", 2, input, weight, bias, (stride ?? 1).ToArray(), (padding ?? 0).ToArray(),
            (outputPadding ?? 0).ToArray(), groups, (dilation ?? 1).ToArray());

    /// <summary>1-D transposed convolution (<c>F.conv_transpose1d</c>); see <see cref="ConvTranspose2d(Tensor, Tensor, Tensor?, IntOrPair?, IntOrPair?, IntOrPair?, int, IntOrPair?)"/>.</summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or sizes do not fit.</exception>
    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0,
        int outputPadding = 0, int groups = 1, int dilation = 1) =>
        ConvTransposeNd("conv_transpose1d", 1, input, weight, bias, [stride], [padding], [outputPadding], groups, [dilation]);

    private static Tensor ConvNd(string op, int nd, Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding,
        string? mode, int[] dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var x = BatchedInput(op, nd, input, weight, out bool unbatched);
        CheckConvArgs(op, stride, padding, dilation, groups);
        int[] ws = weight.Layout.Shape, xs = x.Layout.Shape;
        if (ws[0] % groups != 0)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {Shape.Format(ws)} instead");
        if (xs[1] != ws[1] * groups)
            throw new ArgumentException($"{op}: Given groups={groups}, weight of size {Shape.Format(ws)}, expected input{Shape.Format(xs)} to have {ws[1] * groups} channels, but got {xs[1]} channels instead");
        CheckBias(op, bias, ws, ws[0]);
        CheckOperands(op, x, weight, bias);

        var lo = new int[nd]; var hi = new int[nd];
        for (int i = 0; i < nd; i++)
        {
            int span = dilation[i] * (ws[2 + i] - 1);
            if (mode == "same")
            {
                if (stride[i] != 1) throw new ArgumentException($"{op}: padding='same' is not supported for strided convolutions");
                lo[i] = span / 2; hi[i] = span - lo[i];
            }
            else if (mode is null) { lo[i] = padding[i]; hi[i] = padding[i]; }
        }
        // In 64 bits: a huge padding or dilation must not wrap the sizes around to plausible small ones.
        long Padded(int i) => (long)xs[2 + i] + lo[i] + hi[i];
        long Span(int i) => (long)dilation[i] * (ws[2 + i] - 1) + 1;
        bool tooSmall = false;
        for (int i = 0; i < nd; i++) tooSmall |= Padded(i) < Span(i);
        if (tooSmall)
            throw new ArgumentException($"{op}: Calculated padded input size per channel: ({JoinLong(nd, Padded)}). " +
                $"Kernel size: ({JoinLong(nd, Span)}). Kernel size can't be greater than actual input size");
        var outSize = new int[nd];
        for (int i = 0; i < nd; i++) outSize[i] = OutputSize(op, (Padded(i) - Span(i)) / stride[i] + 1);
        // The kernels index the padded input in 32 bits; bounding it bounds every index they form.
        for (int i = 0; i < nd; i++) PaddedFits(op, Padded(i));
        if (nd == 3)
        {
            var y3 = Conv3dByPlanes(x, weight, bias, stride, lo, hi, dilation, groups, outSize);
            return unbatched ? y3.Squeeze(0) : y3;
        }

        Tensor x4 = nd == 1 ? x.Unsqueeze(2) : x, w4 = nd == 1 ? weight.Unsqueeze(2) : weight;
        var g = Geometry(nd, x4.Layout.Shape, ws[0], outSize, w4.Layout.Shape, stride, lo, dilation, groups);
        var y = ConvCore.Conv(x4, w4, bias, g);
        if (nd == 1) y = y.Squeeze(2);
        return unbatched ? y.Squeeze(0) : y;
    }

    private static Tensor ConvTransposeNd(string op, int nd, Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding,
        int[] outputPadding, int groups, int[] dilation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var x = BatchedInput(op, nd, input, weight, out bool unbatched);
        CheckConvArgs(op, stride, padding, dilation, groups);
        for (int i = 0; i < nd; i++)
        {
            if (outputPadding[i] < 0) throw new ArgumentException($"{op}: negative output_padding is not supported");
            if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i])
                throw new ArgumentException($"{op}: output padding must be smaller than either stride or dilation, but got output_padding={Shape.Format(outputPadding)}, stride={Shape.Format(stride)}, dilation={Shape.Format(dilation)}");
        }
        int[] ws = weight.Layout.Shape, xs = x.Layout.Shape;
        if (ws[0] % groups != 0)
            throw new ArgumentException($"{op}: Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {Shape.Format(ws)} instead");
        if (xs[1] != ws[0])
            throw new ArgumentException($"{op}: Given transposed=1, weight of size {Shape.Format(ws)}, expected input{Shape.Format(xs)} to have {ws[0]} channels, but got {xs[1]} channels instead");
        int outChannels = ws[1] * groups;
        CheckBias(op, bias, ws, outChannels);
        CheckOperands(op, x, weight, bias);
        var outLong = new long[nd];
        for (int i = 0; i < nd; i++)
            outLong[i] = (long)(xs[2 + i] - 1) * stride[i] - 2L * padding[i] + (long)dilation[i] * (ws[2 + i] - 1) + outputPadding[i] + 1;
        bool tooSmall = false;
        foreach (long o in outLong) tooSmall |= o <= 0;
        if (tooSmall)
            throw new ArgumentException($"{op}: Given input size per channel: ({Join(nd, i => xs[2 + i])}). Calculated output size per channel: ({JoinLong(nd, i => outLong[i])}). Output size is too small");
        var outSize = new int[nd];
        for (int i = 0; i < nd; i++) outSize[i] = OutputSize(op, outLong[i]);
        for (int i = 0; i < nd; i++) PaddedFits(op, outSize[i] + 2L * padding[i]);
        if (nd == 3)
        {
            var y3 = ConvTranspose3dByPlanes(x, weight, bias, stride, padding, outputPadding, groups, dilation, outSize);
            return unbatched ? y3.Squeeze(0) : y3;
        }

        Tensor x4 = nd == 1 ? x.Unsqueeze(2) : x, w4 = nd == 1 ? weight.Unsqueeze(2) : weight;
        // The geometry of the forward convolution from the output (the "input" of that convolution) back to x.
        int[] big = [xs[0], outChannels, nd == 1 ? 1 : outSize[0], outSize[nd - 1]];
        var g = Geometry(nd, big, ws[0], [.. xs.AsSpan(2)], w4.Layout.Shape, stride, padding, dilation, groups);
        var y = ConvCore.ConvTranspose(x4, w4, bias, g);
        if (nd == 1) y = y.Squeeze(2);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>Checks the input's rank against the weight's and adds the batch dim to an unbatched input.</summary>
    private static Tensor BatchedInput(string op, int nd, Tensor input, Tensor weight, out bool unbatched)
    {
        if (weight.NDim != nd + 2)
            throw new ArgumentException($"{op}: expected a {nd + 2}-D weight [out_channels, in_channels/groups, {nd switch { 1 => "k", 2 => "kH, kW", _ => "kD, kH, kW" }}], but got weight of size {Shape.Format(weight.Layout.Shape)}");
        if (input.NDim != nd + 1 && input.NDim != nd + 2)
            throw new ArgumentException($"{op}: Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {op}, but got input of size: {Shape.Format(input.Layout.Shape)}");
        unbatched = input.NDim == nd + 1;
        return unbatched ? input.Unsqueeze(0) : input;
    }

    private static void CheckConvArgs(string op, int[] stride, int[] padding, int[] dilation, int groups)
    {
        foreach (int s in stride) if (s <= 0) throw new ArgumentException($"{op}: non-positive stride is not supported (got stride={Shape.Format(stride)})");
        foreach (int p in padding) if (p < 0) throw new ArgumentException($"{op}: negative padding is not supported (got padding={Shape.Format(padding)})");
        foreach (int d in dilation) if (d <= 0) throw new ArgumentException($"{op}: dilation should be greater than zero, but got {Shape.Format(dilation)}");
        if (groups <= 0) throw new ArgumentException($"{op}: non-positive groups is not supported (got groups={groups})");
    }

    private static void CheckBias(string op, Tensor? bias, int[] ws, int channels)
    {
        if (bias is not null && (bias.NDim != 1 || bias.Layout.Shape[0] != channels))
            throw new ArgumentException($"{op}: Given weight of size {Shape.Format(ws)}, expected bias to be 1-dimensional with {channels} elements, but got bias of size {Shape.Format(bias.Layout.Shape)} instead");
    }

    private static void CheckOperands(string op, Tensor x, Tensor weight, Tensor? bias)
    {
        foreach (var t in new[] { weight, bias })
        {
            if (t is null) continue;
            if (t.Device != x.Device)
                throw new ArgumentException($"{op}: expected input, weight and bias on one device, but got input on {x.Device} and a parameter on {t.Device}");
            if (t.DType != x.DType)
                throw new ArgumentException($"{op}: expected scalar type {x.DType.TorchName()} but found {t.DType.TorchName()}: input is {x.DType.TorchName()}, weight is {weight.DType.TorchName()}{(bias is null ? "" : $", bias is {bias.DType.TorchName()}")}; convert them to one dtype");
        }
        if (!x.DType.IsFloatingPoint())
            throw new NotSupportedException($"{op}: not implemented for {x.DType.TorchName()} (input of size {Shape.Format(x.Layout.Shape)}); Ember convolves float32 and float64 tensors only");
    }

    /// <summary>The kernel geometry of a 1-D (as 2-D with height 1) or 2-D convolution from <paramref name="big"/> [N, C, (H,) W] to <paramref name="small"/> spatial sizes.</summary>
    private static ConvGeometry Geometry(int nd, int[] big, int outChannels, int[] small, int[] w4, int[] stride, int[] padLo, int[] dilation, int groups)
    {
        int h = nd == 1 ? 1 : big[2], w = big[^1];
        int oh = nd == 1 ? 1 : small[0], ow = small[nd - 1];
        return nd == 1
            ? new ConvGeometry(big[0], big[1], h, w, outChannels, oh, ow, 1, w4[3], 1, stride[0], 0, padLo[0], 1, dilation[0], groups)
            : new ConvGeometry(big[0], big[1], h, w, outChannels, oh, ow, w4[2], w4[3], stride[0], stride[1], padLo[0], padLo[1], dilation[0], dilation[1], groups);
    }

    private static int OutputSize(string op, long size) => size <= int.MaxValue ? (int)size
        : throw new ArgumentException($"{op}: the output size per channel would be {size}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {ShapeMath.MaxElements} elements per tensor");

    private static void PaddedFits(string op, long padded)
    {
        if (padded > int.MaxValue)
            throw new ArgumentException($"{op}: the padded input size per channel would be {padded}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {ShapeMath.MaxElements} elements per tensor");
    }

    private static string JoinLong(int n, Func<int, long> f)
    {
        var parts = new string[n];
        for (int i = 0; i < n; i++) parts[i] = f(i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" x ", parts);
    }

    private static string Join(int n, Func<int, int> f)
    {
        var parts = new string[n];
        for (int i = 0; i < n; i++) parts[i] = f(i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(" x ", parts);
    }
}
