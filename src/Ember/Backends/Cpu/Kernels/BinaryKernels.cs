using System.Numerics;
using System.Runtime.InteropServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu.Kernels;

internal struct AddK<T> : IBinaryKernel<AddK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a + b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Add(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Add(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Add(b, a, d);
}
internal struct SubK<T> : IBinaryKernel<SubK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a - b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Subtract(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Subtract(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Subtract(a, b, d);
}
internal struct MulK<T> : IBinaryKernel<MulK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a * b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Multiply(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Multiply(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Multiply(b, a, d);
}
internal struct DivK<T> : IBinaryKernel<DivK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T a, T b) => a / b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Divide(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Divide(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Divide(a, b, d);
}
internal struct PowFloatK<T> : IBinaryKernel<PowFloatK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => T.Pow(a, b);
}
internal struct PowIntK<T> : IBinaryKernel<PowIntK<T>, T, T> where T : IBinaryInteger<T>
{
    // Exponentiation by squaring; negative exponents give 0 except for bases 1 and -1, as PyTorch's integer pow.
    public static T Apply(T a, T b)
    {
        if (b < T.Zero) return a == T.One ? T.One : a == -T.One ? (T.IsEvenInteger(b) ? T.One : -T.One) : T.Zero;
        T r = T.One;
        while (b != T.Zero) { if (T.IsOddInteger(b)) r *= a; a *= a; b >>= 1; }
        return r;
    }
}
internal struct MaximumK<T> : IBinaryKernel<MaximumK<T>, T, T> where T : INumber<T>
{
    // NaN wins; otherwise std::max's order (a unless a < b), as PyTorch's CPU kernel.
    public static T Apply(T a, T b) => T.IsNaN(a) ? a : T.IsNaN(b) ? b : a < b ? b : a;
    // IEEE 754 maximum: NaN propagates like Apply; only the sign of an equal pair of zeros may differ.
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Max(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Max(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Max(b, a, d);
}
internal struct MinimumK<T> : IBinaryKernel<MinimumK<T>, T, T> where T : INumber<T>
{
    // NaN wins; otherwise std::min's order (a unless b < a).
    public static T Apply(T a, T b) => T.IsNaN(a) ? a : T.IsNaN(b) ? b : b < a ? b : a;
    // IEEE 754 minimum: NaN propagates like Apply; only the sign of an equal pair of zeros may differ.
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Min(a, b, d);
    public static void ContigScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TP.Min(a, b, d);
    public static void ScalarContig(T a, ReadOnlySpan<T> b, Span<T> d) => TP.Min(b, a, d);
}
internal struct EqK<T> : IBinaryKernel<EqK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a == b ? (byte)1 : (byte)0;
}
internal struct NeK<T> : IBinaryKernel<NeK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a != b ? (byte)1 : (byte)0;
}
internal struct LtK<T> : IBinaryKernel<LtK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a < b ? (byte)1 : (byte)0;
}
internal struct LeK<T> : IBinaryKernel<LeK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a <= b ? (byte)1 : (byte)0;
}
internal struct GtK<T> : IBinaryKernel<GtK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a > b ? (byte)1 : (byte)0;
}
internal struct GeK<T> : IBinaryKernel<GeK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a >= b ? (byte)1 : (byte)0;
}
internal struct LogicalAndK<T> : IBinaryKernel<LogicalAndK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a != T.Zero && b != T.Zero ? (byte)1 : (byte)0;
}
internal struct LogicalOrK<T> : IBinaryKernel<LogicalOrK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => a != T.Zero || b != T.Zero ? (byte)1 : (byte)0;
}
internal struct LogicalXorK<T> : IBinaryKernel<LogicalXorK<T>, T, byte> where T : INumber<T>
{
    public static byte Apply(T a, T b) => (a != T.Zero) != (b != T.Zero) ? (byte)1 : (byte)0;
}

// Division with a rounding mode (torch.div(..., rounding_mode=...)).
internal struct DivTruncFloatK<T> : IBinaryKernel<DivTruncFloatK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => T.Truncate(a / b);
}
internal struct DivFloorFloatK<T> : IBinaryKernel<DivFloorFloatK<T>, T, T> where T : IFloatingPointIeee754<T>
{
    // PyTorch's div_floor_floating: Python's float // semantics, exact where floor(a / b) would round wrongly.
    public static T Apply(T a, T b)
    {
        if (b == T.Zero) return a / b;
        T mod = a % b; // C fmod: the sign of a
        T div = (a - mod) / b;
        if (mod != T.Zero && (b < T.Zero) != (mod < T.Zero)) div -= T.One;
        if (div == T.Zero) return T.CopySign(T.Zero, a / b);
        T floordiv = T.Floor(div);
        if (div - floordiv > T.CreateChecked(0.5)) floordiv += T.One;
        return floordiv;
    }
}
internal struct DivTruncIntK<T> : IBinaryKernel<DivTruncIntK<T>, T, T> where T : IBinaryInteger<T>
{
    // The frontend refuses b == 0 first (PyTorch's ZeroDivisionError);
    // b == -1 is negation (wrapping), since MinValue / -1 would overflow in .NET.
    public static T Apply(T a, T b) => b == -T.One && T.IsNegative(b) ? -a : a / b;
}
internal struct DivFloorIntK<T> : IBinaryKernel<DivFloorIntK<T>, T, T> where T : IBinaryInteger<T>
{
    public static T Apply(T a, T b)
    {
        if (T.IsNegative(b) && b == -T.One) return -a;
        T q = a / b;
        if (T.IsNegative(a) != T.IsNegative(b) && q * b != a) q -= T.One;
        return q;
    }
}
internal struct BitwiseAndK<T> : IBinaryKernel<BitwiseAndK<T>, T, T> where T : IBinaryInteger<T>
{
    public static T Apply(T a, T b) => a & b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.BitwiseAnd(a, b, d);
}
internal struct BitwiseOrK<T> : IBinaryKernel<BitwiseOrK<T>, T, T> where T : IBinaryInteger<T>
{
    public static T Apply(T a, T b) => a | b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.BitwiseOr(a, b, d);
}
internal struct BitwiseXorK<T> : IBinaryKernel<BitwiseXorK<T>, T, T> where T : IBinaryInteger<T>
{
    public static T Apply(T a, T b) => a ^ b;
    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TP.Xor(a, b, d);
}

/// <summary>
/// ReLU's backward, PyTorch's threshold_backward(grad, y, 0): a = the saved output y, b = the incoming
/// gradient; 0 where y &lt;= 0, else the gradient. One pass instead of a comparison and a where.
/// </summary>
internal struct ReluBackwardK<T> : IBinaryKernel<ReluBackwardK<T>, T, T> where T : unmanaged, INumber<T>
{
    public static T Apply(T a, T b) => a <= T.Zero ? T.Zero : b;

    public static void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var av = MemoryMarshal.Cast<T, Vector<T>>(a);
            var bv = MemoryMarshal.Cast<T, Vector<T>>(b);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(d);
            for (int v = 0; v < dv.Length; v++)
                dv[v] = Vector.ConditionalSelect(Vector.LessThanOrEqual(av[v], Vector<T>.Zero), Vector<T>.Zero, bv[v]);
            i = dv.Length * Vector<T>.Count;
        }
        for (; i < d.Length; i++) d[i] = Apply(a[i], b[i]);
    }
}
