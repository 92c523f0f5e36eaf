namespace Ember.Distributions;

/// <summary>
/// The Gumbel (type-I extreme value) distribution with location <see cref="Loc"/> and scale <see cref="Scale"/>
/// (<c>torch.distributions.Gumbel(loc, scale)</c>): as PyTorch, a <see cref="TransformedDistribution"/> of
/// <c>Uniform(tiny, 1 - eps)</c> through <c>-log</c>, <c>·(-1)</c>, <c>-log</c> and <c>loc - scale · x</c>.
/// </summary>
/// <remarks>Samples are the uniform's, transformed: the same seed gives PyTorch's samples.</remarks>
public sealed class Gumbel : TransformedDistribution
{
    private const double EulerGamma = 0.57721566490153286060;
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive.</exception>
    public Gumbel(Tensor loc, Tensor scale, bool? validateArgs = null) : this(BroadcastAll("Gumbel", loc, scale), validateArgs) { }

    private Gumbel(Tensor[] p, bool? validateArgs) : base(BaseUniform(p[0]),
        [new ExpTransform().Inv, new AffineTransform(0.0, -Tensor.OnesLike(p[1])), new ExpTransform().Inv, new AffineTransform(p[0], -p[1])], validateArgs)
    {
        Loc = p[0];
        Scale = p[1];
        ValidateParameters();
    }

    private static Uniform BaseUniform(Tensor loc)
    {
        var fi = Tensor.FInfo(loc.DType);
        return new Uniform(Tensor.FullLike(loc, fi.Tiny), Tensor.FullLike(loc, 1 - fi.Eps), validateArgs: false);
    }

    /// <summary>The location (mode).</summary>
    public Tensor Loc { get; }
    /// <summary>The scale.</summary>
    public Tensor Scale { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Scale;
    /// <inheritdoc/>
    public override Tensor Mean => Loc + Scale * EulerGamma;
    /// <inheritdoc/>
    public override Tensor Stddev => Math.PI / Math.Sqrt(6) * Scale;
    /// <inheritdoc/>
    public override Tensor Variance => Stddev.Pow(2);

    /// <summary>PyTorch's closed form, more accurate than inverting the transforms.</summary>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var y = (Loc - value) / Scale;
        return (y - y.Exp()) - Scale.Log();
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => Scale.Log() + (1 + EulerGamma);

    /// <inheritdoc/>
    public override Gumbel Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Gumbel(Loc.Expand(b), Scale.Expand(b), false));
    }
}
