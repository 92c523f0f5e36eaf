using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu;

// Cross-entropy rows (see IBackend.CrossEntropyRows): per row a max, the exponentials' sum through an
// L1-sized scratch chunk (as log_softmax takes it), and a pick; the backward writes exp(x - max - lse)·g
// once and subtracts g at the target. Rows are split across the worker team.
internal sealed partial class CpuBackend
{
    public void CrossEntropyRows(Storage x, Layout xl, Storage target, Layout tl, Storage nll, Storage stats)
    {
        if (x.DType == DType.Float32) CrossEntropyRowsT(Data<float>(x), xl, Data<long>(target), tl.Offset, Data<float>(nll), Data<float>(stats));
        else if (x.DType == DType.Float64) CrossEntropyRowsT(Data<double>(x), xl, Data<long>(target), tl.Offset, Data<double>(nll), Data<double>(stats));
        else throw new NotSupportedException($"cpu: cross_entropy is not implemented for {x.DType.TorchName()}.");
    }

    public void CrossEntropyRowsBackward(Storage x, Layout xl, Storage target, Layout tl, Storage stats, Storage g, Layout gl, Storage dst)
    {
        if (x.DType == DType.Float32)
            CrossEntropyRowsBackwardT(Data<float>(x), xl, Data<long>(target), tl.Offset, Data<float>(stats), Data<float>(g), gl.Offset, Data<float>(dst));
        else if (x.DType == DType.Float64)
            CrossEntropyRowsBackwardT(Data<double>(x), xl, Data<long>(target), tl.Offset, Data<double>(stats), Data<double>(g), gl.Offset, Data<double>(dst));
        else throw new NotSupportedException($"cpu: cross_entropy backward is not implemented for {x.DType.TorchName()}.");
    }

    private static void CrossEntropyRowsT<T>(T[] x, Layout xl, long[] t, int tOff, T[] nll, T[] stats)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = xl.Shape[0], n = xl.Shape[1];
        if (rows == 0 || n == 0) return;
        void Rows(long from, long to)
        {
            Span<T> scratch = stackalloc T[RowChunk];
            for (long i = from; i < to; i++)
            {
                var row = x.AsSpan(xl.Offset + (int)i * n, n);
                T max = TP.Max(row);
                T lse = LogSumExpShifted<T>(row, max, scratch);
                nll[i] = -((row[(int)t[tOff + i]] - max) - lse);
                stats[2 * i] = max;
                stats[2 * i + 1] = lse;
            }
        }
        if (rows > 1 && (long)rows * n >= 1 << 15 && Threads.Count > 1) ParallelChunks(rows, Rows);
        else Rows(0, rows);
    }

    private static void CrossEntropyRowsBackwardT<T>(T[] x, Layout xl, long[] t, int tOff, T[] stats, T[] g, int gOff, T[] d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = xl.Shape[0], n = xl.Shape[1];
        if (rows == 0 || n == 0) return;
        void Rows(long from, long to)
        {
            for (long i = from; i < to; i++)
            {
                var row = x.AsSpan(xl.Offset + (int)i * n, n);
                var dr = d.AsSpan((int)i * n, n);
                T gi = g[gOff + i];
                // exp(log_softmax) as the composed backward takes it: ((x - max) - lse), then exp, then · g,
                // a chunk at a time while the chunk of dst is in L1.
                for (int c = 0; c < n; c += RowChunk)
                {
                    int len = Math.Min(RowChunk, n - c);
                    var dc = dr.Slice(c, len);
                    TP.Subtract(row.Slice(c, len), stats[2 * i], dc);
                    ExpShifted<T>(dc, stats[2 * i + 1], dc);
                    TP.Multiply(dc, gi, dc);
                }
                int k = (int)t[tOff + i];
                dr[k] = dr[k] - gi;
            }
        }
        if (rows > 1 && (long)rows * n >= 1 << 15 && Threads.Count > 1) ParallelChunks(rows, Rows);
        else Rows(0, rows);
    }
}
