using System.Numerics;

namespace Ember.Backends.Cpu;

// Advanced indexing kernels: offsets from index tensors, gather, put (optionally accumulating), nonzero.
internal sealed partial class CpuBackend
{
    public Storage IndexOffsets(Storage[] indices, Layout[] indexLayouts, int[] sizes, int[] strides, int[] dims)
    {
        int[] shape = indexLayouts[0].Shape;
        var outLayout = Layout.Contiguous(shape);
        var result = (CpuStorage<long>)Allocate(DType.Int64, outLayout.NumElements);
        for (int k = 0; k < indices.Length; k++)
        {
            switch (indices[k].DType)
            {
                case DType.Int64: AddOffsets(Data<long>(indices[k]), indexLayouts[k], result.Data, outLayout, sizes[k], strides[k], dims[k]); break;
                case DType.Int32: AddOffsets(Data<int>(indices[k]), indexLayouts[k], result.Data, outLayout, sizes[k], strides[k], dims[k]); break;
                default: throw new ArgumentException($"index: tensors used as indices must be long, int, byte or bool tensors, got {indices[k].DType.TorchName()}.");
            }
        }
        return result;
    }

    private static void AddOffsets<T>(T[] idx, Layout il, long[] o, Layout ol, int size, int stride, int dim) where T : unmanaged, IBinaryInteger<T>
    {
        var body = new OffsetRun<T> { I = idx, O = o, Size = size, Stride = stride, Dim = dim };
        StridedLoop.ForEachRun(ol.Shape, [il, ol], ref body);
    }

    private struct OffsetRun<T> : StridedLoop.IRun where T : unmanaged, IBinaryInteger<T>
    {
        public T[] I; public long[] O; public int Size, Stride, Dim;
        public readonly void Run(ReadOnlySpan<int> off, int n, ReadOnlySpan<int> st)
        {
            int ii = off[0], oi = off[1], si = st[0], so = st[1];
            for (int j = 0; j < n; j++, ii += si, oi += so)
            {
                long v = long.CreateTruncating(I[ii]);
                long w = v < 0 ? v + Size : v;
                if ((ulong)w >= (ulong)Size)
                    throw new ArgumentOutOfRangeException("indices", $"index: index {v} is out of bounds for dimension {Dim} with size {Size}.");
                O[oi] += w * Stride;
            }
        }
    }

    public void IndexGather(Storage src, Layout sb, Storage offsets, Layout ol, Storage dst, Layout dl)
    {
        var off = Data<long>(offsets);
        switch (src.DType)
        {
            case DType.Float32: Gather(Data<float>(src), sb, off, ol, Data<float>(dst), dl); break;
            case DType.Float64: Gather(Data<double>(src), sb, off, ol, Data<double>(dst), dl); break;
            case DType.Int64: Gather(Data<long>(src), sb, off, ol, Data<long>(dst), dl); break;
            case DType.Int32: Gather(Data<int>(src), sb, off, ol, Data<int>(dst), dl); break;
            case DType.UInt8: case DType.Bool: Gather(Data<byte>(src), sb, off, ol, Data<byte>(dst), dl); break;
        }
    }

    private static void Gather<T>(T[] s, Layout sb, long[] off, Layout ol, T[] d, Layout dl) where T : unmanaged
    {
        var body = new IndexGatherRun<T> { S = s, Off = off, D = d };
        StridedLoop.ForEachRun(dl.Shape, [sb, ol, dl], ref body);
    }

    private struct IndexGatherRun<T> : StridedLoop.IRun where T : unmanaged
    {
        public T[] S; public long[] Off; public T[] D;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int si = o[0], oi = o[1], di = o[2], ss = st[0], os = st[1], ds = st[2];
            // Whole rows picked by one index (x[idx] on a contiguous tensor): a block copy.
            if (os == 0 && ss == 1 && ds == 1) { S.AsSpan(si + (int)Off[oi], n).CopyTo(D.AsSpan(di, n)); return; }
            for (int j = 0; j < n; j++, si += ss, oi += os, di += ds) D[di] = S[si + (int)Off[oi]];
        }
    }

    public void IndexPut(Storage dst, Layout db, Storage offsets, Layout ol, Storage values, Layout vl, bool accumulate)
    {
        var off = Data<long>(offsets);
        switch (dst.DType)
        {
            case DType.Float32: Put(Data<float>(dst), db, off, ol, Data<float>(values), vl, accumulate, false); break;
            case DType.Float64: Put(Data<double>(dst), db, off, ol, Data<double>(values), vl, accumulate, false); break;
            case DType.Int64: Put(Data<long>(dst), db, off, ol, Data<long>(values), vl, accumulate, false); break;
            case DType.Int32: Put(Data<int>(dst), db, off, ol, Data<int>(values), vl, accumulate, false); break;
            case DType.UInt8: Put(Data<byte>(dst), db, off, ol, Data<byte>(values), vl, accumulate, false); break;
            case DType.Bool: Put(Data<byte>(dst), db, off, ol, Data<byte>(values), vl, accumulate, true); break;
        }
    }

    private static void Put<T>(T[] d, Layout db, long[] off, Layout ol, T[] v, Layout vl, bool accumulate, bool isBool) where T : unmanaged, INumber<T>
    {
        // Accumulating into bool is a logical or, as PyTorch's bool addition saturates at true.
        var body = new PutRun<T> { D = d, Off = off, V = v, Mode = !accumulate ? 0 : isBool ? 2 : 1 };
        StridedLoop.ForEachRun(db.Shape, [db, ol, vl], ref body);
    }

    private struct PutRun<T> : StridedLoop.IRun where T : unmanaged, INumber<T>
    {
        public T[] D; public long[] Off; public T[] V; public int Mode;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int di = o[0], oi = o[1], vi = o[2], ds = st[0], os = st[1], vs = st[2];
            switch (Mode)
            {
                case 0 when os == 0 && ds == 1 && vs == 1: V.AsSpan(vi, n).CopyTo(D.AsSpan(di + (int)Off[oi], n)); break;
                case 0: for (int j = 0; j < n; j++, di += ds, oi += os, vi += vs) D[di + (int)Off[oi]] = V[vi]; break;
                case 1: for (int j = 0; j < n; j++, di += ds, oi += os, vi += vs) D[di + (int)Off[oi]] += V[vi]; break;
                default:
                    for (int j = 0; j < n; j++, di += ds, oi += os, vi += vs)
                        if (V[vi] != T.Zero) D[di + (int)Off[oi]] = T.One;
                    break;
            }
        }
    }

    public Storage Nonzero(Storage src, Layout layout, out int count) => src.DType switch
    {
        DType.Float32 => NonzeroT(Data<float>(src), layout, out count),
        DType.Float64 => NonzeroT(Data<double>(src), layout, out count),
        DType.Int64 => NonzeroT(Data<long>(src), layout, out count),
        DType.Int32 => NonzeroT(Data<int>(src), layout, out count),
        _ => NonzeroT(Data<byte>(src), layout, out count),
    };

    private Storage NonzeroT<T>(T[] s, Layout l, out int count) where T : unmanaged, INumber<T>
    {
        int rank = l.Rank;
        int c = 0;
        WalkRowMajor(l, (at, _) => { if (s[at] != T.Zero) c++; });
        count = c;
        var result = (CpuStorage<long>)Allocate(DType.Int64, checked(c * rank));
        var o = result.Data;
        int w = 0;
        WalkRowMajor(l, (at, idx) => { if (s[at] != T.Zero) for (int d = 0; d < rank; d++) o[w++] = idx[d]; });
        return result;
    }

    private delegate void ElementVisitor(int storageIndex, ReadOnlySpan<int> index);

    /// <summary>Visits every element in row-major order with its multi-index (an odometer; used where the index itself is needed).</summary>
    private static void WalkRowMajor(Layout l, ElementVisitor visit)
    {
        int rank = l.Rank, n = l.NumElements;
        Span<int> idx = stackalloc int[rank];
        int at = l.Offset;
        for (int i = 0; i < n; i++)
        {
            visit(at, idx);
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++; at += l.Strides[d];
                if (idx[d] < l.Shape[d]) break;
                at -= l.Strides[d] * l.Shape[d]; idx[d] = 0;
            }
        }
    }
}
