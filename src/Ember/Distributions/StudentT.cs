namespace Ember.Distributions;

/// <summary>
/// Student's t distribution with <see cref="Df"/> degrees of freedom, location <see cref="Loc"/> and
/// scale <see cref="Scale"/> (<c>torch.distributions.StudentT(df, loc=0.0, scale=1.0)</c>).
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is PyTorch's <c>loc + scale · X · rsqrt(Z / df)</c> with X a <c>normal_</c> fill
/// and Z a (reparameterized) chi-squared sample drawn after it: the same seed gives PyTorch's samples.
/// </remarks>
public sealed class StudentT : Distribution
{
    private static readonly (string, Constraint)[] Args = [("df", Constraint.Positive), ("loc", Constraint.Real), ("scale", Constraint.Positive)];
    private readonly Chi2 _chi2;

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) df or scale is not positive.</exception>
    public StudentT(Tensor df, Tensor? loc = null, Tensor? scale = null, bool? validateArgs = null)
        : this(BroadcastAll("StudentT", df, loc ?? 0.0, scale ?? 1.0), validateArgs) { }

    private StudentT(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Df = p[0];
        Loc = p[1];
        Scale = p[2];
        ValidateParameters();
        _chi2 = new Chi2(Df, validateArgs: false);
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Tensor Df { get; }
    /// <summary>The location.</summary>
    public Tensor Loc { get; }
    /// <summary>The scale.</summary>
    public Tensor Scale { get; }
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "df" ? Df : name == "loc" ? Loc : Scale;

    /// <summary>The location where df &gt; 1, NaN elsewhere (as PyTorch).</summary>
    public override Tensor Mean => Tensor.Where(Df <= 1.0, double.NaN, Loc);

    /// <summary>scale² · df / (df - 2) where df &gt; 2, infinite for 1 &lt; df ≤ 2, NaN for df ≤ 1 (as PyTorch).</summary>
    public override Tensor Variance
    {
        get
        {
            var v = Scale.Pow(2) * Df / (Df - 2);
            v = Tensor.Where(Df <= 2.0, double.PositiveInfinity, v);
            return Tensor.Where(Df <= 1.0, double.NaN, v);
        }
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        var x = Tensor.Empty(ExtendedShape(sampleShape), Df.DType, Df.Device).Normal_(0, 1, generator);
        var z = _chi2.RSample(sampleShape, generator);
        var y = x * (z / Df).Rsqrt();
        return Loc + Scale * y;
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var y = (value - Loc) / Scale;
        var z = Scale.Log() + 0.5 * Df.Log() + 0.5 * Math.Log(Math.PI) + (0.5 * Df).Lgamma() - (0.5 * (Df + 1.0)).Lgamma();
        return -0.5 * (Df + 1.0) * (y.Pow(2) / Df).Log1p() - z;
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var lbeta = (0.5 * Df).Lgamma() + Tensor.GammaMath.Lgamma(0.5) - (0.5 * (Df + 1)).Lgamma();
        return Scale.Log() + 0.5 * (Df + 1) * ((0.5 * (Df + 1)).Digamma() - (0.5 * Df).Digamma()) + 0.5 * Df.Log() + lbeta;
    }

    /// <inheritdoc/>
    public override StudentT Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new StudentT(Df.Expand(b), Loc.Expand(b), Scale.Expand(b), false));
    }
}
