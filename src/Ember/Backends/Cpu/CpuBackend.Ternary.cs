using System.Numerics;
using Ember.Backends.Cpu.Kernels;

namespace Ember.Backends.Cpu;

// Ternary elementwise kernels: dtype dispatch, then one generic strided driver.
internal sealed partial class CpuBackend
{
    public void Ternary(TernaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage c, Layout cl, Storage d, Layout dl, Scalar value)
    {
        switch (d.DType)
        {
            case DType.Float32: TernaryFloat<float>(op, a, al, b, bl, c, cl, d, dl, value); break;
            case DType.Float64: TernaryFloat<double>(op, a, al, b, bl, c, cl, d, dl, value); break;
            case DType.Int64: TernaryNumber<long>(op, a, al, b, bl, c, cl, d, dl, value); break;
            case DType.Int32: TernaryNumber<int>(op, a, al, b, bl, c, cl, d, dl, value); break;
            case DType.UInt8: case DType.Bool: TernaryNumber<byte>(op, a, al, b, bl, c, cl, d, dl, value); break;
        }
    }

    private static void TernaryFloat<T>(TernaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage c, Layout cl, Storage d, Layout dl, Scalar value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (op == TernaryOp.Lerp) { RunTernary<T, T, T, T, LerpK<T>>(default, a, al, b, bl, c, cl, d, dl); return; }
        TernaryNumber<T>(op, a, al, b, bl, c, cl, d, dl, value);
    }

    private static void TernaryNumber<T>(TernaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage c, Layout cl, Storage d, Layout dl, Scalar value)
        where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case TernaryOp.Where: RunTernary<byte, T, T, T, WhereK<T>>(default, a, al, b, bl, c, cl, d, dl); break;
            case TernaryOp.Addcmul: RunTernary<T, T, T, T, AddcmulK<T>>(new(value.To<T>()), a, al, b, bl, c, cl, d, dl); break;
            case TernaryOp.Addcdiv: RunTernary<T, T, T, T, AddcdivK<T>>(new(value.To<T>()), a, al, b, bl, c, cl, d, dl); break;
            case TernaryOp.Clamp: RunTernary<T, T, T, T, ClampK<T>>(default, a, al, b, bl, c, cl, d, dl); break;
            default: throw new NotSupportedException($"cpu: ternary kernel {op} is not implemented for {d.DType.TorchName()}.");
        }
    }

    private static void RunTernary<TA, TB, TC, TOut, TOp>(TOp kernel, Storage a, Layout al, Storage b, Layout bl, Storage c, Layout cl, Storage d, Layout dl)
        where TA : unmanaged where TB : unmanaged where TC : unmanaged where TOut : unmanaged
        where TOp : struct, ITernaryKernel<TA, TB, TC, TOut>
    {
        var body = new TernaryRun<TA, TB, TC, TOut, TOp> { K = kernel, A = Data<TA>(a), B = Data<TB>(b), C = Data<TC>(c), D = Data<TOut>(d) };
        StridedLoop.ForEachRun(dl.Shape, [al, bl, cl, dl], ref body);
    }

    private struct TernaryRun<TA, TB, TC, TOut, TOp> : StridedLoop.IRun
        where TA : unmanaged where TB : unmanaged where TC : unmanaged where TOut : unmanaged
        where TOp : struct, ITernaryKernel<TA, TB, TC, TOut>
    {
        public TOp K; public TA[] A; public TB[] B; public TC[] C; public TOut[] D;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int ai = o[0], bi = o[1], ci = o[2], di = o[3], sa = st[0], sb = st[1], sc = st[2], sd = st[3];
            if (sd == 1 && sa == 1)
            {
                if (sb == 1 && sc == 1) { K.Contig(A.AsSpan(ai, n), B.AsSpan(bi, n), C.AsSpan(ci, n), D.AsSpan(di, n)); return; }
                if (sb == 0 && sc == 0 && K.TryContigScalarScalar(A.AsSpan(ai, n), B[bi], C[ci], D.AsSpan(di, n))) return;
            }
            for (int i = 0; i < n; i++, ai += sa, bi += sb, ci += sc, di += sd) D[di] = K.Apply(A[ai], B[bi], C[ci]);
        }
    }
}
