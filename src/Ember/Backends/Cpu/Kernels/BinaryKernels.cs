using System.Numerics;
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
    public static T Apply(T a, T b) => T.IsNaN(a) ? a : T.IsNaN(b) ? b : a > b ? a : b;
}
internal struct MinimumK<T> : IBinaryKernel<MinimumK<T>, T, T> where T : INumber<T>
{
    public static T Apply(T a, T b) => T.IsNaN(a) ? a : T.IsNaN(b) ? b : a < b ? a : b;
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
