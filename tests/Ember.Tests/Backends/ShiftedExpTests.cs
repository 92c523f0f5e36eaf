using System.Runtime.Intrinsics;
using Ember.Backends.Cpu.Kernels;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The float32 exponential of softmax, log_softmax and cross-entropy (<see cref="ShiftedExp"/>) against
/// exp in float64: within 2 ulp over its whole domain (t at most 0), 0 where the result would be
/// subnormal or t is -inf, NaN kept; the 256-bit path is checked on AVX-512 machines too, and every
/// path agrees with the scalar steps bit for bit, so a value does not depend on where in a row it falls.
/// </summary>
public class ShiftedExpTests
{
    private static float[] Arguments()
    {
        var r = new Random(7);
        var xs = new List<float> { 0f, -0f, -1e-8f, -0.5f, -1f, -87.33f, -87.3366f, -88f, -103.9f, -200f, float.NegativeInfinity, float.NaN, float.MinValue };
        for (int i = 0; i < 20_000; i++) xs.Add((float)(-r.NextDouble() * 90));
        for (int i = 0; i < 2_000; i++) xs.Add((float)(-r.NextDouble() * 1e-3));
        // every float in a small dense range, where rounding of n changes
        for (float v = -0.35f; v > -0.36f; v = MathF.BitDecrement(v)) xs.Add(v);
        return xs.ToArray();
    }

    private static void CheckOne(float t, float got)
    {
        if (float.IsNaN(t)) { Assert.True(float.IsNaN(got), $"exp({t}) = {got}, expected NaN"); return; }
        double exact = Math.Exp(t);
        if (exact < 1.1754943508222875e-38) { Assert.True(got == 0f || Math.Abs(got - exact) <= 1.2e-38, $"exp({t:R}) = {got:R}, expected 0 or {exact:R}"); return; }
        double ulp = (double)MathF.BitIncrement((float)exact) - (float)exact;
        Assert.True(Math.Abs(got - exact) <= 2 * ulp, $"exp({t:R}) = {got:R}, exact {exact:R}: off by {Math.Abs(got - exact) / ulp:F2} ulp");
    }

    private static void Same(float t, float expected, float got)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(got))
            Assert.Fail($"exp({t:R}): the vector path gave {got:R}, the scalar steps {expected:R}");
    }

    [Fact]
    public void ScalarStepsAreWithinTwoUlpOnTheWholeDomain()
    {
        foreach (var t in Arguments()) CheckOne(t, ShiftedExp.ExpScalar(t));
    }

    [Fact]
    public void SpansAgreeWithTheScalarStepsBitForBitAtEveryLength()
    {
        var xs = Arguments();
        foreach (int len in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 33, 1000, xs.Length })
        {
            var x = xs.AsSpan(0, len);
            var d = new float[len];
            ShiftedExp.Exp(x, 0f, d);
            for (int i = 0; i < len; i++) Same(x[i], ShiftedExp.ExpScalar(x[i]), d[i]);
        }
    }

    [Fact]
    public void TheShiftIsSubtractedFirstAndTheSumAddsEveryExponential()
    {
        var x = new float[] { 3f, 2f, 1f, 0.5f, -4f, 2.75f, 1.5f, 3f, 0f, -1f, 2f };
        var d = new float[x.Length];
        ShiftedExp.Exp(x, 3f, d);
        double sum = 0;
        for (int i = 0; i < x.Length; i++) { CheckOne(x[i] - 3f, d[i]); Assert.Equal(ShiftedExp.ExpScalar(x[i] - 3f), d[i]); sum += Math.Exp(x[i] - 3.0); }
        Assert.Equal(sum, ShiftedExp.SumExp(x, 3f), 5);
    }

    [Fact]
    public void The256And512BitPathsAgreeWithTheScalarSteps()
    {
        var xs = Arguments();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var v = ShiftedExp.Exp256(Vector256.Create(xs, i));
                for (int k = 0; k < 8; k++) Same(xs[i + k], ShiftedExp.ExpScalar(xs[i + k]), v[k]);
            }
            if (Vector512.IsHardwareAccelerated)
            {
                var v = ShiftedExp.Exp512(Vector512.Create(xs, i));
                for (int k = 0; k < 16; k++) Same(xs[i + k], ShiftedExp.ExpScalar(xs[i + k]), v[k]);
            }
        }
    }
}
