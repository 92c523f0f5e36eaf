namespace Ember.Backends.Cpu;

/// <summary>
/// Fills for <c>arange</c>, <c>linspace</c> and <c>logspace</c>, ported from PyTorch's CPU kernels
/// (RangeFactoriesKernel.cpp as built for AVX2, RangeFactories.cpp) so every value is rounded as
/// PyTorch rounds it. The AVX2 kernels compute a whole vector from its first element
/// (<c>Vectorized&lt;T&gt;::arange(base, step)</c>: lane k is <c>base + k * step</c>) on blocks of
/// two vectors, and the remaining tail one element at a time. Where GCC fused a multiply-add in
/// PyTorch's build the code calls <see cref="Math.FusedMultiplyAdd"/>; the lanes of a linspace
/// vector are not fused. Each choice was checked against PyTorch on a few hundred random cases.
/// </summary>
internal static class RangeKernels
{
    /// <summary>Lanes per AVX2 vector for a dtype (<c>Vectorized&lt;T&gt;::size()</c>).</summary>
    private static int Lanes(DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 8, DType.Float64 or DType.Int64 => 4, DType.UInt8 or DType.Bool => 32, _ => 1,
    };

    /// <summary>
    /// <c>arange</c> in floating point: value i is <c>start + step * i</c> in double, narrowed to the
    /// dtype; inside vector blocks lanes are offset from the block's first value instead.
    /// </summary>
    public static void ArangeFloating(Span<double> values, DType dtype, double start, double step)
    {
        int n = values.Length, v = Lanes(dtype);
        int vecEnd = n - n % (2 * v);
        for (int b = 0; b < vecEnd; b += v)
        {
            double baseValue = Narrow(Math.FusedMultiplyAdd(step, b, start), dtype);
            values[b] = baseValue;
            for (int k = 1; k < v; k++) values[b + k] = Narrow(Math.FusedMultiplyAdd(k, step, baseValue), dtype);
        }
        for (int i = vecEnd; i < n; i++) values[i] = Narrow(Math.FusedMultiplyAdd(step, i, start), dtype);
    }

    private static double Narrow(double x, DType dtype) => dtype == DType.Float32 ? (float)x : x;

    /// <summary>
    /// <c>linspace</c> for float32: the first half counts up from <paramref name="start"/>, the second
    /// half down from <paramref name="end"/>, so both ends are exact. All arithmetic in float.
    /// </summary>
    public static void LinspaceFloat(Span<float> values, float start, float end)
    {
        int steps = values.Length;
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        int v = 8, vecEnd = steps - steps % (2 * v);
        for (int b = 0; b < vecEnd; b += v)
        {
            float baseValue = b < halfway ? MathF.FusedMultiplyAdd(step, b, start) : MathF.FusedMultiplyAdd(-step, steps - b - 1, end);
            values[b] = baseValue;
            for (int k = 1; k < v; k++) values[b + k] = baseValue + k * step;
        }
        for (int i = vecEnd; i < steps; i++)
            values[i] = i < halfway ? MathF.FusedMultiplyAdd(step, i, start) : MathF.FusedMultiplyAdd(-step, steps - i - 1, end);
    }

    /// <summary>
    /// <c>linspace</c> for float64 and the integer types: the step is a double; integer results
    /// truncate each double value toward zero, as a C cast.
    /// </summary>
    public static void LinspaceDouble(Span<double> values, DType dtype, double start, double end)
    {
        int steps = values.Length;
        double step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        int v = Lanes(dtype), vecEnd = steps - steps % (2 * v);
        for (int b = 0; b < vecEnd; b += v)
        {
            double baseValue = Cast(b < halfway ? Math.FusedMultiplyAdd(step, b, start) : Math.FusedMultiplyAdd(-step, steps - b - 1, end), dtype);
            values[b] = baseValue;
            for (int k = 1; k < v; k++) values[b + k] = Cast(baseValue + k * step, dtype);
        }
        for (int i = vecEnd; i < steps; i++)
            values[i] = Cast(i < halfway ? Math.FusedMultiplyAdd(step, i, start) : Math.FusedMultiplyAdd(-step, steps - i - 1, end), dtype);
    }

    private static double Cast(double x, DType dtype) => dtype switch
    {
        DType.Float64 => x,
        DType.Int64 => (long)x,
        DType.Int32 => unchecked((int)(long)x),
        DType.UInt8 => unchecked((byte)(long)x),
        _ => x != 0 ? 1 : 0,
    };

    /// <summary>
    /// <c>logspace</c> (RangeFactories.cpp, plain scalar code without fused multiply-adds):
    /// <c>pow(base, start + step * i)</c> for the first half and <c>pow(base, end - step * (steps - i - 1))</c>
    /// for the second, in double. The exponents' endpoints are first cast to the dtype.
    /// </summary>
    public static void Logspace(Span<double> values, DType dtype, double start, double end, double logBase)
    {
        int steps = values.Length;
        bool integral = !dtype.IsFloatingPoint();
        double b = integral ? (float)logBase : logBase;
        double span = dtype == DType.Float32 ? (float)end - (float)start : end - start;
        double step = span / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++)
        {
            double p = i < halfway ? Math.Pow(b, start + step * i) : Math.Pow(b, end - step * (steps - i - 1));
            values[i] = dtype == DType.Float32 ? (float)p : integral ? Cast(p, dtype) : p;
        }
    }
}
