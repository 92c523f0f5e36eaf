using System.Numerics;
using Ember.Backends.Cpu.Kernels;

namespace Ember.Backends.Cpu;

// Unary and binary elementwise kernels: dtype dispatch, then one generic strided driver per arity.
internal sealed partial class CpuBackend
{
    public void Unary(UnaryOp op, Storage src, Layout sl, Storage dst, Layout dl)
    {
        switch (src.DType)
        {
            case DType.Float32: UnaryFloat<float>(op, src, sl, dst, dl); break;
            case DType.Float64: UnaryFloat<double>(op, src, sl, dst, dl); break;
            case DType.Int64: UnaryInt<long>(op, src, sl, dst, dl); break;
            case DType.Int32: UnaryInt<int>(op, src, sl, dst, dl); break;
            case DType.UInt8: case DType.Bool: UnaryInt<byte>(op, src, sl, dst, dl); break;
        }
    }

    private static void UnaryFloat<T>(UnaryOp op, Storage s, Layout sl, Storage d, Layout dl) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: RunUnary<T, T, NegK<T>>(s, sl, d, dl); break;
            case UnaryOp.Abs: RunUnary<T, T, AbsK<T>>(s, sl, d, dl); break;
            case UnaryOp.Sign: RunUnary<T, T, SignK<T>>(s, sl, d, dl); break;
            case UnaryOp.Relu: RunUnary<T, T, ReluK<T>>(s, sl, d, dl); break;
            case UnaryOp.LogicalNot: RunUnary<T, byte, LogicalNotK<T>>(s, sl, d, dl); break;
            case UnaryOp.Exp: RunUnary<T, T, ExpK<T>>(s, sl, d, dl); break;
            case UnaryOp.Log: RunUnary<T, T, LogK<T>>(s, sl, d, dl); break;
            case UnaryOp.Log1p: RunUnary<T, T, Log1pK<T>>(s, sl, d, dl); break;
            case UnaryOp.Expm1: RunUnary<T, T, Expm1K<T>>(s, sl, d, dl); break;
            case UnaryOp.Sqrt: RunUnary<T, T, SqrtK<T>>(s, sl, d, dl); break;
            case UnaryOp.Rsqrt: RunUnary<T, T, RsqrtK<T>>(s, sl, d, dl); break;
            case UnaryOp.Sin: RunUnary<T, T, SinK<T>>(s, sl, d, dl); break;
            case UnaryOp.Cos: RunUnary<T, T, CosK<T>>(s, sl, d, dl); break;
            case UnaryOp.Tanh: RunUnary<T, T, TanhK<T>>(s, sl, d, dl); break;
            case UnaryOp.Sigmoid: RunUnary<T, T, SigmoidK<T>>(s, sl, d, dl); break;
            case UnaryOp.Floor: RunUnary<T, T, FloorK<T>>(s, sl, d, dl); break;
            case UnaryOp.Ceil: RunUnary<T, T, CeilK<T>>(s, sl, d, dl); break;
            case UnaryOp.Round: RunUnary<T, T, RoundK<T>>(s, sl, d, dl); break;
            case UnaryOp.Reciprocal: RunUnary<T, T, ReciprocalK<T>>(s, sl, d, dl); break;
            case UnaryOp.Exp2: RunUnary<T, T, Exp2K<T>>(s, sl, d, dl); break;
            case UnaryOp.Log2: RunUnary<T, T, Log2K<T>>(s, sl, d, dl); break;
            case UnaryOp.Log10: RunUnary<T, T, Log10K<T>>(s, sl, d, dl); break;
            case UnaryOp.Trunc: RunUnary<T, T, TruncK<T>>(s, sl, d, dl); break;
            case UnaryOp.Erf: RunUnary<T, T, ErfK<T>>(s, sl, d, dl); break;
            default: throw new NotSupportedException($"cpu: unary kernel {op} is not implemented for {s.DType.TorchName()}.");
        }
    }

    private static void UnaryInt<T>(UnaryOp op, Storage s, Layout sl, Storage d, Layout dl) where T : unmanaged, IBinaryInteger<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: RunUnary<T, T, NegK<T>>(s, sl, d, dl); break;
            case UnaryOp.Abs: RunUnary<T, T, AbsIntK<T>>(s, sl, d, dl); break;
            case UnaryOp.Sign: RunUnary<T, T, SignK<T>>(s, sl, d, dl); break;
            case UnaryOp.Relu: RunUnary<T, T, ReluK<T>>(s, sl, d, dl); break;
            case UnaryOp.LogicalNot: RunUnary<T, byte, LogicalNotK<T>>(s, sl, d, dl); break;
            case UnaryOp.BitwiseNot: RunUnary<T, T, BitwiseNotK<T>>(s, sl, d, dl); break;
            case UnaryOp.Floor: case UnaryOp.Ceil: case UnaryOp.Round: case UnaryOp.Trunc: RunUnary<T, T, IdentityK<T>>(s, sl, d, dl); break;
            default: throw new NotSupportedException($"cpu: unary kernel {op} is not implemented for {s.DType.TorchName()}.");
        }
    }

    private static void RunUnary<T, TOut, TOp>(Storage s, Layout sl, Storage d, Layout dl)
        where T : unmanaged where TOut : unmanaged where TOp : IUnaryKernel<TOp, T, TOut>
    {
        var body = new UnaryRun<T, TOut, TOp> { X = Data<T>(s), D = Data<TOut>(d) };
        StridedLoop.ForEachRun(dl.Shape, [sl, dl], ref body);
    }

    private struct UnaryRun<T, TOut, TOp> : StridedLoop.IRun
        where T : unmanaged where TOut : unmanaged where TOp : IUnaryKernel<TOp, T, TOut>
    {
        public T[] X; public TOut[] D;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            if (st[0] == 1 && st[1] == 1) { TOp.Contig(X.AsSpan(o[0], n), D.AsSpan(o[1], n)); return; }
            int xi = o[0], di = o[1], xs = st[0], ds = st[1];
            for (int i = 0; i < n; i++, xi += xs, di += ds) D[di] = TOp.Apply(X[xi]);
        }
    }

    public void Binary(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage d, Layout dl)
    {
        switch (a.DType)
        {
            case DType.Float32: BinaryFloat<float>(op, a, al, b, bl, d, dl); break;
            case DType.Float64: BinaryFloat<double>(op, a, al, b, bl, d, dl); break;
            case DType.Int64: BinaryInt<long>(op, a, al, b, bl, d, dl); break;
            case DType.Int32: BinaryInt<int>(op, a, al, b, bl, d, dl); break;
            case DType.UInt8: case DType.Bool: BinaryInt<byte>(op, a, al, b, bl, d, dl); break;
        }
    }

    private static void BinaryFloat<T>(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage d, Layout dl)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Pow: RunBinary<T, T, PowFloatK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.DivTrunc: RunBinary<T, T, DivTruncFloatK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.DivFloor: RunBinary<T, T, DivFloorFloatK<T>>(a, al, b, bl, d, dl); return;
        }
        BinaryCommon<T>(op, a, al, b, bl, d, dl);
    }

    private static void BinaryInt<T>(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage d, Layout dl)
        where T : unmanaged, IBinaryInteger<T>
    {
        switch (op)
        {
            case BinaryOp.Pow: RunBinary<T, T, PowIntK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.DivTrunc: RunBinary<T, T, DivTruncIntK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.DivFloor: RunBinary<T, T, DivFloorIntK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.BitwiseAnd: RunBinary<T, T, BitwiseAndK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.BitwiseOr: RunBinary<T, T, BitwiseOrK<T>>(a, al, b, bl, d, dl); return;
            case BinaryOp.BitwiseXor: RunBinary<T, T, BitwiseXorK<T>>(a, al, b, bl, d, dl); return;
        }
        BinaryCommon<T>(op, a, al, b, bl, d, dl);
    }

    private static void BinaryCommon<T>(BinaryOp op, Storage a, Layout al, Storage b, Layout bl, Storage d, Layout dl)
        where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case BinaryOp.Add: RunBinary<T, T, AddK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Sub: RunBinary<T, T, SubK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Mul: RunBinary<T, T, MulK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Div: RunBinary<T, T, DivK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Maximum: RunBinary<T, T, MaximumK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Minimum: RunBinary<T, T, MinimumK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.ReluBackward: RunBinary<T, T, ReluBackwardK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Eq: RunBinary<T, byte, EqK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Ne: RunBinary<T, byte, NeK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Lt: RunBinary<T, byte, LtK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Le: RunBinary<T, byte, LeK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Gt: RunBinary<T, byte, GtK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.Ge: RunBinary<T, byte, GeK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.LogicalAnd: RunBinary<T, byte, LogicalAndK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.LogicalOr: RunBinary<T, byte, LogicalOrK<T>>(a, al, b, bl, d, dl); break;
            case BinaryOp.LogicalXor: RunBinary<T, byte, LogicalXorK<T>>(a, al, b, bl, d, dl); break;
            default: throw new NotSupportedException($"cpu: binary kernel {op} is not implemented for {a.DType.TorchName()}.");
        }
    }

    private static void RunBinary<T, TOut, TOp>(Storage a, Layout al, Storage b, Layout bl, Storage d, Layout dl)
        where T : unmanaged where TOut : unmanaged where TOp : IBinaryKernel<TOp, T, TOut>
    {
        var body = new BinaryRun<T, TOut, TOp> { A = Data<T>(a), B = Data<T>(b), D = Data<TOut>(d) };
        StridedLoop.ForEachRun(dl.Shape, [al, bl, dl], ref body);
    }

    private struct BinaryRun<T, TOut, TOp> : StridedLoop.IRun
        where T : unmanaged where TOut : unmanaged where TOp : IBinaryKernel<TOp, T, TOut>
    {
        public T[] A; public T[] B; public TOut[] D;
        public readonly void Run(ReadOnlySpan<int> o, int n, ReadOnlySpan<int> st)
        {
            int ai = o[0], bi = o[1], di = o[2], sa = st[0], sb = st[1], sd = st[2];
            if (sd == 1)
            {
                if (sa == 1 && sb == 1) { TOp.Contig(A.AsSpan(ai, n), B.AsSpan(bi, n), D.AsSpan(di, n)); return; }
                if (sa == 1 && sb == 0) { TOp.ContigScalar(A.AsSpan(ai, n), B[bi], D.AsSpan(di, n)); return; }
                if (sa == 0 && sb == 1) { TOp.ScalarContig(A[ai], B.AsSpan(bi, n), D.AsSpan(di, n)); return; }
            }
            for (int i = 0; i < n; i++, ai += sa, bi += sb, di += sd) D[di] = TOp.Apply(A[ai], B[bi]);
        }
    }
}
