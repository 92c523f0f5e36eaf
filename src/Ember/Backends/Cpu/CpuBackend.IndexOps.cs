namespace Ember.Backends.Cpu;

// Gather/scatter along a dim, masked fill/select, index range checks. Each is one strided walk over
// a few same-shape operands (StridedLoop); the indexed operand is walked with stride 0 along the
// indexed dim, and the run adds index * (that dim's stride) to reach the element.
internal sealed partial class CpuBackend
{
    public void Gather(Storage src, Layout sl, int dim, Storage index, Layout il, Storage dst, Layout dl)
    {
        switch (src.DType)
        {
            case DType.Float32: GatherT<float>(src, sl, dim, index, il, dst, dl); break;
            case DType.Float64: GatherT<double>(src, sl, dim, index, il, dst, dl); break;
            case DType.Int64: GatherT<long>(src, sl, dim, index, il, dst, dl); break;
            case DType.Int32: GatherT<int>(src, sl, dim, index, il, dst, dl); break;
            case DType.UInt8: case DType.Bool: GatherT<byte>(src, sl, dim, index, il, dst, dl); break;
        }
    }

    private static void GatherT<T>(Storage src, Layout sl, int dim, Storage index, Layout il, Storage dst, Layout dl) where T : unmanaged
    {
        var body = new GatherRun<T> { S = Data<T>(src), I = Data<long>(index), D = Data<T>(dst), DimStride = sl.Strides[dim] };
        StridedLoop.ForEachRun(dl.Shape, [AlongDimZeroed(sl, dl.Shape, dim), il, dl], ref body);
    }

    /// <summary><paramref name="l"/> reshaped to <paramref name="shape"/> with stride 0 along <paramref name="dim"/>: the base of each indexed line.</summary>
    private static Layout AlongDimZeroed(Layout l, int[] shape, int dim)
    {
        var st = (int[])l.Strides.Clone();
        st[dim] = 0;
        return new Layout(shape, st, l.Offset);
    }

    private struct GatherRun<T> : StridedLoop.IRun where T : unmanaged
    {
        public T[] S; public long[] I; public T[] D; public int DimStride;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int si = o[0], ii = o[1], di = o[2], ss = st[0], @is = st[1], ds = st[2];
            for (int k = 0; k < n; k++, si += ss, ii += @is, di += ds)
                D[di] = S[si + (int)I[ii] * DimStride];
        }
    }

    public void Scatter(Storage dst, Layout dl, int dim, Storage index, Layout il, Storage src, Layout sl, ScatterMode mode, Scalar alpha)
    {
        switch (dst.DType)
        {
            case DType.Float32: ScatterT(Data<float>(dst), dl, dim, index, il, Data<float>(src), sl, mode, (float)alpha.ToDouble()); break;
            case DType.Float64: ScatterT(Data<double>(dst), dl, dim, index, il, Data<double>(src), sl, mode, alpha.ToDouble()); break;
            case DType.Int64: ScatterT(Data<long>(dst), dl, dim, index, il, Data<long>(src), sl, mode, alpha.ToInt64()); break;
            case DType.Int32: ScatterT(Data<int>(dst), dl, dim, index, il, Data<int>(src), sl, mode, (int)alpha.ToInt64()); break;
            case DType.UInt8: ScatterT(Data<byte>(dst), dl, dim, index, il, Data<byte>(src), sl, mode, unchecked((byte)alpha.ToInt64())); break;
            case DType.Bool:
                // Bools hold 0/1: multiply, max and min are already and, or, and; adding is a logical or
                // (PyTorch: true + true stays true), and alpha = 0 adds nothing.
                if (mode == ScatterMode.Add && !alpha.ToBoolean()) return;
                ScatterT(Data<byte>(dst), dl, dim, index, il, Data<byte>(src), sl, mode == ScatterMode.Add ? ScatterMode.Max : mode, (byte)1);
                break;
        }
    }

    private static void ScatterT<T>(T[] d, Layout dl, int dim, Storage index, Layout il, T[] s, Layout sl, ScatterMode mode, T alpha)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var body = new ScatterRun<T> { D = d, I = Data<long>(index), S = s, DimStride = dl.Strides[dim], Mode = mode, Alpha = alpha };
        StridedLoop.ForEachRun(il.Shape, [AlongDimZeroed(dl, il.Shape, dim), il, sl], ref body);
    }

    private struct ScatterRun<T> : StridedLoop.IRun where T : unmanaged, System.Numerics.INumber<T>
    {
        public T[] D; public long[] I; public T[] S; public int DimStride; public ScatterMode Mode; public T Alpha;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int di = o[0], ii = o[1], si = o[2], ds = st[0], @is = st[1], ss = st[2];
            switch (Mode)
            {
                case ScatterMode.Assign:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss) D[di + (int)I[ii] * DimStride] = S[si];
                    break;
                case ScatterMode.Add when Alpha == T.One:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss) D[di + (int)I[ii] * DimStride] += S[si];
                    break;
                case ScatterMode.Add:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss) D[di + (int)I[ii] * DimStride] += Alpha * S[si];
                    break;
                case ScatterMode.Multiply:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss) D[di + (int)I[ii] * DimStride] *= S[si];
                    break;
                case ScatterMode.Max:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss)
                    {
                        int j = di + (int)I[ii] * DimStride; T v = S[si];
                        if (v > D[j] || T.IsNaN(v)) D[j] = v;
                    }
                    break;
                case ScatterMode.Min:
                    for (int k = 0; k < n; k++, di += ds, ii += @is, si += ss)
                    {
                        int j = di + (int)I[ii] * DimStride; T v = S[si];
                        if (v < D[j] || T.IsNaN(v)) D[j] = v;
                    }
                    break;
            }
        }
    }

    public void MaskedFill(Storage dst, Layout dl, Storage mask, Layout ml, Scalar value)
    {
        switch (dst.DType)
        {
            case DType.Float32: MaskedFillT(Data<float>(dst), dl, mask, ml, (float)value.ToDouble()); break;
            case DType.Float64: MaskedFillT(Data<double>(dst), dl, mask, ml, value.ToDouble()); break;
            case DType.Int64: MaskedFillT(Data<long>(dst), dl, mask, ml, value.ToInt64()); break;
            case DType.Int32: MaskedFillT(Data<int>(dst), dl, mask, ml, (int)value.ToInt64()); break;
            case DType.UInt8: MaskedFillT(Data<byte>(dst), dl, mask, ml, unchecked((byte)value.ToInt64())); break;
            case DType.Bool: MaskedFillT(Data<byte>(dst), dl, mask, ml, value.ToBoolean() ? (byte)1 : (byte)0); break;
        }
    }

    private static void MaskedFillT<T>(T[] d, Layout dl, Storage mask, Layout ml, T value) where T : unmanaged
    {
        var body = new MaskedFillRun<T> { D = d, M = Data<byte>(mask), Value = value };
        StridedLoop.ForEachRun(dl.Shape, [dl, ml], ref body);
    }

    private struct MaskedFillRun<T> : StridedLoop.IRun where T : unmanaged
    {
        public T[] D; public byte[] M; public T Value;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int di = o[0], mi = o[1], ds = st[0], ms = st[1];
            for (int k = 0; k < n; k++, di += ds, mi += ms) if (M[mi] != 0) D[di] = Value;
        }
    }

    public Storage MaskedSelect(Storage src, Layout sl, Storage mask, Layout ml) => src.DType switch
    {
        DType.Float32 => MaskedSelectT<float>(src, sl, mask, ml),
        DType.Float64 => MaskedSelectT<double>(src, sl, mask, ml),
        DType.Int64 => MaskedSelectT<long>(src, sl, mask, ml),
        DType.Int32 => MaskedSelectT<int>(src, sl, mask, ml),
        DType.UInt8 or DType.Bool => MaskedSelectT<byte>(src, sl, mask, ml),
        _ => throw new ArgumentOutOfRangeException(nameof(src)),
    };

    private static Storage MaskedSelectT<T>(Storage src, Layout sl, Storage mask, Layout ml) where T : unmanaged
    {
        var count = new CountRun { M = Data<byte>(mask), Count = new int[1] };
        StridedLoop.ForEachRun(ml.Shape, [ml], ref count);
        var result = new T[count.Count[0]];
        var body = new MaskedSelectRun<T> { S = Data<T>(src), M = Data<byte>(mask), D = result, Next = new int[1] };
        StridedLoop.ForEachRun(sl.Shape, [sl, ml], ref body);
        return new CpuStorage<T>(src.DType, result);
    }

    private struct CountRun : StridedLoop.IRun
    {
        public byte[] M; public int[] Count;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int c = 0;
            for (int k = 0, mi = o[0]; k < n; k++, mi += st[0]) if (M[mi] != 0) c++;
            Count[0] += c;
        }
    }

    private struct MaskedSelectRun<T> : StridedLoop.IRun where T : unmanaged
    {
        public T[] S; public byte[] M; public T[] D; public int[] Next;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int si = o[0], mi = o[1], ss = st[0], ms = st[1], j = Next[0];
            for (int k = 0; k < n; k++, si += ss, mi += ms) if (M[mi] != 0) D[j++] = S[si];
            Next[0] = j;
        }
    }

    public long? FirstIndexOutOfRange(Storage index, Layout il, long low, long high)
    {
        var body = new RangeRun { I = Data<long>(index), Low = low, High = high, Found = new long?[1] };
        StridedLoop.ForEachRun(il.Shape, [il], ref body);
        return body.Found[0];
    }

    private struct RangeRun : StridedLoop.IRun
    {
        public long[] I; public long Low, High; public long?[] Found;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            if (Found[0] is not null) return;
            for (int k = 0, ii = o[0]; k < n; k++, ii += st[0])
            {
                long v = I[ii];
                if (v < Low || v >= High) { Found[0] = v; return; }
            }
        }
    }
}
