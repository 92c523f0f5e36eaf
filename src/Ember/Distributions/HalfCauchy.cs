namespace Ember.Distributions;

/// <summary>
/// The half-Cauchy distribution: |X| for X ~ Cauchy(0, <see cref="Scale"/>)
/// (<c>torch.distributions.HalfCauchy(scale)</c>), a <see cref="TransformedDistribution"/> through <see cref="AbsTransform"/>.
/// </summary>
/// <remarks>Samples are the Cauchy samples' absolute values: the same seed gives PyTorch's samples.</remarks>
public sealed class HalfCauchy : TransformedDistribution
{
    private static readonly (string, Constraint)[] Args = [("scale", Constraint.Positive)];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive.</exception>
    public HalfCauchy(Tensor scale, bool? validateArgs = null)
        : base(new Cauchy(0.0, scale, validateArgs: false), new AbsTransform(), validateArgs)
    {
        ValidateParameters();
    }

    private Cauchy Base => (Cauchy)BaseDist;
    /// <summary>The scale of the underlying Cauchy distribution.</summary>
    public Tensor Scale => Base.Scale;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegative;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Scale;
    /// <summary>Infinite, as PyTorch.</summary>
    public override Tensor Mean => FullLike(BatchShape.AsSpan(), double.PositiveInfinity, Scale);
    /// <summary>Infinite, as PyTorch.</summary>
    public override Tensor Variance => FullLike(BatchShape.AsSpan(), double.PositiveInfinity, Scale);

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var lp = Base.LogProb(value) + Math.Log(2);
        return Tensor.Where(value >= 0.0, lp, double.NegativeInfinity);
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return 2 * Base.Cdf(value) - 1;
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value) => Base.Icdf((value + 1) / 2);

    /// <inheritdoc/>
    public override Tensor Entropy() => Base.Entropy() - Math.Log(2);

    /// <inheritdoc/>
    public override HalfCauchy Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new HalfCauchy(Scale.Expand(b), false));
    }
}
