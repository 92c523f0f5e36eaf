namespace Ember.Distributions;

/// <summary>
/// The log-normal distribution: exp of a <see cref="Normal"/>(<see cref="Loc"/>, <see cref="Scale"/>)
/// (<c>torch.distributions.LogNormal(loc, scale)</c>), a <see cref="TransformedDistribution"/> through <see cref="ExpTransform"/>.
/// </summary>
/// <remarks>Samples are the normal's, exponentiated: the same seed gives PyTorch's samples.</remarks>
public sealed class LogNormal : TransformedDistribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive (reported by the base <see cref="Normal"/>, as PyTorch).</exception>
    public LogNormal(Tensor loc, Tensor scale, bool? validateArgs = null)
        : base(new Normal(loc, scale, validateArgs), new ExpTransform(), validateArgs) { }

    private Normal Base => (Normal)BaseDist;
    /// <summary>The mean of the log.</summary>
    public Tensor Loc => Base.Loc;
    /// <summary>The standard deviation of the log.</summary>
    public Tensor Scale => Base.Scale;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Positive;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Scale;
    /// <inheritdoc/>
    public override Tensor Mean => (Loc + Scale.Pow(2) / 2).Exp();
    /// <inheritdoc/>
    public override Tensor Variance => Scale.Pow(2).Expm1() * (2 * Loc + Scale.Pow(2)).Exp();
    /// <inheritdoc/>
    public override Tensor Entropy() => Base.Entropy() + Loc;

    /// <inheritdoc/>
    public override LogNormal Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new LogNormal(Loc.Expand(b), Scale.Expand(b), false));
    }
}
