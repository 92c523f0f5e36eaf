namespace Ember.Rng;

/// <summary>
/// A lane-by-lane port of the single-precision <c>log256_ps</c> and <c>sincos256_ps</c> from
/// <c>ATen/native/cpu/avx_mathfun.h</c> (Cephes polynomials), which PyTorch's AVX2 CPU kernel uses
/// for <c>randn</c>/<c>normal_</c> on contiguous float32 tensors of 16 or more elements. Matching
/// PyTorch's numbers bit for bit needs these exact approximations, not <see cref="MathF.Log(float)"/>.
/// </summary>
/// <remarks>
/// GCC compiles PyTorch's AVX2 kernels with <c>-mfma</c> and contracts a multiply whose only use is
/// an add into one fused multiply-add; the <see cref="MathF.FusedMultiplyAdd"/> calls below stand
/// exactly where that contraction happens, so the rounding matches.
/// </remarks>
internal static class AvxMathFun
{
    private const float SqrtHF = 0.707106781186547524f;
    private const float LogP0 = 7.0376836292E-2f, LogP1 = -1.1514610310E-1f, LogP2 = 1.1676998740E-1f;
    private const float LogP3 = -1.2420140846E-1f, LogP4 = 1.4249322787E-1f, LogP5 = -1.6668057665E-1f;
    private const float LogP6 = 2.0000714765E-1f, LogP7 = -2.4999993993E-1f, LogP8 = 3.3333331174E-1f;
    private const float LogQ1 = -2.12194440e-4f, LogQ2 = 0.693359375f;

    private const float MinusDP1 = -0.78515625f, MinusDP2 = -2.4187564849853515625e-4f, MinusDP3 = -3.77489497744594108e-8f;
    private const float SinP0 = -1.9515295891E-4f, SinP1 = 8.3321608736E-3f, SinP2 = -1.6666654611E-1f;
    private const float CosP0 = 2.443315711809948E-005f, CosP1 = -1.388731625493765E-003f, CosP2 = 4.166664568298827E-002f;
    private const float FourOverPi = 1.27323954473516f;

    /// <summary>Natural log as <c>log256_ps</c>; NaN for x &lt;= 0.</summary>
    public static float Log(float x)
    {
        bool invalid = x <= 0f;
        const float minNormPos = 1.17549435e-38f; // 0x00800000
        if (x < minNormPos) x = minNormPos;
        int bits = BitConverter.SingleToInt32Bits(x);
        int imm0 = (int)((uint)bits >> 23) - 0x7f;
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        float e = imm0;
        e += 1f;
        bool mask = x < SqrtHF;
        float tmp = mask ? x : 0f;
        x -= 1f;
        e -= mask ? 1f : 0f;
        x += tmp;
        float z = x * x;
        float y = MathF.FusedMultiplyAdd(LogP0, x, LogP1);
        y = MathF.FusedMultiplyAdd(y, x, LogP2);
        y = MathF.FusedMultiplyAdd(y, x, LogP3);
        y = MathF.FusedMultiplyAdd(y, x, LogP4);
        y = MathF.FusedMultiplyAdd(y, x, LogP5);
        y = MathF.FusedMultiplyAdd(y, x, LogP6);
        y = MathF.FusedMultiplyAdd(y, x, LogP7);
        y = MathF.FusedMultiplyAdd(y, x, LogP8);
        y *= x;
        y = MathF.FusedMultiplyAdd(y, z, e * LogQ1);
        y -= z * 0.5f;
        x += y;
        x = MathF.FusedMultiplyAdd(e, LogQ2, x);
        return invalid ? float.NaN : x;
    }

    /// <summary>Sine and cosine together as <c>sincos256_ps</c>.</summary>
    public static void SinCos(float x, out float sin, out float cos)
    {
        int signSin = BitConverter.SingleToInt32Bits(x) & unchecked((int)0x80000000);
        x = MathF.Abs(x);
        float y = x * FourOverPi;
        int j = (int)y;                      // cvttps: truncation
        j = (j + 1) & ~1;
        y = j;
        int swapSignSin = (j & 4) << 29;
        bool polyMask = (j & 2) == 0;
        x = MathF.FusedMultiplyAdd(y, MinusDP1, x);
        x = MathF.FusedMultiplyAdd(y, MinusDP2, x);
        x = MathF.FusedMultiplyAdd(y, MinusDP3, x);
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        float z = x * x;
        float yc = MathF.FusedMultiplyAdd(CosP0, z, CosP1);
        yc = MathF.FusedMultiplyAdd(yc, z, CosP2);
        yc *= z;
        yc = MathF.FusedMultiplyAdd(yc, z, -(z * 0.5f));
        yc += 1f;

        float ys = MathF.FusedMultiplyAdd(SinP0, z, SinP1);
        ys = MathF.FusedMultiplyAdd(ys, z, SinP2);
        ys *= z;
        ys = MathF.FusedMultiplyAdd(ys, x, x);

        float ysin2 = polyMask ? ys : 0f;
        float ysin1 = polyMask ? 0f : yc;
        ys -= ysin2;
        yc -= ysin1;
        sin = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(ysin1 + ysin2) ^ signSin);
        cos = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(yc + ys) ^ signCos);
    }
}
