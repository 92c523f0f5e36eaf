using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ember.Backends.Cpu.Kernels;

/// <summary>
/// exp(x - shift) for float32 where x - shift is at most 0, the only exponentials softmax, log_softmax
/// and cross-entropy take (x - rowmax, a log-probability, x - max - lse). On that range the result needs
/// no overflow handling, which makes it a short polynomial: n = round(t·log2 e), r = t - n·ln 2 (in two
/// parts), exp(r) by Cephes' degree-5 polynomial with fused multiply-adds, times 2^n built in the
/// exponent bits. About a tenth of the time of <c>TensorPrimitives.Exp</c> (which widens to float64), and
/// within 2 ulp of the exact value; t below ln(2^-126) (results that would be subnormal) and -inf give 0,
/// NaN stays NaN. Arguments above 0 are outside the contract (results above 2^0 are still right up to
/// t = 88, and wrong beyond). The tail is computed by the same steps in scalar code, so a value does not
/// depend on where in the span it falls.
/// </summary>
internal static class ShiftedExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    // Below ln(2^-126) the result is subnormal: flushed to 0, as the exponent-bit construction cannot make it.
    private const float MinArg = -87.3365479f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
        P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>dst[i] = exp(x[i] - shift). <paramref name="dst"/> may be <paramref name="x"/>.</summary>
    public static void Exp(ReadOnlySpan<float> x, float shift, Span<float> dst)
    {
        if (dst.Length < x.Length) throw new ArgumentException("ShiftedExp.Exp: dst is shorter than x.", nameof(dst));
        int i = 0, n = x.Length;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float ds = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(shift);
            for (; i <= n - 16; i += 16)
                Vector512.StoreUnsafe(Exp512(Vector512.LoadUnsafe(ref xs, (nuint)i) - s), ref ds, (nuint)i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(shift);
            for (; i <= n - 8; i += 8)
                Vector256.StoreUnsafe(Exp256(Vector256.LoadUnsafe(ref xs, (nuint)i) - s), ref ds, (nuint)i);
        }
        for (; i < n; i++) dst[i] = ExpScalar(x[i] - shift);
    }

    /// <summary>The sum of exp(x[i] - shift), nothing stored.</summary>
    public static float SumExp(ReadOnlySpan<float> x, float shift)
    {
        int i = 0, n = x.Length;
        float sum = 0;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(shift);
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16) acc += Exp512(Vector512.LoadUnsafe(ref xs, (nuint)i) - s);
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(shift);
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8) acc += Exp256(Vector256.LoadUnsafe(ref xs, (nuint)i) - s);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += ExpScalar(x[i] - shift);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp512(Vector512<float> t)
    {
        var n = Vector512.Round(t * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), t);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        var e = p * scale;
        // t < MinArg (and -inf) -> 0; NaN -> NaN (t != t).
        e = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(MinArg)), Vector512<float>.Zero, e);
        return Vector512.ConditionalSelect(Vector512.Equals(t, t), e, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp256(Vector256<float> t)
    {
        var n = Vector256.Round(t * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), t);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        var e = p * scale;
        e = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256.Create(MinArg)), Vector256<float>.Zero, e);
        return Vector256.ConditionalSelect(Vector256.Equals(t, t), e, t);
    }

    /// <summary>The same steps on one value (the tail of a span, and the reference in tests).</summary>
    internal static float ExpScalar(float t)
    {
        if (float.IsNaN(t)) return t;
        if (t < MinArg) return 0f;
        float n = MathF.Round(t * Log2E);
        float r = MathF.FusedMultiplyAdd(n, -Ln2Hi, t);
        r = MathF.FusedMultiplyAdd(n, -Ln2Lo, r);
        float p = MathF.FusedMultiplyAdd(P0, r, P1);
        p = MathF.FusedMultiplyAdd(p, r, P2);
        p = MathF.FusedMultiplyAdd(p, r, P3);
        p = MathF.FusedMultiplyAdd(p, r, P4);
        p = MathF.FusedMultiplyAdd(p, r, P5);
        p = MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}
