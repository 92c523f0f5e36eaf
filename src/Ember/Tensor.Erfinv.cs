namespace Ember;

// The inverse error function (torch.erfinv), computed as PyTorch's CPU kernel calc_erfinv does: a
// rational first guess, then two Newton steps that use erf. PyTorch's x86-64 build contracts the
// polynomials into fused multiply-adds, so the same is done here; with those, results differ from
// PyTorch's only where this file's erf and the C library's erf/erff round differently (about one
// value in twenty in float32, by one unit in the last place).
public partial class Tensor
{
    /// <summary>
    /// The inverse error function, elementwise (<c>torch.erfinv</c>): erfinv(erf(x)) = x on (-1, 1),
    /// ±inf at ±1 and NaN outside [-1, 1]. Integer inputs give the default floating type.
    /// Differentiable: d/dx erfinv(x) = sqrt(pi)/2 · exp(erfinv(x)²).
    /// </summary>
    public Tensor Erfinv()
    {
        var r = ErfinvValues(this);
        if (Autograd.Recording(this)) Derivatives.Erfinv.Record(r, [this], saved: [r]);
        return r;
    }

    /// <summary>The inverse error function of <paramref name="input"/> (<c>torch.erfinv(input)</c>).</summary>
    public static Tensor Erfinv(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Erfinv();
    }

    /// <summary>Replaces each element with its inverse error function, in place (<c>x.erfinv_()</c>); the tensor must be floating point.</summary>
    /// <exception cref="InvalidOperationException">The tensor is an integer tensor (the float result can't be written back).</exception>
    public Tensor Erfinv_()
    {
        const string name = "erfinv_";
        CheckInPlace(name, DType.ToFloating());
        var ip = Autograd.BeginInPlace(this, name, []);
        var values = ErfinvValues(this);
        Backend.Copy(values.Storage, values.Layout, Storage, Layout);
        BumpVersion();
        if (ip.Active) ip.Finish(Derivatives.Erfinv, saved: [this]);
        return this;
    }

    // Reads the values (never recorded), applies the scalar function in the floating type, and
    // returns a new contiguous tensor of that type.
    private static Tensor ErfinvValues(Tensor t)
    {
        DType dt = t.DType.ToFloating();
        var src = t.Detach();
        if (src.DType != dt) src = src.To(dt);
        int[] shape = t.Layout.Shape;
        if (dt == DType.Float32)
        {
            float[] v = src.ToArray<float>();
            for (int i = 0; i < v.Length; i++) v[i] = ErfinvMath.Erfinv(v[i]);
            return From<float>(v, shape, t.Device);
        }
        double[] d = src.ToArray<double>();
        for (int i = 0; i < d.Length; i++) d[i] = ErfinvMath.Erfinv(d[i]);
        return From<double>(d, shape, t.Device);
    }

    // Internal (not public): nn.init.trunc_normal_ needs erf for its bounds, as PyTorch uses math.erf there.
    internal static class ErfinvMath
    {
        // The rational approximation's coefficients (PyTorch's calc_erfinv, after Pavlis' MATLAB erfinv).
        private static readonly double[] A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
        private static readonly double[] B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
        private static readonly double[] C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
        private static readonly double[] D = [3.543889200, 1.637067800];
        private static readonly float[] Af = [.. A.Select(x => (float)x)];
        private static readonly float[] Bf = [.. B.Select(x => (float)x)];
        private static readonly float[] Cf = [.. C.Select(x => (float)x)];
        private static readonly float[] Df = [.. D.Select(x => (float)x)];

        public static double Erfinv(double y)
        {
            double ya = Math.Abs(y);
            if (!(ya <= 1)) return double.NaN;
            if (ya == 1) return Math.CopySign(double.PositiveInfinity, y);
            double x;
            if (ya <= 0.7)
            {
                double z = y * y;
                double num = Fma(Fma(Fma(A[3], z, A[2]), z, A[1]), z, A[0]);
                double dem = Fma(Fma(Fma(Fma(B[3], z, B[2]), z, B[1]), z, B[0]), z, 1.0);
                x = y * num / dem;
            }
            else
            {
                double z = Math.Sqrt(-Math.Log((1.0 - ya) / 2.0));
                double num = Fma(Fma(Fma(C[3], z, C[2]), z, C[1]), z, C[0]);
                double dem = Fma(Fma(D[1], z, D[0]), z, 1.0);
                x = Math.CopySign(num, y) / dem;
            }
            const double k = 2.0 / 1.7724538509055160273; // 2 / sqrt(pi), rounded as PyTorch's T(2)/T(sqrt(pi))
            x -= (Erf(x) - y) / (k * Math.Exp(-x * x));
            x -= (Erf(x) - y) / (k * Math.Exp(-x * x));
            return x;
        }

        // The same steps in single precision, as PyTorch's float kernel runs them.
        public static float Erfinv(float y)
        {
            float ya = MathF.Abs(y);
            if (!(ya <= 1f)) return float.NaN;
            if (ya == 1f) return MathF.CopySign(float.PositiveInfinity, y);
            float x;
            if (ya <= 0.7f)
            {
                float z = y * y;
                float num = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Af[3], z, Af[2]), z, Af[1]), z, Af[0]);
                float dem = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Bf[3], z, Bf[2]), z, Bf[1]), z, Bf[0]), z, 1f);
                x = y * num / dem;
            }
            else
            {
                float z = MathF.Sqrt(-MathF.Log((1f - ya) / 2f));
                float num = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Cf[3], z, Cf[2]), z, Cf[1]), z, Cf[0]);
                float dem = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Df[1], z, Df[0]), z, 1f);
                x = MathF.CopySign(num, y) / dem;
            }
            float k = 2f / (float)Math.Sqrt(Math.PI);
            x -= ((float)Erf(x) - y) / (k * MathF.Exp(-x * x));
            x -= ((float)Erf(x) - y) / (k * MathF.Exp(-x * x));
            return x;
        }

        private static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

        // 2/sqrt(pi) as an unevaluated sum of two doubles.
        private const double TwoOverSqrtPiHi = 1.1283791670955126, TwoOverSqrtPiLo = 1.533545961316588e-17;

        /// <summary>
        /// erf(x) to within about one unit in the last place. Below 3 it sums the series
        /// erf(x) = 2/sqrt(pi) · exp(-x²) · Σ (2x²)^n x / (1·3·…·(2n+1)), whose terms are all positive,
        /// in twice-double arithmetic so the rounding of its many terms does not build up; from 3 on,
        /// erf = 1 - erfc with erfc from its continued fraction (erfc is below 2.3e-5 there, so its
        /// own error barely reaches erf).
        /// </summary>
        public static double Erf(double x)
        {
            if (double.IsNaN(x)) return x;
            double ax = Math.Abs(x);
            if (ax >= 6.0) return Math.CopySign(1.0, x);
            double x2 = ax * ax, x2Err = Math.FusedMultiplyAdd(ax, ax, -x2); // x² = x2 + x2Err exactly
            double ex = Math.Exp(-x2);
            if (ax < 3.0)
            {
                var two = new DD(2 * x2, 2 * x2Err);
                DD term = new(ax, 0), sum = new(ax, 0);
                for (int n = 1; n < 200 && term.Hi > 1e-34 * sum.Hi; n++)
                {
                    term = DD.Div(DD.Mul(term, two), 2 * n + 1);
                    sum = DD.Add(sum, term);
                }
                var r = DD.Mul(DD.Mul(new DD(TwoOverSqrtPiHi, TwoOverSqrtPiLo), DD.Of(ex, -ex * x2Err)), sum);
                return Math.CopySign(r.Hi + r.Lo, x);
            }
            // erfc(x) = exp(-x²)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated from the tail.
            double f = ax;
            for (int n = 120; n >= 1; n--) f = ax + n * 0.5 / f;
            double erfc = ex * (1 - x2Err) / (1.7724538509055160273 * f);
            return Math.CopySign(1.0 - erfc, x);
        }

        // A double-double number Hi + Lo with |Lo| at most half an ulp of Hi.
        private readonly record struct DD(double Hi, double Lo)
        {
            public static DD Of(double s, double e) { double h = s + e; return new DD(h, e - (h - s)); }

            public static DD Add(DD a, DD b)
            {
                double s = a.Hi + b.Hi, bb = s - a.Hi, e = (a.Hi - (s - bb)) + (b.Hi - bb);
                return Of(s, e + a.Lo + b.Lo);
            }

            public static DD Mul(DD a, DD b)
            {
                double p = a.Hi * b.Hi, e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
                return Of(p, e + a.Hi * b.Lo + a.Lo * b.Hi);
            }

            public static DD Div(DD a, double d)
            {
                double q = a.Hi / d, r = Math.FusedMultiplyAdd(-q, d, a.Hi) + a.Lo;
                return Of(q, r / d);
            }
        }
    }
}
