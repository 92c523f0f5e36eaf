namespace Ember.Distributions;

// torch._standard_gamma and torch._sample_dirichlet as PyTorch 1.13 runs them on the CPU
// (ATen/native/Distributions.cpp, sample_gamma in Distributions.h): Marsaglia and Tsang's rejection
// loop per element, in memory order, drawing 53-bit uniform doubles and cached Box-Muller normal
// doubles from the generator. The float literals (1/3, 0.0331) are float constants in PyTorch's
// C++, so they are here too.
internal static class GammaSampler
{
    public static Tensor StandardGamma(Tensor alpha, Generator? generator)
    {
        var gen = generator ?? Generator.Default;
        bool f32 = alpha.DType == DType.Float32;
        double[] a = alpha.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        double[] r = new double[a.Length];
        lock (gen.Mutex)
        {
            for (int i = 0; i < a.Length; i++)
            {
                double s = f32 ? SampleFloat((float)a[i], gen) : Sample(a[i], gen);
                r[i] = f32 ? Math.Max(1.17549435E-38f, (float)s) : Math.Max(2.2250738585072014E-308, s);
            }
        }
        return Tensor.From<double>(r, alpha.Shape).To(alpha.DType);
    }

    public static Tensor Dirichlet(Tensor alpha, Generator? generator)
    {
        var gen = generator ?? Generator.Default;
        double[] a = alpha.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        double[] g = new double[a.Length];
        lock (gen.Mutex)
            for (int i = 0; i < a.Length; i++) g[i] = Math.Max(2.2250738585072014E-308, Sample(a[i], gen));
        var gamma = Tensor.From<double>(g, alpha.Shape);
        var ret = gamma / gamma.Sum(-1, keepDim: true);
        bool f32 = alpha.DType == DType.Float32;
        double min = f32 ? 1.17549435E-38 : 2.2250738585072014E-308;
        double max = f32 ? (double)MathF.BitDecrement(1f) : Math.BitDecrement(1.0);
        return ret.To(alpha.DType).Clamp(min, max);
    }

    // sample_gamma<double, double>.
    private static double Sample(double alpha, Generator gen)
    {
        double scale = 1.0;
        if (alpha < 1.0)
        {
            if (alpha == 0) return 0;
            scale *= Math.Pow(1 - gen.UniformDouble(), 1.0f / alpha);
            alpha += 1.0;
        }
        double d = alpha - 1.0f / 3.0f;
        double c = 1.0f / Math.Sqrt(9.0f * d);
        return Loop(d, c, scale, gen);
    }

    // sample_gamma<float, double>: the boost and d, c start in float arithmetic.
    private static double SampleFloat(float alpha, Generator gen)
    {
        double scale = 1.0;
        if (alpha < 1.0f)
        {
            if (alpha == 0f) return 0;
            scale *= Math.Pow(1 - gen.UniformDouble(), 1.0f / alpha);
            alpha += 1.0f;
        }
        double d = alpha - 1.0f / 3.0f;
        double c = 1.0f / Math.Sqrt(9.0f * d);
        return Loop(d, c, scale, gen);
    }

    private static double Loop(double d, double c, double scale, Generator gen)
    {
        while (true)
        {
            double x, y;
            do
            {
                x = gen.NormalDouble();
                y = 1.0 + c * x;
            } while (y <= 0);
            double v = y * y * y;
            double u = 1 - gen.UniformDouble();
            double xx = x * x;
            if (u < 1.0 - 0.0331f * xx * xx) return scale * d * v;
            if (Math.Log(u) < 0.5 * xx + d * (1.0 - v + Math.Log(v))) return scale * d * v;
        }
    }
}
