namespace Ember.Distributions;

/// <summary>
/// The Pareto type-I distribution with minimum <see cref="Scale"/> and tail index <see cref="Alpha"/>
/// (<c>torch.distributions.Pareto(scale, alpha)</c>): as PyTorch, <c>scale · exp(X)</c> for
/// X ~ <see cref="Exponential"/>(alpha), a <see cref="TransformedDistribution"/>.
/// </summary>
/// <remarks>Samples are the exponential's, transformed: the same seed gives PyTorch's samples.</remarks>
public sealed class Pareto : TransformedDistribution
{
    private static readonly (string, Constraint)[] Args = [("alpha", Constraint.Positive), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a parameter is not positive.</exception>
    public Pareto(Tensor scale, Tensor alpha, bool? validateArgs = null) : this(BroadcastAll("Pareto", scale, alpha), validateArgs) { }

    private Pareto(Tensor[] p, bool? validateArgs)
        : base(new Exponential(p[1], validateArgs), [new ExpTransform(), new AffineTransform(0.0, p[0])], validateArgs)
    {
        Scale = p[0];
        Alpha = p[1];
        ValidateParameters();
    }

    /// <summary>The minimum value.</summary>
    public Tensor Scale { get; }
    /// <summary>The tail index α.</summary>
    public Tensor Alpha { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.GreaterThanEq(Scale);
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "scale" ? Scale : Alpha;

    /// <summary>α · scale / (α - 1), infinite for α ≤ 1 (α clamped to 1, as PyTorch).</summary>
    public override Tensor Mean
    {
        get
        {
            var a = Alpha.ClampMin(1.0);
            return a * Scale / (a - 1);
        }
    }

    /// <summary>scale² α / ((α - 1)² (α - 2)), infinite for α ≤ 2 (α clamped to 2, as PyTorch).</summary>
    public override Tensor Variance
    {
        get
        {
            var a = Alpha.ClampMin(2.0);
            return Scale.Pow(2) * a / ((a - 1).Pow(2) * (a - 2));
        }
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => (Scale / Alpha).Log() + (1 + Alpha.Reciprocal());

    /// <inheritdoc/>
    public override Pareto Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Pareto(Scale.Expand(b), Alpha.Expand(b), false));
    }
}
