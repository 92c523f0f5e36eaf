using System.Numerics;

namespace Ember.Backends.Cpu;

/// <summary>
/// The CPU backend: managed arrays and C# kernels. This file holds memory, copies and fills; each op
/// family lives in its own <c>CpuBackend.*.cs</c>.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    public static readonly CpuBackend Instance = new();

    private CpuBackend() { }

    public Device Device => Device.Cpu;

    public Storage Allocate(DType dtype, int length, bool uninitialized = false) => dtype switch
    {
        DType.Float32 => new CpuStorage<float>(dtype, BufferPool.Rent<float>(length, !uninitialized)),
        DType.Float64 => new CpuStorage<double>(dtype, BufferPool.Rent<double>(length, !uninitialized)),
        DType.Int64 => new CpuStorage<long>(dtype, BufferPool.Rent<long>(length, !uninitialized)),
        DType.Int32 => new CpuStorage<int>(dtype, BufferPool.Rent<int>(length, !uninitialized)),
        DType.UInt8 or DType.Bool => new CpuStorage<byte>(dtype, BufferPool.Rent<byte>(length, !uninitialized)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The typed array behind a CPU storage.</summary>
    internal static T[] Data<T>(Storage s) where T : unmanaged =>
        s is UninitializedStorage ? throw UninitializedStorage.UsedError() : ((CpuStorage<T>)s).Data;

    public Scalar GetItem(Storage src, int i) => src.DType switch
    {
        DType.Float32 => Data<float>(src)[i],
        DType.Float64 => Data<double>(src)[i],
        DType.Int64 => Data<long>(src)[i],
        DType.Int32 => Data<int>(src)[i],
        DType.UInt8 => (long)Data<byte>(src)[i],
        DType.Bool => Data<byte>(src)[i] != 0,
        _ => throw new ArgumentOutOfRangeException(nameof(src)),
    };

    public void Fill(Storage dst, Layout layout, Scalar value)
    {
        switch (dst.DType)
        {
            case DType.Float32: FillT(Data<float>(dst), layout, (float)value.ToDouble()); break;
            case DType.Float64: FillT(Data<double>(dst), layout, value.ToDouble()); break;
            case DType.Int64: FillT(Data<long>(dst), layout, value.ToInt64()); break;
            case DType.Int32: FillT(Data<int>(dst), layout, (int)value.ToInt64()); break;
            case DType.UInt8: FillT(Data<byte>(dst), layout, unchecked((byte)value.ToInt64())); break;
            case DType.Bool: FillT(Data<byte>(dst), layout, value.ToBoolean() ? (byte)1 : (byte)0); break;
        }
    }

    private static void FillT<T>(T[] data, Layout layout, T value) where T : unmanaged
    {
        if (layout.IsContiguous) { data.AsSpan(layout.Offset, layout.NumElements).Fill(value); return; }
        var body = new FillRun<T> { D = data, Value = value };
        StridedLoop.ForEachRun(layout.Shape, [layout], ref body);
    }

    private struct FillRun<T> : StridedLoop.IRun where T : unmanaged
    {
        public T[] D; public T Value;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> s)
        {
            if (s[0] == 1) { D.AsSpan(o[0], n).Fill(Value); return; }
            for (int i = 0, j = o[0]; i < n; i++, j += s[0]) D[j] = Value;
        }
    }

    public void Copy(Storage src, Layout sl, Storage dst, Layout dl)
    {
        switch (src.DType)
        {
            case DType.Float32: CopyFrom<float>(src, sl, dst, dl); break;
            case DType.Float64: CopyFrom<double>(src, sl, dst, dl); break;
            case DType.Int64: CopyFrom<long>(src, sl, dst, dl); break;
            case DType.Int32: CopyFrom<int>(src, sl, dst, dl); break;
            case DType.UInt8: case DType.Bool: CopyFrom<byte>(src, sl, dst, dl); break;
        }
    }

    private static void CopyFrom<TS>(Storage src, Layout sl, Storage dst, Layout dl) where TS : unmanaged, INumber<TS>
    {
        var s = Data<TS>(src);
        switch (dst.DType)
        {
            case DType.Float32: CopyTo(s, sl, Data<float>(dst), dl, false); break;
            case DType.Float64: CopyTo(s, sl, Data<double>(dst), dl, false); break;
            case DType.Int64: CopyTo(s, sl, Data<long>(dst), dl, false); break;
            case DType.Int32: CopyTo(s, sl, Data<int>(dst), dl, false); break;
            case DType.UInt8: CopyTo(s, sl, Data<byte>(dst), dl, false); break;
            case DType.Bool: CopyTo(s, sl, Data<byte>(dst), dl, src.DType != DType.Bool); break;
        }
    }

    private static void CopyTo<TS, TD>(TS[] s, Layout sl, TD[] d, Layout dl, bool toBool)
        where TS : unmanaged, INumber<TS> where TD : unmanaged, INumber<TD>
    {
        if (!toBool && typeof(TS) == typeof(TD) && sl.IsContiguous && dl.IsContiguous)
        {
            ((TD[])(object)s).AsSpan(sl.Offset, sl.NumElements).CopyTo(d.AsSpan(dl.Offset, dl.NumElements));
            return;
        }
        var body = new CopyRun<TS, TD> { S = s, D = d, ToBool = toBool };
        StridedLoop.ForEachRun(dl.Shape, [sl, dl], ref body);
    }

    private struct CopyRun<TS, TD> : StridedLoop.IRun where TS : unmanaged, INumber<TS> where TD : unmanaged, INumber<TD>
    {
        public TS[] S; public TD[] D; public bool ToBool;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int si = o[0], di = o[1], ss = st[0], ds = st[1];
            if (ToBool)
            {
                for (int i = 0; i < n; i++, si += ss, di += ds) D[di] = S[si] != TS.Zero ? TD.One : TD.Zero;
            }
            else if (typeof(TS) == typeof(TD) && ss == 1 && ds == 1)
            {
                ((TD[])(object)S).AsSpan(si, n).CopyTo(D.AsSpan(di, n));
            }
            else
            {
                for (int i = 0; i < n; i++, si += ss, di += ds) D[di] = TD.CreateTruncating(S[si]);
            }
        }
    }
}
