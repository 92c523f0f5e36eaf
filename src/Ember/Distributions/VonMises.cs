namespace Ember.Distributions;

/// <summary>
/// The von Mises distribution on the circle, with mean direction <see cref="Loc"/> and concentration κ
/// (<c>torch.distributions.VonMises(loc, concentration)</c>); samples lie in [-π, π).
/// </summary>
/// <remarks>
/// <see cref="Distribution.Sample"/> is PyTorch's rejection sampler (Best and Fisher), drawing <c>rand((3,) + shape)</c> per
/// round until every element is accepted: the same seed gives PyTorch's samples (up to the last bit of
/// <c>acos</c>). The Bessel function I₀ in <see cref="LogProb"/> is PyTorch's polynomial approximation, so
/// log-densities equal PyTorch's (and are accurate to about 1e-7). No rsample, entropy or cdf, as PyTorch 1.13.
/// </remarks>
public sealed class VonMises : Distribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("concentration", Constraint.Positive)];
    private readonly Tensor _proposalR;

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a concentration is not positive.</exception>
    public VonMises(Tensor loc, Tensor concentration, bool? validateArgs = null) : this(BroadcastAll("VonMises", loc, concentration), validateArgs) { }

    private VonMises(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Loc = p[0];
        Concentration = p[1];
        var tau = 1 + (1 + 4 * Concentration.Pow(2)).Sqrt();
        var rho = (tau - (2 * tau).Sqrt()) / (2 * Concentration);
        _proposalR = (1 + rho.Pow(2)) / (2 * rho);
        ValidateParameters();
    }

    /// <summary>The mean direction (radians).</summary>
    public Tensor Loc { get; }
    /// <summary>The concentration κ.</summary>
    public Tensor Concentration { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Concentration;
    /// <inheritdoc/>
    public override VonMises Expand(int[] batchShape)
    {
        batchShape = CheckExpand(batchShape);
        return WithValidation(new VonMises([Loc.Expand(batchShape), Concentration.Expand(batchShape)], false));
    }

    /// <inheritdoc/>
    public override Tensor Mean => Loc;

    /// <summary>The circular variance <c>1 - I₁(κ)/I₀(κ)</c>, as PyTorch.</summary>
    public override Tensor Variance => 1 - (Bessel.LogI(Concentration, 1) - Bessel.LogI(Concentration, 0)).Exp();

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return Concentration * (value - Loc).Cos() - Math.Log(2 * Math.PI) - Bessel.LogI(Concentration, 0);
    }

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        int[] shape = ExtendedShape(sampleShape);
        var loc = Loc.Expand(shape);
        var conc = Concentration.Expand(shape);
        var r = _proposalR.Expand(shape);
        var x = Tensor.Zeros(shape, Loc.DType, Loc.Device);
        var done = Tensor.Zeros(shape, DType.Bool, Loc.Device);
        while (!done.All().Item<bool>())
        {
            var u = Tensor.Rand([3, .. shape], generator, Loc.DType, Loc.Device);
            var (u1, u2, u3) = (u.Select(0, 0), u.Select(0, 1), u.Select(0, 2));
            var z = (Math.PI * u1).Cos();
            var f = (1 + r * z) / (r + z);
            var c = conc * (r - f);
            var accept = (c * (2 - c) - u2).Gt(0.0).LogicalOr(((c / u2).Log() + 1 - c).Ge(0.0));
            if (accept.Any().Item<bool>())
            {
                x = Tensor.Where(accept, (u3 - 0.5).Sign() * Map(f, Math.Acos), x);
                done = done.LogicalOr(accept);
            }
        }
        // (x + π + loc) % 2π - π with Python's remainder (the sign of the divisor).
        return Map(x + Math.PI + loc, v => { double m = v % (2 * Math.PI); return m != 0 && m < 0 ? m + 2 * Math.PI : m; }) - Math.PI;
    }

    // An elementwise double function PyTorch has and Ember lacks as a tensor op (acos, remainder);
    // sampling only, so no gradient is needed.
    private static Tensor Map(Tensor t, Func<double, double> fn)
    {
        var c = t.Contiguous();
        if (c.DType == DType.Float32)
        {
            float[] a = c.ToArray<float>();
            for (int i = 0; i < a.Length; i++) a[i] = (float)fn(a[i]);
            return Tensor.From<float>(a, c.Shape.AsSpan(), c.Device);
        }
        double[] d = c.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < d.Length; i++) d[i] = fn(d[i]);
        return Tensor.From<double>(d, c.Shape.AsSpan(), c.Device).To(t.DType);
    }
}

// log I₀ and log I₁ by PyTorch's polynomial approximations (_log_modified_bessel_fn, Abramowitz and Stegun 9.8.1-4).
internal static class Bessel
{
    private static readonly double[][] Small =
    [
        [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2],
        [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3],
    ];
    private static readonly double[][] Large =
    [
        [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2],
        [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2],
    ];

    private static Tensor EvalPoly(Tensor y, double[] coef)
    {
        Tensor result = coef[^1];
        for (int i = coef.Length - 2; i >= 0; i--) result = coef[i] + y * result;
        return result;
    }

    public static Tensor LogI(Tensor x, int order)
    {
        var y = x / 3.75;
        y = y * y;
        var small = EvalPoly(y, Small[order]);
        if (order == 1) small = x.Abs() * small;
        small = small.Log();
        var large = x - 0.5 * x.Log() + EvalPoly(3.75 / x, Large[order]).Log();
        return Tensor.Where(x.Lt(3.75), small, large);
    }
}
