using Ember.Backends;
using Ember.Backends.Cpu;
using Ember.Backends.Cpu.Kernels;

namespace Ember.Jit.Passes;

/// <summary>
/// The kernels fused and planned nodes run: a convolution or linear layer written into a given output (the
/// backends' kernels, with the bias added in their epilogue), ReLU in place, and a float32 max pooling that
/// applies ReLU as it writes (ReLU is monotone, so <c>relu(max(w)) = max(relu(w))</c> exactly, NaN included,
/// and it runs over a quarter of the elements).
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

    /// <summary>True when <see cref="MaxPoolRelu"/> can run on <paramref name="x"/>.</summary>
    internal static bool CanPool(Tensor x) => x is { DType: DType.Float32, NDim: 4 } && x.Storage is CpuStorage<float> && x.Layout.IsContiguous;

    /// <summary>The pooled size of one spatial dim, as max_pool2d computes it.</summary>
    internal static int PooledSize(int n, int k, int p, int s, int d, bool ceil) => NN.F.PoolOutputSize(n, k, p, s, d, ceil);

    /// <summary>
    /// y = (relu ∘ max_pool2d)(x) for contiguous float32 [N, C, H, W] into y [N, C, OH, OW]: windows as PyTorch's
    /// (start o·s − p, every d-th element, clipped to the input); a NaN in a window wins, as in PyTorch's kernel.
    /// </summary>
    internal static void MaxPoolRelu(Tensor x, Tensor y, int[] k, int[] s, int[] p, int[] d, bool relu)
    {
        var xs = ((CpuStorage<float>)x.Storage).Data;
        var ys = ((CpuStorage<float>)y.Storage).Data;
        int planes = x.Layout.Shape[0] * x.Layout.Shape[1], h = x.Layout.Shape[2], w = x.Layout.Shape[3];
        int oh = y.Layout.Shape[2], ow = y.Layout.Shape[3];
        int xo = x.Layout.Offset, yo = y.Layout.Offset;
        void Planes(int from, int to)
        {
            for (int pl = from; pl < to; pl++)
            {
                int xb = xo + pl * h * w, yb = yo + pl * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    int h0 = i * s[0] - p[0], h1 = Math.Min(h0 + (k[0] - 1) * d[0] + 1, h);
                    while (h0 < 0) h0 += d[0];
                    for (int j = 0; j < ow; j++)
                    {
                        int w0 = j * s[1] - p[1], w1 = Math.Min(w0 + (k[1] - 1) * d[1] + 1, w);
                        while (w0 < 0) w0 += d[1];
                        float m = float.NegativeInfinity;
                        for (int r = h0; r < h1; r += d[0])
                        {
                            int row = xb + r * w;
                            for (int c = w0; c < w1; c += d[1])
                            {
                                float v = xs[row + c];
                                if (v > m || float.IsNaN(v)) m = v;
                            }
                        }
                        ys[yb + i * ow + j] = relu && m < 0 ? 0 : m;
                    }
                }
            }
        }
        long work = (long)planes * oh * ow * k[0] * k[1];
        if (work < 1 << 16 || Threads.Count <= 1) { Planes(0, planes); return; }
        int chunks = Math.Min(planes, Threads.Count * 4);
        WorkerTeam.Run(chunks, c => Planes((int)((long)planes * c / chunks), (int)((long)planes * (c + 1) / chunks)));
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
