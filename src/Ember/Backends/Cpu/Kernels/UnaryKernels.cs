using System.Numerics;
using System.Runtime.InteropServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu.Kernels;

// Kernels valid for every numeric storage type.
internal struct NegK<T> : IUnaryKernel<NegK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T x) => -x;
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Negate(x, d);
}
internal struct AbsK<T> : IUnaryKernel<AbsK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T x) => T.Abs(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Abs(x, d);
}
internal struct SignK<T> : IUnaryKernel<SignK<T>, T, T> where T : INumber<T>
{
    // PyTorch's (0 < x) - (x < 0): NaN and -0.0 both give +0.
    public static T Apply(T x) => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
}
internal struct ReluK<T> : IUnaryKernel<ReluK<T>, T, T> where T : unmanaged, INumber<T>
{
    // As PyTorch's clamp_min(0): NaN stays NaN and -0.0 stays -0.0 (a select on x < 0, not a max).
    public static T Apply(T x) => x < T.Zero ? T.Zero : x;

    // Branch-free: on random signs the scalar form mispredicts every other element.
    public static void Contig(ReadOnlySpan<T> x, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(d);
            for (int v = 0; v < xv.Length; v++)
                dv[v] = Vector.ConditionalSelect(Vector.LessThan(xv[v], Vector<T>.Zero), Vector<T>.Zero, xv[v]);
            i = xv.Length * Vector<T>.Count;
        }
        for (; i < d.Length; i++) d[i] = Apply(x[i]);
    }
}
internal struct IdentityK<T> : IUnaryKernel<IdentityK<T>, T, T>
{
    public static T Apply(T x) => x;
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => x.CopyTo(d);
}
internal struct LogicalNotK<T> : IUnaryKernel<LogicalNotK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T x) => x == T.Zero ? (byte)1 : (byte)0;
}

// Floating-point kernels.
internal struct ExpK<T> : IUnaryKernel<ExpK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Exp(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Exp(x, d);
}
internal struct LogK<T> : IUnaryKernel<LogK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Log(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Log(x, d);
}
internal struct Log1pK<T> : IUnaryKernel<Log1pK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    // log(1+x) computed without cancellation for small x (Goldberg's trick).
    public static T Apply(T x)
    {
        T u = T.One + x;
        if (u == T.One) return x;
        if (T.IsInfinity(u)) return T.Log(u);
        return T.Log(u) * x / (u - T.One);
    }
}
internal struct Expm1K<T> : IUnaryKernel<Expm1K<T>, T, T> where T : IFloatingPointIeee754<T>
{
    // exp(x)-1 without cancellation for small x (Kahan's trick).
    public static T Apply(T x)
    {
        T u = T.Exp(x);
        // Away from 0 there is no cancellation, and the correction below would overflow near the top of the range.
        if (T.Abs(x) > T.CreateChecked(0.5)) return u - T.One;
        if (u == T.One) return x;
        T um1 = u - T.One;
        if (um1 == -T.One) return -T.One;
        if (T.IsInfinity(u)) return u;
        return um1 * x / T.Log(u);
    }
}
internal struct SqrtK<T> : IUnaryKernel<SqrtK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Sqrt(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Sqrt(x, d);
}
internal struct RsqrtK<T> : IUnaryKernel<RsqrtK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.One / T.Sqrt(x);
}
internal struct SinK<T> : IUnaryKernel<SinK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Sin(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Sin(x, d);
}
internal struct CosK<T> : IUnaryKernel<CosK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Cos(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Cos(x, d);
}
internal struct TanhK<T> : IUnaryKernel<TanhK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Tanh(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Tanh(x, d);
}
internal struct SigmoidK<T> : IUnaryKernel<SigmoidK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.One / (T.One + T.Exp(-x));
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Sigmoid(x, d);
}
internal struct FloorK<T> : IUnaryKernel<FloorK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Floor(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Floor(x, d);
}
internal struct CeilK<T> : IUnaryKernel<CeilK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Ceiling(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Ceiling(x, d);
}
internal struct RoundK<T> : IUnaryKernel<RoundK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Round(x, MidpointRounding.ToEven); // as PyTorch: half to even
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Round(x, MidpointRounding.ToEven, d);
}
internal struct ReciprocalK<T> : IUnaryKernel<ReciprocalK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.One / x;
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Reciprocal(x, d);
}
internal struct Exp2K<T> : IUnaryKernel<Exp2K<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Exp2(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Exp2(x, d);
}
internal struct Log2K<T> : IUnaryKernel<Log2K<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Log2(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Log2(x, d);
}
internal struct Log10K<T> : IUnaryKernel<Log10K<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Log10(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Log10(x, d);
}
internal struct TruncK<T> : IUnaryKernel<TruncK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x) => T.Truncate(x);
    public static void Contig(ReadOnlySpan<T> x, Span<T> d) => TP.Truncate(x, d);
}

// Integer-only kernels.
internal struct AbsIntK<T> : IUnaryKernel<AbsIntK<T>, T, T> where T : IBinaryInteger<T>
{
    // T.Abs throws on the most negative value; PyTorch wraps it (abs(int64 min) == int64 min).
    public static T Apply(T x) => x < T.Zero ? -x : x;
}
internal struct BitwiseNotK<T> : IUnaryKernel<BitwiseNotK<T>, T, T> where T : IBinaryInteger<T>
{
    public static T Apply(T x) => ~x;
}
