using Ember.Backends;
using Ember.Backends.Cpu;
using Ember.Backends.Cpu.Kernels;

namespace Ember.Jit.Passes;

/// <summary>
/// The kernels fused and planned nodes run: a convolution or linear layer written into a given output (the
/// backends' kernels, with the bias added in their epilogue), ReLU in place, and max pooling followed by ReLU over
/// the pooled values (ReLU is monotone, so <c>relu(max(w)) = max(relu(w))</c>, NaN included, over a quarter of the elements).
/// </summary>
internal static class EpilogueKernels
{
    /// <summary>ReLU over a float32 tensor's elements, in place (the tensor must be contiguous and owned by the caller).</summary>
    internal static void ReluInPlace(Tensor y)
    {
        if (y.Storage is CpuStorage<float> s && y.Layout.IsContiguous)
        {
            var span = s.Data.AsSpan(y.Layout.Offset, y.Layout.NumElements);
            ReluK<float>.Contig(span, span);
        }
        else
            using (Autograd.NoGrad()) y.Relu_();
    }

    /// <summary>True when <see cref="MaxPool"/> can run on <paramref name="x"/> (contiguous float32 [N, C, H, W]).</summary>
    internal static bool CanPool(Tensor x) => x is { DType: DType.Float32, NDim: 4 } && x.Storage is CpuStorage<float> && x.Layout.IsContiguous;

    /// <summary>The pooled size of one spatial dim, as max_pool2d computes it.</summary>
    internal static int PooledSize(int n, int k, int p, int s, int d, bool ceil) => NN.F.PoolOutputSize(n, k, p, s, d, ceil);

    /// <summary>The windows of a max_pool2d from [N, C, H, W] to [N, C, OH, OW]: start o·s − p moved to the first tap inside the input, end after the last tap, clipped (PyTorch's).</summary>
    internal static PoolWindows Windows(int[] x, int[] y, int[] k, int[] s, int[] p, int[] d)
    {
        var w = new PoolWindows { Planes = x[0] * x[1], H = x[2], W = x[3], OH = y[2], OW = y[3], HStep = d[0], WStep = d[1] };
        (w.HStart, w.HEnd) = NN.F.MaxWindows(w.OH, w.H, k[0], s[0], p[0], d[0]);
        (w.WStart, w.WEnd) = NN.F.MaxWindows(w.OW, w.W, k[1], s[1], p[1], d[1]);
        return w;
    }

    /// <summary>
    /// y = max_pool2d(x) by the backend's kernel (vectorised for 2 x 2 windows) into <paramref name="y"/>, then, with
    /// <paramref name="relu"/>, ReLU in place over the pooled values: max and ReLU commute (ReLU is monotone), so the
    /// values are those of ReLU then pooling, over a quarter of the elements (a zero's sign may differ). The
    /// int64 positions the kernel also writes go to <paramref name="indices"/> and are not used.
    /// </summary>
    internal static void MaxPool(Tensor x, Tensor y, Storage indices, Layout indicesLayout, PoolWindows w, bool relu)
    {
        x.Backend.MaxPool2d(x.Storage, x.Layout, y.Storage, y.Layout, indices, indicesLayout, w);
        if (relu) ReluInPlace(y);
    }

    /// <summary>
    /// A convolution written into <paramref name="y"/> by the backend's kernel (bias in its epilogue), for a
    /// contiguous batched float input; false (nothing written) when the operands do not suit it.
    /// </summary>
    internal static bool ConvInto(bool is1d, Tensor x, Tensor w, Tensor? b, Attributes a, Tensor y)
    {
        if (x.DType != y.DType || w.DType != y.DType || (b is not null && b.DType != y.DType) || x.NDim != (is1d ? 3 : 4)
            || !x.Layout.IsContiguous || !w.Layout.IsContiguous || b is { Layout.IsContiguous: false } || !y.Layout.IsContiguous
            || x.Device.Type != DeviceType.Cpu || w.Device != x.Device || y.Device != x.Device)
            return false;
        int[] xs = x.Layout.Shape, ws = w.Layout.Shape, ys = y.Layout.Shape;
        ConvGeometry g;
        if (is1d)
        {
            int stride = a.Int("stride"), dil = a.Int("dilation");
            int pad = a["padding"] switch { "same" => dil * (ws[2] - 1) / 2, string => 0, int v => v, _ => -1 };
            if (pad < 0) return false;
            g = new ConvGeometry(xs[0], xs[1], 1, xs[2], ws[0], 1, ys[2], 1, ws[2], 1, stride, 0, pad, 1, dil, a.Int("groups"));
        }
        else
        {
            int[] st = a.Ints("stride"), dl = a.Ints("dilation");
            int[] pd = a["padding"] switch
            {
                "same" => [dl[0] * (ws[2] - 1) / 2, dl[1] * (ws[3] - 1) / 2],
                string => [0, 0],
                int[] v => v,
                _ => [],
            };
            if (pd.Length != 2) return false;
            g = new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ws[0], ys[2], ys[3], ws[2], ws[3], st[0], st[1], pd[0], pd[1], dl[0], dl[1], a.Int("groups"));
        }
        x.Backend.ConvForward(x.Storage, x.Layout, w.Storage, w.Layout, b?.Storage, b?.Layout, y.Storage, y.Layout, g);
        return true;
    }

    /// <summary>x·Wᵀ + b written into <paramref name="y"/> by the GEMM (bias in its row epilogue), for a contiguous input; false when it does not suit.</summary>
    internal static bool LinearInto(Tensor x, Tensor w, Tensor? b, Tensor y)
    {
        if (b is null || b.NDim != 1 || x.DType != y.DType || w.DType != y.DType || b.DType != y.DType || x.NDim < 2
            || !x.Layout.IsContiguous || !b.Layout.IsContiguous || !y.Layout.IsContiguous
            || x.Device.Type != DeviceType.Cpu || w.Device != x.Device || b.Device != x.Device || y.Device != x.Device)
            return false;
        int k = w.Layout.Shape[1], n = w.Layout.Shape[0], m = x.Layout.NumElements / Math.Max(k, 1);
        if (k == 0) return false;
        var xl = new Layout([m, k], [k, 1], x.Layout.Offset);
        var wt = w.Layout.Transpose(0, 1);
        var yl = new Layout([m, n], [n, 1], y.Layout.Offset);
        x.Backend.MatMul(x.Storage, xl, w.Storage, wt, y.Storage, yl, b.Storage, b.Layout.Offset);
        return true;
    }
}
