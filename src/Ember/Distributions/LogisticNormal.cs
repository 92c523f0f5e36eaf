namespace Ember.Distributions;

/// <summary>
/// The logistic-normal distribution on the simplex (<c>torch.distributions.LogisticNormal(loc, scale)</c>):
/// a <see cref="Normal"/> over K-1 reals (made <see cref="Independent"/>) through <see cref="StickBreakingTransform"/>;
/// event shape <c>[K]</c>.
/// </summary>
/// <remarks>Samples are the normal's, stick-broken: the same seed gives PyTorch's samples; reparameterized.</remarks>
public sealed class LogisticNormal : TransformedDistribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; <paramref name="loc"/> and <paramref name="scale"/> broadcast, their last dim holding K-1 values (a scalar pair gives K = 2).</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive (reported by the base <see cref="Normal"/>).</exception>
    public LogisticNormal(Tensor loc, Tensor scale, bool? validateArgs = null)
        : base(AtLeast1d(new Normal(loc, scale, validateArgs)), new StickBreakingTransform(), validateArgs) { }

    private LogisticNormal(Distribution expandedBase, bool validateArgs) : base(expandedBase, new StickBreakingTransform(), validateArgs) { }

    private static Distribution AtLeast1d(Normal n) => n.BatchShape.Count == 0 ? n.Expand([1]) : n;

    private Normal Base => (Normal)((Independent)BaseDist).BaseDist;
    /// <summary>The mean of the normal before stick-breaking.</summary>
    public Tensor Loc => Base.Loc;
    /// <summary>The standard deviation of the normal before stick-breaking.</summary>
    public Tensor Scale => Base.Scale;
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Simplex;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Scale;
    /// <inheritdoc/>
    public override LogisticNormal Expand(int[] batchShape) => new(ExpandBase(CheckExpand(batchShape)), ValidateArgs);
}
