namespace Ember.Distributions;

/// <summary>
/// The half-normal distribution: |X| for X ~ Normal(0, <see cref="Scale"/>)
/// (<c>torch.distributions.HalfNormal(scale)</c>), a <see cref="TransformedDistribution"/> through <see cref="AbsTransform"/>.
/// </summary>
/// <remarks>Samples are the normal's absolute values: the same seed gives PyTorch's samples.</remarks>
public sealed class HalfNormal : TransformedDistribution
{
    private static readonly (string, Constraint)[] Args = [("scale", Constraint.Positive)];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive.</exception>
    public HalfNormal(Tensor scale, bool? validateArgs = null)
        : base(new Normal(0.0, scale, validateArgs: false), new AbsTransform(), validateArgs)
    {
        ValidateParameters();
    }

    private Normal Base => (Normal)BaseDist;
    /// <summary>The scale of the underlying normal.</summary>
    public Tensor Scale => Base.Scale;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegative;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Scale;
    /// <inheritdoc/>
    public override Tensor Mean => Scale * Math.Sqrt(2 / Math.PI);
    /// <inheritdoc/>
    public override Tensor Variance => Scale.Pow(2) * (1 - 2 / Math.PI);

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
    public override HalfNormal Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new HalfNormal(Scale.Expand(b), false));
    }
}
