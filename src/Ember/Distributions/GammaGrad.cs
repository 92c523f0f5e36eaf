using Ember.Graph;

namespace Ember.Distributions;

// The reparameterized gradients of the gamma and Dirichlet samplers, as PyTorch 1.13 computes them on
// the CPU (ATen/native/Distributions.h: standard_gamma_grad_one and dirichlet_grad_one, evaluated in
// double): d sample / d alpha = -(d cdf / d alpha) / pdf at the drawn sample, from a Taylor series,
// a Rice saddle-point expansion or a fitted rational approximation depending on the region. PyTorch
// gives these ops no second derivative; neither does Ember (the formulas use detached values).
internal static class GammaGrad
{
    /// <summary>torch._standard_gamma(alpha) with its implicit gradient (StandardGammaBackward0: grad · _standard_gamma_grad(alpha, x)).</summary>
    public static Tensor StandardGamma(Tensor alpha, Generator? generator)
    {
        var x = GammaSampler.StandardGamma(alpha, generator);
        if (Autograd.Recording(alpha)) StandardGammaRule.Record(x, [alpha], saved: [alpha.Detach(), x]);
        return x;
    }

    /// <summary>torch._sample_dirichlet(alpha) with PyTorch's _Dirichlet.backward.</summary>
    public static Tensor SampleDirichlet(Tensor alpha, Generator? generator)
    {
        var x = GammaSampler.Dirichlet(alpha, generator);
        if (Autograd.Recording(alpha)) DirichletRule.Record(x, [alpha], saved: [alpha.Detach(), x]);
        return x;
    }

    private static readonly Rule StandardGammaRule = new("StandardGammaBackward0",
        static (c, g) => [g[0] * StandardGammaGrad(c.Saved(0), c.Saved(1))]);

    // total = concentration.sum(-1, True).expand_as(concentration);
    // grad = _dirichlet_grad(x, concentration, total) * (grad_output - (x * grad_output).sum(-1, True)).
    private static readonly Rule DirichletRule = new("_DirichletBackward", static (c, g) =>
    {
        var alpha = c.Saved(0);
        var x = c.Saved(1);
        var total = alpha.Sum(-1, keepDim: true).ExpandAs(alpha);
        return [DirichletGrad(x, alpha, total) * (g[0] - (x * g[0]).Sum(-1, keepDim: true))];
    });

    /// <summary>torch._standard_gamma_grad(alpha, x), elementwise over broadcast shapes.</summary>
    public static Tensor StandardGammaGrad(Tensor alpha, Tensor x) => Elementwise(alpha, x, null, (a, v, _) => StandardGammaGradOne(a, v));

    /// <summary>torch._dirichlet_grad(x, alpha, total), elementwise.</summary>
    public static Tensor DirichletGrad(Tensor x, Tensor alpha, Tensor total) => Elementwise(x, alpha, total, DirichletGradOne);

    private static Tensor Elementwise(Tensor a, Tensor b, Tensor? c, Func<double, double, double, double> f)
    {
        int[] shape = Dims.Broadcast(a.Shape.AsSpan(), b.Shape.AsSpan(), "gamma_grad");
        if (c is not null) shape = Dims.Broadcast(shape, c.Shape.AsSpan(), "gamma_grad");
        double[] av = a.Detach().Expand(shape).Contiguous().To(DType.Float64).ToArray<double>();
        double[] bv = b.Detach().Expand(shape).Contiguous().To(DType.Float64).ToArray<double>();
        double[]? cv = c?.Detach().Expand(shape).Contiguous().To(DType.Float64).ToArray<double>();
        var r = new double[av.Length];
        for (int i = 0; i < r.Length; i++) r[i] = f(av[i], bv[i], cv is null ? 0 : cv[i]);
        return Tensor.From<double>(r, shape, a.Device).To(a.DType);
    }

    private static double Digamma(double x) => Tensor.GammaMath.Digamma(x);

    // standard_gamma_grad_one<scalar_t, double>.
    public static double StandardGammaGradOne(double alpha, double x)
    {
        if (x < 0.8f)
        {
            double numer = 1, denom = alpha;
            double series1 = numer / denom, series2 = numer / (denom * denom);
            for (int i = 1; i <= 5; ++i)
            {
                numer *= -x / i;
                denom += 1;
                series1 += numer / denom;
                series2 += numer / (denom * denom);
            }
            double powXAlpha = Math.Pow(x, alpha);
            double gammaPdf = Math.Pow(x, alpha - 1) * Math.Exp(-x);
            double gammaCdf = powXAlpha * series1;
            double gammaCdfAlpha = (Math.Log(x) - Digamma(alpha)) * gammaCdf - powXAlpha * series2;
            double result = -gammaCdfAlpha / gammaPdf;
            return double.IsNaN(result) ? 0 : result;
        }
        if (alpha > 8.0f)
        {
            if (0.9f * alpha <= x && x <= 1.1f * alpha)
            {
                double numer1 = 1 + 24 * alpha * (1 + 12 * alpha);
                double numer2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x);
                double denom1 = 1244160 * (alpha * alpha) * (alpha * alpha);
                return numer1 * numer2 / denom1;
            }
            double denom = Math.Sqrt(8 * alpha);
            double term2 = denom / (alpha - x);
            double term3 = Math.Pow(x - alpha - alpha * Math.Log(x / alpha), -1.5);
            double term23 = x < alpha ? term2 - term3 : term2 + term3;
            double term1 = Math.Log(x / alpha) * term23 - Math.Sqrt(2 / alpha) * (alpha + x) / ((alpha - x) * (alpha - x));
            double stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha));
            double numer = x * term1;
            return -stirling * numer / denom;
        }
        double u = Math.Log(x / alpha), v = Math.Log(alpha);
        Span<double> coefV = stackalloc double[8];
        for (int i = 0; i < 8; ++i) coefV[i] = CoefUV[0, i] + u * (CoefUV[1, i] + u * CoefUV[2, i]);
        double p = coefV[0] + v * (coefV[1] + v * (coefV[2] + v * coefV[3]));
        double q = coefV[4] + v * (coefV[5] + v * (coefV[6] + v * coefV[7]));
        return Math.Exp(p / q);
    }

    private static readonly double[,] CoefUV =
    {
        { 0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084 },
        { 0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623 },
        { 0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07 },
    };

    private static double BetaGradAlphaSmall(double x, double alpha, double beta)
    {
        double factor = Digamma(alpha) - Digamma(alpha + beta) - Math.Log(x);
        double numer = 1;
        double series = numer / alpha * (factor + 1 / alpha);
        for (int i = 1; i <= 10; ++i)
        {
            numer *= (i - beta) * x / i;
            double denom = alpha + i;
            series += numer / denom * (factor + 1 / denom);
        }
        double result = x * Math.Pow(1 - x, -beta) * series;
        return double.IsNaN(result) ? 0 : result;
    }

    private static double BetaGradBetaSmall(double x, double alpha, double beta)
    {
        double factor = Digamma(alpha + beta) - Digamma(beta);
        double numer = 1, betas = 1, dbetas = 0, series = factor / alpha;
        for (int i = 1; i <= 8; ++i)
        {
            numer *= -x / i;
            dbetas = dbetas * (beta - i) + betas;
            betas *= beta - i;
            series += numer / (alpha + i) * (dbetas + factor * betas);
        }
        double result = -Math.Pow(1 - x, 1 - beta) * series;
        return double.IsNaN(result) ? 0 : result;
    }

    private static double BetaGradAlphaMid(double x, double alpha, double beta)
    {
        double total = alpha + beta;
        double mean = alpha / total;
        double std = Math.Sqrt(alpha * beta / (total + 1)) / total;
        if (mean - 0.1 * std <= x && x <= mean + 0.1 * std)
        {
            double poly = 47 * x * (beta * beta) * (beta * beta) + alpha * (
                          (43 + 20 * (16 + 27 * beta) * x) * (beta * beta) * beta + alpha * (
                          3 * (59 + 180 * beta - 90 * x) * (beta * beta) + alpha * (
                          (453 + 1620 * beta * (1 - x) - 455 * x) * beta + alpha * (
                          8 * (1 - x) * (135 * beta - 11)))));
            double prefactorNum = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total);
            double prefactorDen = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total);
            return prefactorNum / (1 - x) * poly / prefactorDen;
        }
        double prefactor = -x / Math.Sqrt(2 * alpha * beta / total);
        double stirling = (1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha))
                        * (1 + 1 / (12 * beta) + 1 / (288 * beta * beta))
                        / (1 + 1 / (12 * total) + 1 / (288 * total * total));
        double term1Num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta);
        double axbx = alpha * (x - 1) + beta * x;
        double term1Den = Math.Sqrt(2 * alpha / beta) * Math.Pow(total, 1.5) * axbx * axbx;
        double term1 = term1Num / term1Den;
        double term2 = 0.5f * Math.Log(alpha / (total * x));
        double term3Num = Math.Sqrt(8 * alpha * beta / total);
        double term3Den = beta * x + alpha * (x - 1);
        double term3 = term3Num / term3Den;
        double term4Base = beta * Math.Log(beta / (total * (1 - x))) + alpha * Math.Log(alpha / (total * x));
        double term4 = Math.Pow(term4Base, -1.5);
        double term1234 = term1 + term2 * (term3 + (x < mean ? term4 : -term4));
        return stirling * prefactor * term1234;
    }

    // dirichlet_grad_one<scalar_t, double>: -(d/dalpha cdf(x; alpha, beta)) / pdf(x; alpha, beta) / (1 - x), beta = total - alpha.
    public static double DirichletGradOne(double x, double alpha, double total)
    {
        double beta = total - alpha;
        double boundary = total * x * (1 - x);
        if (x <= 0.5f && boundary < 2.5f) return BetaGradAlphaSmall(x, alpha, beta);
        if (x >= 0.5f && boundary < 0.75f) return -BetaGradBetaSmall(1 - x, beta, alpha);
        if (alpha > 6 && beta > 6) return BetaGradAlphaMid(x, alpha, beta);
        double u = Math.Log(x);
        double a = Math.Log(alpha) - u;
        double b = Math.Log(total) - a;
        double[] powU = [1, u, u * u];
        double[] powA = [1, a, a * a];
        double p = 0.0, q = 0.0;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
            {
                double ua = powU[i] * powA[j];
                p += ua * (C[0, i, j, 0] + b * (C[0, i, j, 1] + b * (C[0, i, j, 2] + b * C[0, i, j, 3])));
                q += ua * (C[1, i, j, 0] + b * (C[1, i, j, 1] + b * (C[1, i, j, 2] + b * C[1, i, j, 3])));
            }
        double approx = x * (Digamma(total) - Digamma(alpha)) / beta;
        return p / q * approx;
    }

    private static readonly double[,,,] C =
    {
        {
            { { 1.003668233, -0.01061107488, -0.0657888334, 0.01201642863 },
              { 0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033 },
              { -0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013 } },
            { { 0.221950385, -0.3187676331, 0.01799915743, 0.01074823814 },
              { -0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057 },
              { 0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05 } },
            { { -0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565 },
              { 0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181 },
              { 0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05 } },
        },
        {
            { { 1, -0.02924021934, -0.04438342661, 0.007285809825 },
              { 0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521 },
              { -0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149 } },
            { { 0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273 },
              { 0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956 },
              { -0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05 } },
            { { 0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05 },
              { 0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05 },
              { -0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06 } },
        },
    };
}
