namespace Ember.Distributions;

/// <summary>
/// The Fisher-Snedecor (F) distribution with <see cref="Df1"/> and <see cref="Df2"/> degrees of freedom
/// (<c>torch.distributions.FisherSnedecor(df1, df2)</c>).
/// </summary>
/// <remarks>
/// <see cref="RSample"/> is the ratio of two <see cref="Gamma"/> draws (<c>Gamma(df1/2, df1)</c>, then
/// <c>Gamma(df2/2, df2)</c>), as PyTorch: the same seed gives PyTorch's samples, and gradients flow
/// through the gammas' reparameterization.
/// </remarks>
public sealed class FisherSnedecor : Distribution
{
    private static readonly (string, Constraint)[] Args = [("df1", Constraint.Positive), ("df2", Constraint.Positive)];
    private readonly Gamma _gamma1, _gamma2;

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public FisherSnedecor(Tensor df1, Tensor df2, bool? validateArgs = null) : this(BroadcastAll("FisherSnedecor", df1, df2), validateArgs) { }

    private FisherSnedecor(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Df1 = p[0];
        Df2 = p[1];
        ValidateParameters();
        _gamma1 = new Gamma(Df1 * 0.5, Df1, validateArgs: false);
        _gamma2 = new Gamma(Df2 * 0.5, Df2, validateArgs: false);
    }

    /// <summary>The numerator's degrees of freedom.</summary>
    public Tensor Df1 { get; }
    /// <summary>The denominator's degrees of freedom.</summary>
    public Tensor Df2 { get; }
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Positive;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "df1" ? Df1 : Df2;
    /// <inheritdoc/>
    public override FisherSnedecor Expand(int[] batchShape)
    {
        batchShape = CheckExpand(batchShape);
        return WithValidation(new FisherSnedecor([Df1.Expand(batchShape), Df2.Expand(batchShape)], false));
    }

    /// <summary>df2 / (df2 - 2), NaN where df2 ≤ 2.</summary>
    public override Tensor Mean
    {
        get
        {
            var df2 = Tensor.Where(Df2.Le(2.0), double.NaN, Df2);
            return df2 / (df2 - 2);
        }
    }

    /// <summary>NaN where df2 ≤ 4, as PyTorch.</summary>
    public override Tensor Variance
    {
        get
        {
            var df2 = Tensor.Where(Df2.Le(4.0), double.NaN, Df2);
            return 2 * df2.Pow(2) * (Df1 + df2 - 2) / (Df1 * (df2 - 2).Pow(2) * (df2 - 4));
        }
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        int[] shape = ExtendedShape(sampleShape);
        var x1 = _gamma1.RSample(sampleShape, generator).View(shape);
        var x2 = _gamma2.RSample(sampleShape, generator).View(shape);
        double tiny = Tensor.FInfo(x2.DType).Tiny;
        // PyTorch clamps in place (X2.clamp_(min=tiny)), which autograd records as a clamp.
        x2 = x2.ClampMin(tiny);
        return (x1 / x2).ClampMin(tiny);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var ct1 = Df1 * 0.5;
        var ct2 = Df2 * 0.5;
        var ct3 = Df1 / Df2;
        var t1 = (ct1 + ct2).Lgamma() - ct1.Lgamma() - ct2.Lgamma();
        var t2 = ct1 * ct3.Log() + (ct1 - 1) * value.Log();
        var t3 = (ct1 + ct2) * (ct3 * value).Log1p();
        return t1 + t2 - t3;
    }
}
