using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu;

// Softmax over one axis of a contiguous tensor, seen as [outer, dim, inner]. With inner == 1 (the
// last axis) each row is a contiguous span, done with vectorised TensorPrimitives calls as PyTorch's
// _vec_softmax_lastdim does: max, exp(x - max) with its sum, then a multiply by 1/sum (log-softmax:
// x - max - log(sum)). With inner > 1 the same steps run across the inner spans, which are contiguous
// too, so they vectorise over the inner dim instead.
internal sealed partial class CpuBackend
{
    public void Softmax(Storage src, Layout sl, int axis, bool log, Storage dst, Layout dl)
    {
        if (src.DType == DType.Float32) SoftmaxT<float>(Data<float>(src), sl, axis, log, Data<float>(dst), dl);
        else if (src.DType == DType.Float64) SoftmaxT<double>(Data<double>(src), sl, axis, log, Data<double>(dst), dl);
        else throw new NotSupportedException($"cpu: softmax is not implemented for {src.DType.TorchName()}.");
    }

    private static void SoftmaxT<T>(T[] x, Layout sl, int axis, bool log, T[] d, Layout dl)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] shape = sl.Shape;
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        int dim = shape.Length == 0 ? 1 : shape[axis];
        if (outer * dim * inner == 0) return;
        int xo = sl.Offset, dOff = dl.Offset, n = dim, m = (int)inner;

        void Rows(long from, long to)
        {
            T[]? buf = m > 1 ? new T[2 * m] : null;
            for (long o = from; o < to; o++)
            {
                int xs = xo + (int)(o * n * m), ds = dOff + (int)(o * n * m);
                if (m == 1) LastDim(x.AsSpan(xs, n), d.AsSpan(ds, n), log);
                else Strided(x, xs, d, ds, n, m, log, buf!);
            }
        }

        // A few rows per task; small tensors stay on this thread.
        if (outer > 1 && outer * n * m >= 1 << 15 && Threads.Count > 1) ParallelChunks(outer, Rows);
        else Rows(0, outer);
    }

    public void LogSoftmaxBackward(Storage y, Layout yl, Storage g, Layout gl, int axis, Storage dst, Layout dl)
    {
        if (y.DType == DType.Float32) LogSoftmaxBackwardT<float>(Data<float>(y), yl, Data<float>(g), gl, axis, Data<float>(dst), dl);
        else if (y.DType == DType.Float64) LogSoftmaxBackwardT<double>(Data<double>(y), yl, Data<double>(g), gl, axis, Data<double>(dst), dl);
        else throw new NotSupportedException($"cpu: log_softmax backward is not implemented for {y.DType.TorchName()}.");
    }

    // g - exp(y) * sum(g) per [dim, inner] block, with dst as the scratch for exp(y): the sums are
    // taken as the Sum reduction takes them (float32 in float64 blocks, float64 pairwise; over rows
    // in order when inner > 1), then exp(y)·s and g − that round as the separate ops do.
    private static void LogSoftmaxBackwardT<T>(T[] y, Layout yl, T[] g, Layout gl, int axis, T[] d, Layout dl)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] shape = yl.Shape;
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        int n = shape.Length == 0 ? 1 : shape[axis], m = (int)inner;
        if (outer * n * m == 0) return;

        void Rows(long from, long to)
        {
            T[]? sums = m > 1 ? new T[m] : null;
            Span<T> tmp = stackalloc T[RowChunk];
            double[]? acc = m > 1 && typeof(T) == typeof(float) ? new double[m] : null;
            for (long o = from; o < to; o++)
            {
                int block = (int)(o * n * m);
                var ys = y.AsSpan(yl.Offset + block, n * m);
                var gs = g.AsSpan(gl.Offset + block, n * m);
                var ds = d.AsSpan(dl.Offset + block, n * m);
                if (m == 1)
                {
                    // One streaming pass after the sum: exp(y)·s and g − that, a chunk at a time in an
                    // L1-sized scratch, instead of three passes over the whole row of dst.
                    T s = SumOf(gs);
                    for (int k = 0; k < n; k += RowChunk)
                    {
                        int len = Math.Min(RowChunk, n - k);
                        var e = tmp[..len];
                        ExpShifted<T>(ys.Slice(k, len), T.Zero, e);
                        TP.Multiply(e, s, e);
                        TP.Subtract(gs.Slice(k, len), e, ds.Slice(k, len));
                    }
                    continue;
                }
                if (acc is not null)
                {
                    acc.AsSpan().Clear();
                    var f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(gs);
                    for (int k = 0; k < n; k++) Kernels.ReduceMath.AddWidened(acc, f.Slice(k * m, m));
                    for (int j = 0; j < m; j++) sums![j] = T.CreateTruncating(acc[j]);
                }
                else
                {
                    sums.AsSpan().Clear();
                    for (int k = 0; k < n; k++) TP.Add(sums, gs.Slice(k * m, m), sums);
                }
                TP.Exp(ys, ds);
                for (int k = 0; k < n; k++) TP.Multiply(ds.Slice(k * m, m), sums, ds.Slice(k * m, m));
                TP.Subtract(gs, ds, ds);
            }
        }

        if (outer > 1 && outer * n * m >= 1 << 15 && Threads.Count > 1) ParallelChunks(outer, Rows);
        else Rows(0, outer);
    }

    /// <summary>A row's sum as <c>Sum(dim)</c> computes it (float32: float64 blocks; float64: pairwise).</summary>
    private static T SumOf<T>(ReadOnlySpan<T> xs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(Kernels.ReduceMath.SumFloat(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(xs)));
        return T.CreateTruncating(Kernels.ReduceMath.SumDouble(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(xs)));
    }

    /// <summary>
    /// Elements per chunk of a row's streaming passes: the chunk's scratch (4 KiB of float32, 8 KiB of
    /// float64) stays in L1 while a row of a large vocabulary does not.
    /// </summary>
    internal const int RowChunk = 1024;

    /// <summary>
    /// log(sum(exp(x - max))) of one row: the shifted exponentials a chunk at a time in
    /// <paramref name="scratch"/> (at least <see cref="RowChunk"/> long), summed chunk by chunk. Shared by
    /// log_softmax and the fused cross-entropy, so the two round alike.
    /// </summary>
    internal static T LogSumExpShifted<T>(ReadOnlySpan<T> x, T max, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return T.CreateTruncating(MathF.Log(Kernels.ShiftedExp.SumExp(AsFloats(x), float.CreateTruncating(max))));
        T sum = T.Zero;
        for (int k = 0; k < x.Length; k += RowChunk)
        {
            int len = Math.Min(RowChunk, x.Length - k);
            var e = scratch[..len];
            TP.Subtract(x.Slice(k, len), max, e);
            TP.Exp(e, e);
            sum += TP.Sum<T>(e);
        }
        return T.Log(sum);
    }

    /// <summary>exp(x - shift) into dst, where x - shift is at most 0: float32 by <see cref="Kernels.ShiftedExp"/>, float64 by TensorPrimitives.</summary>
    internal static void ExpShifted<T>(ReadOnlySpan<T> x, T shift, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            Kernels.ShiftedExp.Exp(AsFloats(x), float.CreateTruncating(shift), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(dst));
            return;
        }
        if (shift == T.Zero) TP.Exp(x, dst);
        else { TP.Subtract(x, shift, dst); TP.Exp(dst, dst); }
    }

    private static ReadOnlySpan<float> AsFloats<T>(ReadOnlySpan<T> x) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x);

    private static void LastDim<T>(ReadOnlySpan<T> x, Span<T> d, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TP.Max(x);
        if (log)
        {
            // Three reads of x and one write of d: the max, the exponentials' sum in L1-sized chunks,
            // then (x - max) - lse a chunk at a time while the chunk of d is in L1.
            Span<T> scratch = stackalloc T[RowChunk];
            T lse = LogSumExpShifted(x, max, scratch);
            for (int k = 0; k < x.Length; k += RowChunk)
            {
                int len = Math.Min(RowChunk, x.Length - k);
                var dc = d.Slice(k, len);
                TP.Subtract(x.Slice(k, len), max, dc);
                TP.Subtract(dc, lse, dc);
            }
        }
        else
        {
            ExpShifted(x, max, d);
            T inv = T.One / TP.Sum<T>(d);
            TP.Multiply(d, inv, d);
        }
    }

    // One [dim, inner] block: buf[0..m) holds the running max, buf[m..2m) the running sum.
    private static void Strided<T>(T[] x, int xs, T[] d, int ds, int n, int m, bool log, T[] buf) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = buf.AsSpan(0, m);
        var sum = buf.AsSpan(m, m);
        x.AsSpan(xs, m).CopyTo(max);
        for (int k = 1; k < n; k++) TP.Max(max, x.AsSpan(xs + k * m, m), max);
        sum.Clear();
        for (int k = 0; k < n; k++)
        {
            var row = d.AsSpan(ds + k * m, m);
            TP.Subtract(x.AsSpan(xs + k * m, m), max, row);
            if (log)
            {
                // Exponentials of row are summed without overwriting it: row keeps x - max.
                for (int j = 0; j < m; j++) sum[j] += T.Exp(row[j]);
            }
            else
            {
                TP.Exp(row, row);
                TP.Add(sum, row, sum);
            }
        }
        if (log)
        {
            TP.Log(sum, sum);
            for (int k = 0; k < n; k++) { var row = d.AsSpan(ds + k * m, m); TP.Subtract(row, sum, row); }
        }
        else
        {
            TP.Reciprocal(sum, sum);
            for (int k = 0; k < n; k++) { var row = d.AsSpan(ds + k * m, m); TP.Multiply(row, sum, row); }
        }
    }
}
