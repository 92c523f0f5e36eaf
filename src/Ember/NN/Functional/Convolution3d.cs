namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// 3-D convolution over an input [N, C, D, H, W] or, unbatched, [C, D, H, W] (<c>F.conv3d</c>) with
    /// a weight [out_channels, C/groups, kD, kH, kW] and an optional bias [out_channels]. Each output
    /// size is (n + 2p − d(k − 1) − 1)/s + 1, rounded down. <paramref name="padding"/> is an int, a
    /// triple, <c>"valid"</c> or <c>"same"</c>; padding is always zeros here (the <see cref="Conv3d"/>
    /// module pads other ways with <c>F.Pad</c> first). float32 and float64.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups, stride, padding or dilation do not fit, with PyTorch's message.</exception>
    /// <exception cref="NotSupportedException">An integer or bool dtype.</exception>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, IntOrTriple? stride = null,
        ConvPadding3d? padding = null, IntOrTriple? dilation = null, int groups = 1)
    {
        var pad = padding ?? 0;
        return ConvNd("conv3d", 3, input, weight, bias, (stride ?? 1).ToArray(), pad.Size.ToArray(), pad.Mode, (dilation ?? 1).ToArray(), groups);
    }

    /// <summary>
    /// 3-D transposed convolution (<c>F.conv_transpose3d</c>), the gradient of <see cref="Conv3d(Tensor, Tensor, Tensor?, IntOrTriple?, ConvPadding3d?, IntOrTriple?, int)"/>
    /// with respect to its input: input [N, C_in, D, H, W] or [C_in, D, H, W], weight
    /// [C_in, C_out/groups, kD, kH, kW], bias [C_out]. Each output size is
    /// (n − 1)s − 2p + d(k − 1) + output_padding + 1; output_padding must be smaller than the stride
    /// or the dilation. Note PyTorch's argument order: groups comes before dilation.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, channels, groups or sizes do not fit.</exception>
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, IntOrTriple? stride = null,
        IntOrTriple? padding = null, IntOrTriple? outputPadding = null, int groups = 1, IntOrTriple? dilation = null) =>
        ConvTransposeNd("conv_transpose3d", 3, input, weight, bias, (stride ?? 1).ToArray(), (padding ?? 0).ToArray(),
            (outputPadding ?? 0).ToArray(), groups, (dilation ?? 1).ToArray());

    /// <summary>
    /// A validated 3-D convolution as one 2-D convolution (vol2col along depth only): the kD input
    /// planes each output plane reads are stacked into channels, [N·OD, G·kD·C/G, H, W], and the weight
    /// [O, C/G, kD, kH, kW] becomes [O, kD·C/G, kH, kW] with the same group order. The 2-D convolution
    /// then runs on the packed GEMM kernels and brings its derivative rows (all orders) with it.
    /// </summary>
    private static Tensor Conv3dByPlanes(Tensor x, Tensor w, Tensor? b, int[] stride, int[] lo, int[] hi, int[] dilation, int groups, int[] outSize)
    {
        int n = x.Layout.Shape[0], c = x.Layout.Shape[1], o = w.Layout.Shape[0], cg = w.Layout.Shape[1];
        int kd = w.Layout.Shape[2], kh = w.Layout.Shape[3], kw = w.Layout.Shape[4], od = outSize[0];
        // "same" with an even dilated kernel pads one more at the end, which conv2d cannot: pad explicitly then.
        bool symmetric = lo[1] == hi[1] && lo[2] == hi[2];
        int[] pad = symmetric ? [0, 0, 0, 0, lo[0], hi[0]] : [lo[2], hi[2], lo[1], hi[1], lo[0], hi[0]];
        var xp = pad.Any(p => p != 0) ? Pad(x, pad) : x;
        int h = xp.Layout.Shape[3], wd = xp.Layout.Shape[4];
        var planes = new Tensor[kd];
        for (int k = 0; k < kd; k++)
        {
            int start = k * dilation[0];
            var s = xp[.., .., TensorIndex.Slice(start, start + (od - 1) * stride[0] + 1, stride[0])];
            planes[k] = s.View(n, groups, c / groups, od, h, wd).Permute(0, 3, 1, 2, 4, 5);
        }
        var cols = Tensor.Stack(planes, 3).View(n * od, groups * kd * (c / groups), h, wd);
        var w2 = w.Permute(0, 2, 1, 3, 4).Reshape(o, kd * cg, kh, kw);
        IntOrPair pad2 = symmetric ? (lo[1], lo[2]) : (0, 0);
        var y = Conv2d(cols, w2, b, (stride[1], stride[2]), pad2, (dilation[1], dilation[2]), groups);
        return y.View(n, od, o, outSize[1], outSize[2]).Permute(0, 2, 1, 3, 4).Contiguous();
    }

    /// <summary>
    /// A validated 3-D transposed convolution as one 2-D transposed convolution per input plane
    /// (batched as [N·D, C_in, H, W]) whose output channels hold every depth tap, [G, kD, C_out/G];
    /// the taps are then summed into their output planes (col2vol along depth) with an index-add at
    /// plane d·s + k·dilation, and the padding cropped (or output_padding added) at the ends.
    /// </summary>
    private static Tensor ConvTranspose3dByPlanes(Tensor x, Tensor w, Tensor? b, int[] stride, int[] padding, int[] outputPadding,
        int groups, int[] dilation, int[] outSize)
    {
        int n = x.Layout.Shape[0], cin = x.Layout.Shape[1], id = x.Layout.Shape[2], ih = x.Layout.Shape[3], iw = x.Layout.Shape[4];
        int cg = w.Layout.Shape[1], kd = w.Layout.Shape[2], kh = w.Layout.Shape[3], kw = w.Layout.Shape[4], cout = cg * groups;
        var x2 = x.Permute(0, 2, 1, 3, 4).Reshape(n * id, cin, ih, iw);
        var w2 = w.Permute(0, 2, 1, 3, 4).Reshape(cin, kd * cg, kh, kw);
        var y = ConvTranspose2d(x2, w2, null, (stride[1], stride[2]), (padding[1], padding[2]), (outputPadding[1], outputPadding[2]),
            groups, (dilation[1], dilation[2]));
        int oh = y.Layout.Shape[2], ow = y.Layout.Shape[3];
        var taps = y.View(n, id, groups, kd, cg, oh, ow).Permute(0, 2, 4, 3, 1, 5, 6).Reshape(n, cout, kd * id, oh, ow);
        int full = (id - 1) * stride[0] + dilation[0] * (kd - 1) + 1;
        var index = new long[kd * id];
        for (int k = 0; k < kd; k++)
            for (int i = 0; i < id; i++) index[k * id + i] = (long)i * stride[0] + (long)k * dilation[0];
        var sum = Tensor.Zeros([n, cout, full, oh, ow], x.DType, x.Device).IndexAdd(2, Tensor.From(index, x.Device), taps);
        var yd = Pad(sum, [0, 0, 0, 0, -padding[0], outSize[0] - (full - padding[0])]);
        return b is null ? yd : yd + b.View(1, cout, 1, 1, 1);
    }
}
