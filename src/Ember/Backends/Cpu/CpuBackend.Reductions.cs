using System.Numerics;
using Ember.Backends.Cpu.Kernels;

namespace Ember.Backends.Cpu;

// Reductions over axes, cumulative scans and sort: dtype dispatch, then one generic driver each.
internal sealed partial class CpuBackend
{
    public void Reduce(ReduceOp op, Storage src, Layout sl, int[] axes, Storage dst, Layout dl)
    {
        switch (src.DType)
        {
            case DType.Float32:
                if (op == ReduceOp.Sum) { RunReduce<float, double, float, SumF32K>(src, sl, axes, dst, dl); break; }
                if (op == ReduceOp.Prod) { RunReduce<float, double, float, ProdF32K>(src, sl, axes, dst, dl); break; }
                ReduceCommon<float>(op, src, sl, axes, dst, dl); break;
            case DType.Float64: ReduceCommon<double>(op, src, sl, axes, dst, dl); break;
            case DType.Int64: ReduceCommon<long>(op, src, sl, axes, dst, dl); break;
            case DType.Int32: ReduceCommon<int>(op, src, sl, axes, dst, dl); break;
            case DType.UInt8: case DType.Bool: ReduceCommon<byte>(op, src, sl, axes, dst, dl); break;
        }
    }

    public void SumOfSquares(Storage src, Layout sl, Storage dst, Layout dl)
    {
        if (src.DType == DType.Float32)
            Data<float>(dst)[dl.Offset] = (float)ReduceMath.SumOfSquaresFloat(Data<float>(src).AsSpan(sl.Offset, sl.NumElements));
        else if (src.DType == DType.Float64)
            Data<double>(dst)[dl.Offset] = ReduceMath.SumOfSquaresDouble(Data<double>(src).AsSpan(sl.Offset, sl.NumElements));
        else throw new NotSupportedException($"cpu: sum of squares is not implemented for {src.DType.TorchName()}.");
    }

    private static void ReduceCommon<T>(ReduceOp op, Storage s, Layout sl, int[] axes, Storage d, Layout dl) where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case ReduceOp.Sum: RunReduce<T, T, T, SumK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.Prod: RunReduce<T, T, T, ProdK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.Max: RunReduce<T, T, T, MaxK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.Min: RunReduce<T, T, T, MinK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.ArgMax: RunReduce<T, (T, long), long, ArgMaxK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.ArgMin: RunReduce<T, (T, long), long, ArgMinK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.All: RunReduce<T, bool, byte, AllK<T>>(s, sl, axes, d, dl); break;
            case ReduceOp.Any: RunReduce<T, bool, byte, AnyK<T>>(s, sl, axes, d, dl); break;
            default: throw new NotSupportedException($"cpu: reduction {op} is not implemented for {s.DType.TorchName()}.");
        }
    }

    /// <summary>Reductions with fewer input elements than this run on the calling thread.</summary>
    private const long ParallelGrain = 1 << 16;

    /// <summary>
    /// Splits the input's dims into kept and reduced ones (each group collapsed where contiguous).
    /// Two walks: when the kept dims end in a unit-stride run and the reduced ones do not (a sum over
    /// rows, <c>x.sum(0)</c>), whole rows are combined into a row of accumulators, reading memory in
    /// order; otherwise each output reduces its own sub-block as collapsed 1-D runs, so a reduction over
    /// trailing contiguous dims is one span call per output. Elements are visited in row-major order of
    /// the reduced dims and indexed that way, which is what argmax/argmin report.
    /// </summary>
    private static void RunReduce<T, TAcc, TOut, TK>(Storage s, Layout sl, int[] axes, Storage d, Layout dl)
        where T : unmanaged where TOut : unmanaged where TK : IReduceKernel<TK, T, TAcc, TOut>
    {
        T[] x = Data<T>(s);
        TOut[] o = Data<TOut>(d);
        int rank = sl.Rank;
        var isReduced = new bool[rank];
        foreach (int a in axes) isReduced[a] = true;
        var keptShape = new List<int>(); var keptSrc = new List<int>(); var keptDst = new List<int>();
        var redShape = new List<int>(); var redSrc = new List<int>();
        long keptCount = 1, redCount = 1;
        for (int i = 0; i < rank; i++)
        {
            if (isReduced[i]) { redShape.Add(sl.Shape[i]); redSrc.Add(sl.Strides[i]); redCount *= sl.Shape[i]; }
            else { keptShape.Add(sl.Shape[i]); keptSrc.Add(sl.Strides[i]); keptDst.Add(dl.Strides[i]); keptCount *= sl.Shape[i]; }
        }
        if (keptCount == 0) return;
        int[][] ks = [keptSrc.ToArray(), keptDst.ToArray()];
        int[] kShape = StridedLoop.Collapse(keptShape.ToArray(), ks);
        int[] kSrc = ks[0], kDst = ks[1];
        if (redCount == 0)
        {
            // Nothing to combine: every output is the identity (sum 0, prod 1, all true, any false).
            TOut id = TK.Finish(TK.Init);
            ForEachKept(kShape, kSrc, kDst, sl.Offset, dl.Offset, 0, keptCount, (_, di) => o[di] = id);
            return;
        }
        int[][] rs = [redSrc.ToArray()];
        int[] rShape = StridedLoop.Collapse(redShape.ToArray(), rs);
        int[] rStr = rs[0];
        int kr = kShape.Length, m = kShape[kr - 1];
        bool parallel = keptCount * redCount >= ParallelGrain && Threads.Count > 1;

        if (kSrc[kr - 1] == 1 && kDst[kr - 1] == 1 && m >= 8 && rStr[^1] != 1)
        {
            // Row-wise: each "outer" index (kept dims but the last) owns a row of m outputs. Work is
            // split into (outer index, column block) tasks, so x.sum(0) of one matrix still uses every core.
            int[] oShape = kShape[..^1], oSrc = kSrc[..^1], oDst = kDst[..^1];
            long outer = keptCount / m;
            int colBlocks = parallel ? (int)Math.Clamp(Threads.Count * 4L / outer, 1, Math.Max(1, m / 256)) : 1;
            void Rows(long from, long to)
            {
                for (long task = from; task < to; task++)
                {
                    long oi = task / colBlocks;
                    int cb = (int)(task % colBlocks), c0 = (int)((long)m * cb / colBlocks), c1 = (int)((long)m * (cb + 1) / colBlocks);
                    var acc = new TAcc[c1 - c0];
                    ForEachKept(oShape, oSrc, oDst, sl.Offset + c0, dl.Offset + c0, oi, oi + 1, (si, di) =>
                    {
                        acc.AsSpan().Fill(TK.Init);
                        if (typeof(TK) == typeof(SumF32K) && rShape.Length == 1)
                            ReduceMath.AddWidenedRows(System.Runtime.CompilerServices.Unsafe.As<double[]>(acc), System.Runtime.CompilerServices.Unsafe.As<float[]>(x), si, rStr[0], rShape[0]);
                        else
                            ForEachElement(rShape, rStr, si, (ri, index) => TK.Rows(acc, x.AsSpan(ri, acc.Length), index));
                        for (int j = 0; j < acc.Length; j++) o[di + j] = TK.Finish(acc[j]);
                    });
                }
            }
            long tasks = outer * colBlocks;
            if (parallel && tasks > 1) ParallelChunks(tasks, Rows); else Rows(0, tasks);
            return;
        }

        void Block(long from, long to) =>
            ForEachKept(kShape, kSrc, kDst, sl.Offset, dl.Offset, from, to,
                (si, di) => o[di] = TK.Finish(ReduceBlock<T, TAcc, TOut, TK>(x, si, rShape, rStr, TK.Init)));
        if (parallel && keptCount > 1) ParallelChunks(keptCount, Block); else Block(0, keptCount);
    }

    /// <summary>
    /// Splits [0, count) into a few chunks per core and runs them on the worker team (a
    /// <c>Parallel.For</c> here cost more than the whole sum of a LeNet bias gradient).
    /// </summary>
    private static void ParallelChunks(long count, Action<long, long> body)
    {
        int chunks = (int)Math.Min(count, Threads.Count * 4L);
        WorkerTeam.Run(chunks, c => body(count * c / chunks, count * (c + 1) / chunks));
    }

    /// <summary>
    /// Calls <paramref name="body"/> with the source and destination offsets of the kept positions
    /// <paramref name="from"/> to <paramref name="to"/> (row-major over <paramref name="shape"/>).
    /// </summary>
    private static void ForEachKept(int[] shape, int[] s1, int[] s2, int o1, int o2, long from, long to, Action<int, int> body)
    {
        int r = shape.Length;
        var c = new int[r];
        long rest = from;
        for (int dd = r - 1; dd >= 0; dd--)
        {
            if (shape[dd] == 0) return;
            c[dd] = (int)(rest % shape[dd]); rest /= shape[dd];
            o1 += c[dd] * s1[dd]; o2 += c[dd] * s2[dd];
        }
        for (long it = from; it < to; it++)
        {
            body(o1, o2);
            for (int dd = r - 1; dd >= 0; dd--)
            {
                c[dd]++; o1 += s1[dd]; o2 += s2[dd];
                if (c[dd] < shape[dd]) break;
                o1 -= s1[dd] * shape[dd]; o2 -= s2[dd] * shape[dd]; c[dd] = 0;
            }
        }
    }

    /// <summary>Calls <paramref name="body"/> with the offset and row-major index of every element of a strided block.</summary>
    private static void ForEachElement(int[] shape, int[] strides, int offset, Action<int, long> body)
    {
        int r = shape.Length;
        long count = 1;
        foreach (int n in shape) count *= n;
        var c = new int[r];
        for (long it = 0; it < count; it++)
        {
            body(offset, it);
            for (int dd = r - 1; dd >= 0; dd--)
            {
                c[dd]++; offset += strides[dd];
                if (c[dd] < shape[dd]) break;
                offset -= strides[dd] * shape[dd]; c[dd] = 0;
            }
        }
    }

    private static TAcc ReduceBlock<T, TAcc, TOut, TK>(T[] x, int offset, int[] shape, int[] strides, TAcc acc)
        where T : unmanaged where TOut : unmanaged where TK : IReduceKernel<TK, T, TAcc, TOut>
    {
        int r = shape.Length, n = shape[r - 1], st = strides[r - 1];
        long outer = 1;
        for (int i = 0; i < r - 1; i++) outer *= shape[i];
        Span<int> c = stackalloc int[Math.Max(r - 1, 1)];
        c.Clear();
        long index = 0;
        for (long it = 0; it < outer; it++, index += n)
        {
            if (st == 1) acc = TK.Run(acc, x.AsSpan(offset, n), index);
            else for (int i = 0, j = offset; i < n; i++, j += st) acc = TK.Step(acc, x[j], index + i);
            for (int dd = r - 2; dd >= 0; dd--)
            {
                c[dd]++; offset += strides[dd];
                if (c[dd] < shape[dd]) break;
                offset -= strides[dd] * shape[dd]; c[dd] = 0;
            }
        }
        return acc;
    }

    public void Scan(ScanOp op, Storage src, Layout sl, int axis, Storage dst, Layout dl)
    {
        switch (src.DType)
        {
            case DType.Float32:
                if (op == ScanOp.Sum) RunScan<float, double, CumSumF32K>(src, sl, axis, dst, dl);
                else RunScan<float, double, CumProdF32K>(src, sl, axis, dst, dl);
                break;
            case DType.Float64: ScanCommon<double>(op, src, sl, axis, dst, dl); break;
            case DType.Int64: ScanCommon<long>(op, src, sl, axis, dst, dl); break;
            case DType.Int32: ScanCommon<int>(op, src, sl, axis, dst, dl); break;
            case DType.UInt8: case DType.Bool: ScanCommon<byte>(op, src, sl, axis, dst, dl); break;
        }
    }

    private static void ScanCommon<T>(ScanOp op, Storage s, Layout sl, int axis, Storage d, Layout dl) where T : unmanaged, INumber<T>
    {
        if (op == ScanOp.Sum) RunScan<T, T, CumSumK<T>>(s, sl, axis, d, dl);
        else RunScan<T, T, CumProdK<T>>(s, sl, axis, d, dl);
    }

    /// <summary>Calls <paramref name="line"/> with the source and destination offsets of every line along <paramref name="axis"/>.</summary>
    private static void ForEachLine(Layout a, Layout b, int axis, Action<int, int> line)
    {
        var shape = Layout.Remove(a.Shape, axis);
        long count = 1;
        foreach (int dd in shape) count *= dd;
        if (count == 0 || a.Shape[axis] == 0) return;
        int[][] st = [Layout.Remove(a.Strides, axis), Layout.Remove(b.Strides, axis)];
        int[] cs = StridedLoop.Collapse(shape, st);
        var c = new int[cs.Length];
        int oa = a.Offset, ob = b.Offset;
        for (long it = 0; it < count; it++)
        {
            line(oa, ob);
            for (int dd = cs.Length - 1; dd >= 0; dd--)
            {
                c[dd]++; oa += st[0][dd]; ob += st[1][dd];
                if (c[dd] < cs[dd]) break;
                oa -= st[0][dd] * cs[dd]; ob -= st[1][dd] * cs[dd]; c[dd] = 0;
            }
        }
    }

    private static void RunScan<T, TAcc, TK>(Storage s, Layout sl, int axis, Storage d, Layout dl)
        where T : unmanaged where TK : IScanKernel<TK, T, TAcc>
    {
        T[] x = Data<T>(s), o = Data<T>(d);
        if (sl.Rank == 0) { o[dl.Offset] = TK.Out(TK.Step(TK.Init, x[sl.Offset])); return; }
        if (sl.NumElements == 0) return;
        int n = sl.Shape[axis], xs = sl.Strides[axis], os = dl.Strides[axis];
        int[][] ist = [sl.Strides[(axis + 1)..], dl.Strides[(axis + 1)..]];
        int[] inner = StridedLoop.Collapse(sl.Shape[(axis + 1)..], ist);
        if (inner.Length == 1 && inner[0] >= 8 && ist[0][0] == 1 && ist[1][0] == 1)
        {
            // The dims after the axis are one unit-stride run in both: scan whole rows at once, so
            // memory is read in order (x.cumsum(0) of a contiguous matrix) instead of one column at a time.
            int m = inner[0];
            var acc = new TAcc[m];
            long lines = 1;
            for (int i = 0; i < axis; i++) lines *= sl.Shape[i];
            ForEachKept(sl.Shape[..axis], sl.Strides[..axis], dl.Strides[..axis], sl.Offset, dl.Offset, 0, lines, (xi, oi) =>
            {
                acc.AsSpan().Fill(TK.Init);
                for (int i = 0; i < n; i++, xi += xs, oi += os)
                    for (int j = 0; j < m; j++) { acc[j] = TK.Step(acc[j], x[xi + j]); o[oi + j] = TK.Out(acc[j]); }
            });
            return;
        }
        ForEachLine(sl, dl, axis, (xi, oi) =>
        {
            TAcc acc = TK.Init;
            for (int i = 0; i < n; i++, xi += xs, oi += os) { acc = TK.Step(acc, x[xi]); o[oi] = TK.Out(acc); }
        });
    }

    public void Sort(Storage src, Layout sl, int axis, bool descending, Storage values, Layout vl, Storage indices, Layout il)
    {
        switch (src.DType)
        {
            case DType.Float32: RunSort<float>(src, sl, axis, descending, values, vl, indices, il); break;
            case DType.Float64: RunSort<double>(src, sl, axis, descending, values, vl, indices, il); break;
            case DType.Int64: RunSort<long>(src, sl, axis, descending, values, vl, indices, il); break;
            case DType.Int32: RunSort<int>(src, sl, axis, descending, values, vl, indices, il); break;
            case DType.UInt8: case DType.Bool: RunSort<byte>(src, sl, axis, descending, values, vl, indices, il); break;
        }
    }

    private static void RunSort<T>(Storage s, Layout sl, int axis, bool descending, Storage v, Layout vl, Storage ix, Layout il)
        where T : unmanaged, INumber<T>
    {
        T[] x = Data<T>(s), vo = Data<T>(v);
        long[] io = Data<long>(ix);
        if (sl.Rank == 0)
        {
            if (vl.NumElements == 1) { vo[vl.Offset] = x[sl.Offset]; io[il.Offset] = 0; }
            return;
        }
        int n = sl.Shape[axis], k = vl.Shape[axis];
        if (k == 0) return;
        int xs = sl.Strides[axis], vs = vl.Strides[axis], iS = il.Strides[axis];
        var keys = new T[n];
        var order = new int[n];
        var nans = new int[n];
        // Values and indices layouts have the same shape and strides (the contract), so one offset serves both.
        ForEachLine(sl, vl, axis, (xi, vi) =>
        {
            // NaNs are set aside (in order); the numbers are sorted by value with the fast unstable
            // introsort, then each run of equal values is put back in original order, which gives
            // exactly the stable order. -0.0 and 0.0 compare equal, as in PyTorch.
            int nn = 0, nanCount = 0;
            for (int i = 0, j = xi; i < n; i++, j += xs)
            {
                T v = x[j];
                if (T.IsNaN(v)) nans[nanCount++] = i;
                else { keys[nn] = v; order[nn++] = i; }
            }
            Array.Sort(keys, order, 0, nn);
            for (int a = 0; a < nn;)
            {
                int b = a + 1;
                while (b < nn && keys[b] == keys[a]) b++;
                if (b - a > 1) Array.Sort(order, a, b - a);
                a = b;
            }
            int ii = il.Offset + (vi - vl.Offset), w = 0;
            void Put(T value, int index)
            {
                if (w >= k) return;
                vo[vi + w * vs] = value; io[ii + w * iS] = index; w++;
            }
            if (!descending)
            {
                for (int i = 0; i < nn && w < k; i++) Put(keys[i], order[i]);
                for (int i = 0; i < nanCount && w < k; i++) Put(x[xi + nans[i] * xs], nans[i]);
            }
            else
            {
                for (int i = 0; i < nanCount && w < k; i++) Put(x[xi + nans[i] * xs], nans[i]);
                // Runs of equal values from the largest down, each run in original order.
                for (int b = nn; b > 0 && w < k;)
                {
                    int a = b - 1;
                    while (a > 0 && keys[a - 1] == keys[b - 1]) a--;
                    for (int i = a; i < b; i++) Put(keys[i], order[i]);
                    b = a;
                }
            }
        });
    }
}
