namespace Ember.Distributions;

/// <summary>The Cauchy (Lorentz) distribution with location <see cref="Loc"/> and scale <see cref="Scale"/> (<c>torch.distributions.Cauchy(loc, scale)</c>).</summary>
/// <remarks>
/// <see cref="RSample"/> fills the sample shape as PyTorch's CPU <c>cauchy_()</c> does (one 53-bit uniform
/// double u per element, <c>tan(π(u - 0.5))</c>) and scales it: the same seed gives PyTorch's samples.
/// The mean is NaN and the variance infinite, as in PyTorch.
/// </remarks>
public sealed class Cauchy : Distribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive.</exception>
    public Cauchy(Tensor loc, Tensor scale, bool? validateArgs = null) : this(BroadcastAll("Cauchy", loc, scale), validateArgs) { }

    private Cauchy(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Loc = p[0];
        Scale = p[1];
        ValidateParameters();
    }

    /// <summary>The location (median).</summary>
    public Tensor Loc { get; }
    /// <summary>The scale (half width at half maximum).</summary>
    public Tensor Scale { get; }
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Scale;
    /// <summary>NaN, as PyTorch: the Cauchy distribution has no mean.</summary>
    public override Tensor Mean => FullLike(BatchShape.AsSpan(), double.NaN, Loc);
    /// <summary>Infinite, as PyTorch.</summary>
    public override Tensor Variance => FullLike(BatchShape.AsSpan(), double.PositiveInfinity, Loc);

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        Loc + DiscreteSamplers.StandardCauchy(ExtendedShape(sampleShape), Loc.DType, generator) * Scale;

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return -Math.Log(Math.PI) - Scale.Log() - ((value - Loc) / Scale).Pow(2).Log1p();
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return ((value - Loc) / Scale).Atan() / Math.PI + 0.5;
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value) => (Math.PI * (value - 0.5)).Tan() * Scale + Loc;

    /// <inheritdoc/>
    public override Tensor Entropy() => Math.Log(4 * Math.PI) + Scale.Log();

    /// <inheritdoc/>
    public override Cauchy Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Cauchy(Loc.Expand(b), Scale.Expand(b), false));
    }
}
