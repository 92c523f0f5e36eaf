using System.Numerics;
using Ember.Backends.Cpu;
using Ember.Graph;

namespace Ember.NN;

// Layer normalisation of CPU float tensors as one autograd node (PyTorch's native_layer_norm): one
// pass for each row's mean and variance (in float64), one for the normalised, scaled and shifted
// output, and a hand-written backward, instead of the eight recorded ops of the composed form
// (mean, var, sub, add, rsqrt, mul, mul, add) and their input-sized temporaries. In a Transformer
// step the composed LayerNorm was the largest cost after the matrix products.
public static partial class F
{
    private static bool FusedLayerNormApplies(Tensor x, Tensor? w, Tensor? b) =>
        x.Device.Type == DeviceType.Cpu && x.DType is DType.Float32 or DType.Float64
        && (w is null || (w.DType == x.DType && w.Device == x.Device))
        && (b is null || (b.DType == x.DType && b.Device == x.Device));

    private sealed record LayerNormState(int[] NormalizedShape, double Eps, bool HasWeight, bool HasBias);

    /// <summary>The fused forward over the last <c>d</c> = prod(normalizedShape) elements of each row.</summary>
    private static Tensor LayerNormFused(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        var x = input.Contiguous();
        var w = weight?.Contiguous();
        var b = bias?.Contiguous();
        int d = 1;
        foreach (int s in normalizedShape) d *= s;
        int rows = d == 0 ? 0 : (int)(x.Numel() / d);
        var y = Tensor.Alloc(x.Layout.Shape, x.DType, x.Device, uninitialized: true, op: "layer_norm");
        var stats = Tensor.Alloc([rows, 2], x.DType, x.Device, uninitialized: true, op: "layer_norm"); // mean, rstd
        if (x.DType == DType.Float32) LayerNormRows<float>(x, w, b, eps, y, stats, rows, d);
        else LayerNormRows<double>(x, w, b, eps, y, stats, rows, d);
        if (Autograd.Recording([input, weight, bias]))
        {
            Tensor[] saved = [x, stats, w ?? x, b ?? x];
            Derivatives.LayerNorm.Record(y, [input, weight, bias], saved, new LayerNormState(normalizedShape, eps, w is not null, b is not null));
        }
        return y;
    }

    private static void LayerNormRows<T>(Tensor xT, Tensor? wT, Tensor? bT, double eps, Tensor yT, Tensor statsT, int rows, int d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] x = CpuBackend.Data<T>(xT.Storage), y = CpuBackend.Data<T>(yT.Storage), st = CpuBackend.Data<T>(statsT.Storage);
        T[]? w = wT is null ? null : CpuBackend.Data<T>(wT.Storage);
        T[]? b = bT is null ? null : CpuBackend.Data<T>(bT.Storage);
        int xo = xT.Layout.Offset, wo = wT?.Layout.Offset ?? 0, bo = bT?.Layout.Offset ?? 0;
        T epsT = T.CreateTruncating(eps);
        void Rows(int from, int to)
        {
            for (int r = from; r < to; r++)
            {
                int o = xo + r * d;
                double sum = 0;
                for (int j = 0; j < d; j++) sum += double.CreateTruncating(x[o + j]);
                double meanD = sum / d, sq = 0;
                for (int j = 0; j < d; j++) { double c = double.CreateTruncating(x[o + j]) - meanD; sq += c * c; }
                T mean = T.CreateTruncating(meanD), variance = T.CreateTruncating(sq / d);
                T rstd = T.One / T.Sqrt(variance + epsT);
                st[2 * r] = mean;
                st[2 * r + 1] = rstd;
                int yo = r * d;
                for (int j = 0; j < d; j++)
                {
                    T v = (x[o + j] - mean) * rstd;
                    if (w is not null) v *= w[wo + j];
                    if (b is not null) v += b[bo + j];
                    y[yo + j] = v;
                }
            }
        }
        RunRows(rows, d, Rows);
    }

    /// <summary>Splits rows among the worker team when there is enough work.</summary>
    private static void RunRows(int rows, int d, Action<int, int> body)
    {
        int chunks = (long)rows * d >= 1 << 15 ? Math.Min(rows, Threads.Count * 4) : 1;
        if (chunks <= 1) { body(0, rows); return; }
        WorkerTeam.Run(chunks, c => body((int)((long)rows * c / chunks), (int)((long)rows * (c + 1) / chunks)));
    }

    /// <summary>
    /// The backward of the fused layer norm (PyTorch's native_layer_norm_backward): with x̂ = (x − mean)·rstd and
    /// ĝ = g·w, dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row; dw = Σ_rows g·x̂; db = Σ_rows g. Under createGraph the
    /// composed form is recomputed from the saved input and differentiated, so double backward works.
    /// </summary>
    internal static Tensor?[] LayerNormBackward(BackwardContext ctx, Tensor[] g)
    {
        var s = ctx.State<LayerNormState>();
        Tensor x = ctx.Saved(0), stats = ctx.Saved(1);
        Tensor? w = s.HasWeight ? ctx.Saved(2) : null, b = s.HasBias ? ctx.Saved(3) : null;
        if (Autograd.IsGradEnabled)
        {
            var axes = Enumerable.Range(x.NDim - s.NormalizedShape.Length, s.NormalizedShape.Length).ToArray();
            var mean = x.Mean(axes, keepDim: true);
            var variance = x.Var(axes, correction: 0, keepDim: true);
            var y = (x - mean) * (variance + s.Eps).Rsqrt();
            if (w is not null) y = y * w;
            if (b is not null) y = y + b;
            return FusedLayers.RecordedGrads(ctx, [x, w, b], [y], g);
        }
        int d = 1;
        foreach (int n in s.NormalizedShape) d *= n;
        int rows = d == 0 ? 0 : (int)(x.Numel() / d);
        var gy = g[0].Contiguous();
        var dx = ctx.NeedsGrad(0) ? Tensor.Alloc(x.Layout.Shape, x.DType, x.Device, uninitialized: true, op: "layer_norm_backward") : null;
        Tensor? dw = null, db = null;
        if (x.DType == DType.Float32) LayerNormBackwardRows<float>(x, stats, w, gy, dx, rows, d);
        else LayerNormBackwardRows<double>(x, stats, w, gy, dx, rows, d);
        if (ctx.NeedsGrad(1) && w is not null || ctx.NeedsGrad(2) && b is not null)
        {
            var g2 = gy.View(rows, d);
            if (ctx.NeedsGrad(1) && w is not null)
            {
                var xhat = (x.View(rows, d) - stats.Narrow(1, 0, 1)) * stats.Narrow(1, 1, 1);
                dw = (g2 * xhat).Sum(0).View(s.NormalizedShape);
            }
            if (ctx.NeedsGrad(2) && b is not null) db = g2.Sum(0).View(s.NormalizedShape);
        }
        return [dx, dw, db];
    }

    private static void LayerNormBackwardRows<T>(Tensor xT, Tensor statsT, Tensor? wT, Tensor gT, Tensor? dxT, int rows, int d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (dxT is null) return;
        T[] x = CpuBackend.Data<T>(xT.Storage), st = CpuBackend.Data<T>(statsT.Storage), g = CpuBackend.Data<T>(gT.Storage), dx = CpuBackend.Data<T>(dxT.Storage);
        T[]? w = wT is null ? null : CpuBackend.Data<T>(wT.Storage);
        int xo = xT.Layout.Offset, so = statsT.Layout.Offset, go = gT.Layout.Offset, wo = wT?.Layout.Offset ?? 0;
        void Rows(int from, int to)
        {
            for (int r = from; r < to; r++)
            {
                int o = xo + r * d, gr = go + r * d;
                double mean = double.CreateTruncating(st[so + 2 * r]), rstd = double.CreateTruncating(st[so + 2 * r + 1]);
                double sumG = 0, sumGX = 0;
                for (int j = 0; j < d; j++)
                {
                    double gh = double.CreateTruncating(g[gr + j]) * (w is null ? 1.0 : double.CreateTruncating(w[wo + j]));
                    double xh = (double.CreateTruncating(x[o + j]) - mean) * rstd;
                    sumG += gh;
                    sumGX += gh * xh;
                }
                double mG = sumG / d, mGX = sumGX / d;
                int dr = r * d;
                for (int j = 0; j < d; j++)
                {
                    double gh = double.CreateTruncating(g[gr + j]) * (w is null ? 1.0 : double.CreateTruncating(w[wo + j]));
                    double xh = (double.CreateTruncating(x[o + j]) - mean) * rstd;
                    dx[dr + j] = T.CreateTruncating(rstd * (gh - mG - xh * mGX));
                }
            }
        }
        RunRows(rows, d, Rows);
    }
}
