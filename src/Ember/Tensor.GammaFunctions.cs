namespace Ember;

// The log-gamma function and its derivatives (torch.lgamma, torch.digamma, torch.polygamma), which
// the Beta, Gamma and Dirichlet distributions need. Values are computed in double per element, as
// Tensor.Erfinv does: digamma, trigamma and the Hurwitz zeta follow PyTorch's CPU code
// (calc_digamma, calc_trigamma, Cephes' zeta); lgamma is a Lanczos sum (PyTorch calls the C library's
// lgamma), so the two agree to about 1e-15 in absolute terms, not bit for bit.
public partial class Tensor
{
    /// <summary>
    /// The natural log of the absolute value of the gamma function, elementwise (<c>torch.lgamma</c>).
    /// Integer inputs give the default floating type. Differentiable: d/dx lgamma(x) = digamma(x).
    /// </summary>
    public Tensor Lgamma()
    {
        var r = GammaValues(this, GammaMath.Lgamma);
        if (Autograd.Recording(this)) Derivatives.Lgamma.Record(r, [this], saved: [this]);
        return r;
    }

    /// <summary>The log-gamma function of <paramref name="input"/> (<c>torch.lgamma(input)</c>).</summary>
    public static Tensor Lgamma(Tensor input) { ArgumentNullException.ThrowIfNull(input); return input.Lgamma(); }

    /// <summary>
    /// The digamma function, the derivative of <see cref="Lgamma()"/>, elementwise (<c>torch.digamma</c>):
    /// -inf at 0 (+inf at -0), NaN at negative integers. Differentiable: d/dx digamma(x) = polygamma(1, x).
    /// </summary>
    public Tensor Digamma()
    {
        var r = GammaValues(this, GammaMath.Digamma);
        if (Autograd.Recording(this)) Derivatives.Digamma.Record(r, [this], saved: [this]);
        return r;
    }

    /// <summary>The digamma function of <paramref name="input"/> (<c>torch.digamma(input)</c>).</summary>
    public static Tensor Digamma(Tensor input) { ArgumentNullException.ThrowIfNull(input); return input.Digamma(); }

    /// <summary>
    /// The <paramref name="n"/>-th derivative of the digamma function, elementwise (<c>torch.polygamma(n, input)</c>);
    /// <c>n = 0</c> is <see cref="Digamma()"/>. Differentiable: d/dx polygamma(n, x) = polygamma(n + 1, x).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public Tensor Polygamma(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"polygamma(n, x) does not support negative n (got n = {n}).");
        if (n == 0) return Digamma();
        var r = GammaValues(this, x => GammaMath.Polygamma(n, x));
        if (Autograd.Recording(this)) Derivatives.Polygamma.Record(r, [this], saved: [this], state: n);
        return r;
    }

    /// <summary>The <paramref name="n"/>-th polygamma function of <paramref name="input"/> (<c>torch.polygamma(n, input)</c>).</summary>
    public static Tensor Polygamma(int n, Tensor input) { ArgumentNullException.ThrowIfNull(input); return input.Polygamma(n); }

    private static Tensor GammaValues(Tensor t, Func<double, double> f)
    {
        DType dt = t.DType.ToFloating();
        var src = t.Detach();
        if (src.DType != dt) src = src.To(dt);
        int[] shape = t.Layout.Shape;
        if (dt == DType.Float32)
        {
            float[] v = src.ToArray<float>();
            for (int i = 0; i < v.Length; i++) v[i] = (float)f(v[i]);
            return From<float>(v, shape, t.Device);
        }
        double[] d = src.ToArray<double>();
        for (int i = 0; i < d.Length; i++) d[i] = f(d[i]);
        return From<double>(d, shape, t.Device);
    }

    internal static class GammaMath
    {
        // Godfrey's Lanczos coefficients for g = 607/128 (15 terms): relative error near 1e-15.
        private const double LanczosG = 607.0 / 128.0;
        private static readonly double[] Lanczos =
        [
            0.99999999999999709182, 57.156235665862923517, -59.597960355475491248, 14.136097974741747174,
            -0.49191381609762019978, .33994649984811888699e-4, .46523628927048575665e-4, -.98374475304879564677e-4,
            .15808870322491248884e-3, -.21026444172410488319e-3, .21743961811521264320e-3, -.16431810653676389022e-3,
            .84418223983852743293e-4, -.26190838401581408670e-4, .36899182659531622704e-5,
        ];

        public static double Lgamma(double x)
        {
            if (double.IsNaN(x)) return x;
            if (double.IsInfinity(x)) return double.PositiveInfinity;
            if (x <= 0 && x == Math.Floor(x)) return double.PositiveInfinity;
            if (x == 1 || x == 2) return 0;
            if (x < 0.5)
                return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - Lgamma(1 - x); // reflection
            x -= 1;
            double sum = Lanczos[0];
            for (int i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (x + i);
            double t = x + LanczosG + 0.5;
            return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
        }

        // PyTorch's calc_digamma (ATen/native/Math.h).
        public static double Digamma(double x)
        {
            const double psi10 = 2.25175258906672110764;
            if (x == 0) return Math.CopySign(double.PositiveInfinity, -x);
            if (x < 0)
            {
                if (x == Math.Truncate(x)) return double.NaN;
                double r = x - Math.Truncate(x);
                return Digamma(1 - x) - Math.PI / Math.Tan(Math.PI * r);
            }
            double result = 0;
            while (x < 10) { result -= 1 / x; x += 1; }
            if (x == 10) return result + psi10;
            double y = 0;
            if (x < 1.0e17)
            {
                double z = 1.0 / (x * x);
                double p = 8.33333333333333333333E-2;
                foreach (double a in (ReadOnlySpan<double>)[-2.10927960927960927961E-2, 7.57575757575757575758E-3, -4.16666666666666666667E-3,
                                                            3.96825396825396825397E-3, -8.33333333333333333333E-3, 8.33333333333333333333E-2])
                    p = p * z + a;
                y = z * p;
            }
            return result + Math.Log(x) - 0.5 / x - y;
        }

        // PyTorch's polygamma: calc_trigamma for n = 1, else (-1)^(n+1) n! zeta(n + 1, x).
        public static double Polygamma(int n, double x)
        {
            if (n == 0) return Digamma(x);
            if (n == 1) return Trigamma(x);
            double sign = n % 2 == 1 ? 1.0 : -1.0;
            return sign * Math.Exp(Lgamma(n + 1.0)) * Zeta(n + 1, x);
        }

        private static double Trigamma(double x)
        {
            double sign = 1, result = 0;
            if (x < 0.5)
            {
                sign = -1;
                double s = Math.Sin(Math.PI * x);
                result -= Math.PI * Math.PI / (s * s);
                x = 1 - x;
            }
            for (int i = 0; i < 6; i++) { result += 1 / (x * x); x += 1; }
            double ixx = 1 / (x * x);
            result += (1 + 1 / (2 * x) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / x;
            return sign * result;
        }

        // The Hurwitz zeta function sum_k (k + q)^-x (Cephes' zeta, as PyTorch uses it).
        private static readonly double[] ZetaA =
        [
            12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
            -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17,
            -7.1661652561756670113e18,
        ];

        private static double Zeta(double x, double q)
        {
            const double machep = 1.11022302462515654042E-16;
            if (x == 1) return double.PositiveInfinity;
            if (x < 1) return double.NaN;
            if (q <= 0)
            {
                if (q == Math.Floor(q)) return double.PositiveInfinity;
                if (x != Math.Floor(x)) return double.NaN;
            }
            double s = Math.Pow(q, -x), a = q, b = 0;
            int i = 0;
            while (i < 9 || a <= 9.0)
            {
                i++;
                a += 1.0;
                b = Math.Pow(a, -x);
                s += b;
                if (-machep * s < b && b < machep * s) return s;
            }
            double w = a;
            s += b * w / (x - 1);
            s -= 0.5 * b;
            a = 1.0;
            double k = 0.0;
            for (int j = 0; j < 12; j++)
            {
                a *= x + k;
                b /= w;
                double t = a * b / ZetaA[j];
                s += t;
                if (Math.Abs(t / s) < machep) return s;
                k += 1.0;
                a *= x + k;
                b /= w;
                k += 1.0;
            }
            return s;
        }
    }
}
