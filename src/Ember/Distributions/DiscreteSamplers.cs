namespace Ember.Distributions;

// Per-element samplers of PyTorch 1.13's CPU kernels, run in memory order under the generator's lock
// with PyTorch's draws (53-bit uniform doubles), so the same seed gives PyTorch's samples:
// cauchy_ (at::cauchy_distribution<double>), torch.poisson (sample_poisson in Distributions.cpp:
// Hörmann's transformed rejection for rates >= 10, the product of uniforms below) and torch.binomial
// (sample_binomial in Distributions.h: BTRS for count·p >= 10, geometric inversion below).
internal static class DiscreteSamplers
{
    public static Tensor StandardCauchy(int[] shape, DType dtype, Generator? generator)
    {
        var gen = generator ?? Generator.Default;
        long n = 1;
        foreach (int d in shape) n *= d;
        var r = new double[n];
        lock (gen.Mutex)
            for (long i = 0; i < n; i++) r[i] = Math.Tan(Math.PI * (gen.UniformDouble() - 0.5));
        return Tensor.From<double>(r, shape).To(dtype);
    }

    public static Tensor Poisson(Tensor rate, Generator? generator)
    {
        var gen = generator ?? Generator.Default;
        double[] a = rate.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        var r = new double[a.Length];
        lock (gen.Mutex)
            for (int i = 0; i < a.Length; i++) r[i] = SamplePoisson(a[i], gen);
        return Tensor.From<double>(r, rate.Shape).To(rate.DType);
    }

    public static Tensor Binomial(Tensor count, Tensor prob, Generator? generator)
    {
        var gen = generator ?? Generator.Default;
        double[] c = count.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        double[] p = prob.Detach().Contiguous().To(DType.Float64).ToArray<double>();
        var r = new double[c.Length];
        lock (gen.Mutex)
            for (int i = 0; i < c.Length; i++) r[i] = SampleBinomial(c[i], p[i], gen);
        return Tensor.From<double>(r, prob.Shape).To(prob.DType);
    }

    private static double SamplePoisson(double lambda, Generator gen)
    {
        if (!(lambda >= 0)) throw new ArgumentException($"poisson: invalid Poisson rate, expected rate to be non-negative, got {lambda}.");
        if (lambda >= 10)
        {
            double slam = Math.Sqrt(lambda), loglam = Math.Log(lambda);
            double b = 0.931 + 2.53 * slam;
            double a = -0.059 + 0.02483 * b;
            double invalpha = 1.1239 + 1.1328 / (b - 3.4);
            double vr = 0.9277 - 3.6224 / (b - 2);
            while (true)
            {
                double u = gen.UniformDouble() - 0.5;
                double v = gen.UniformDouble();
                double us = 0.5 - Math.Abs(u);
                long k = (long)Math.Floor((2 * a / us + b) * u + lambda + 0.43);
                if (us >= 0.07 && v <= vr) return k;
                if (k < 0 || (us < 0.013 && v > us)) continue;
                if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b) <= -lambda + k * loglam - Tensor.GammaMath.Lgamma(k + 1.0))
                    return k;
            }
        }
        if (lambda == 0) return 0;
        double enlam = Math.Exp(-lambda), prod = 1.0;
        long x = 0;
        while (true)
        {
            prod *= gen.UniformDouble();
            if (prod > enlam) x += 1;
            else return x;
        }
    }

    private static double SampleBinomial(double count, double prob, Generator gen)
    {
        if (count <= 0.0 || prob <= 0.0) return 0;
        if (prob >= 1.0) return count;
        if (prob <= 0.5) return count * prob >= 10.0 ? Btrs(count, prob, gen) : BinomialInversion(count, prob, gen);
        if (prob > 0.5)
        {
            double q = 1.0 - prob;
            return count * q >= 10.0 ? count - Btrs(count, q, gen) : count - BinomialInversion(count, q, gen);
        }
        return double.NaN;
    }

    private static double BinomialInversion(double count, double prob, Generator gen)
    {
        double geomSum = 0, numGeom = 0;
        double logprob = Log1p(-prob);
        while (true)
        {
            double u = gen.UniformDouble();
            double geom = Math.Ceiling(Math.Log(u) / logprob);
            geomSum += geom;
            if (geomSum > count) break;
            numGeom += 1;
        }
        return numGeom;
    }

    // log(1 + x) accurate for small x (Goldberg's correction), as the C library's log1p.
    private static double Log1p(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    private static double StirlingApproxTail(double k)
    {
        ReadOnlySpan<double> tail =
        [
            0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
            0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
        ];
        if (k <= 9) return tail[(int)k];
        double kp1sq = (k + 1) * (k + 1);
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
    }

    private static double Btrs(double count, double prob, Generator gen)
    {
        double stddev = Math.Sqrt(count * prob * (1 - prob));
        double b = 1.15 + 2.53 * stddev;
        double a = -0.0873 + 0.0248 * b + 0.01 * prob;
        double c = count * prob + 0.5;
        double vR = 0.92 - 4.2 / b;
        double r = prob / (1 - prob);
        double alpha = (2.83 + 5.1 / b) * stddev;
        double m = Math.Floor((count + 1) * prob);
        while (true)
        {
            double u = gen.UniformDouble() - 0.5;
            double v = gen.UniformDouble();
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2 * a / us + b) * u + c);
            if (k < 0 || k > count) continue;
            if (us >= 0.07 && v <= vR) return k;
            v = Math.Log(v * alpha / (a / (us * us) + b));
            double upperbound =
                (m + 0.5) * Math.Log((m + 1) / (r * (count - m + 1))) +
                (count + 1) * Math.Log((count - m + 1) / (count - k + 1)) +
                (k + 0.5) * Math.Log(r * (count - k + 1) / (k + 1)) +
                StirlingApproxTail(m) + StirlingApproxTail(count - m) -
                StirlingApproxTail(k) - StirlingApproxTail(count - k);
            if (v <= upperbound) return k;
        }
    }
}
