namespace Ember.Distributions;

/// <summary>
/// The normal (Gaussian) distribution with mean <see cref="Loc"/> and standard deviation
/// <see cref="Scale"/> (<c>torch.distributions.Normal(loc, scale)</c>).
/// </summary>
/// <remarks>
/// <see cref="Sample"/> and <see cref="RSample"/> fill <c>sampleShape + BatchShape</c> with
/// <see cref="Tensor.Normal_"/> and scale and shift it, as PyTorch's CPU code does, so the same seed
/// gives PyTorch's samples.
/// </remarks>
public sealed class Normal : Distribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; <paramref name="loc"/> and <paramref name="scale"/> broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">A scale is not positive or a loc is NaN (when validating), or the shapes do not broadcast.</exception>
    public Normal(Tensor loc, Tensor scale, bool? validateArgs = null) : this(BroadcastAll("Normal", loc, scale), validateArgs) { }

    private Normal(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Loc = p[0];
        Scale = p[1];
        ValidateParameters();
    }

    /// <summary>The mean (<c>loc</c>), broadcast to the batch shape.</summary>
    public Tensor Loc { get; }

    /// <summary>The standard deviation (<c>scale</c>), broadcast to the batch shape.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Constraint Support => Constraint.Real;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "loc" ? Loc : Scale;

    /// <inheritdoc/>
    public override Tensor Mean => Loc;

    /// <inheritdoc/>
    public override Tensor Stddev => Scale;

    /// <inheritdoc/>
    public override Tensor Variance => Scale.Pow(2);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        // torch.normal(loc.expand(shape), scale.expand(shape)): a standard normal fill, then mul_(std).add_(mean).
        using var _ = Autograd.NoGrad();
        return RSample(sampleShape, generator);
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        var eps = Tensor.Empty(ExtendedShape(sampleShape), Loc.DType, Loc.Device).Normal_(0, 1, generator);
        return Loc + eps * Scale;
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var variance = Scale.Pow(2);
        return -(value - Loc).Pow(2) / (2 * variance) - Scale.Log() - Math.Log(Math.Sqrt(2 * Math.PI));
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return 0.5 * (1 + ((value - Loc) * Scale.Reciprocal() / Math.Sqrt(2)).Erf());
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value) => Loc + Scale * (2 * value - 1).Erfinv() * Math.Sqrt(2);

    /// <inheritdoc/>
    public override Tensor Entropy() => 0.5 + 0.5 * Math.Log(2 * Math.PI) + Scale.Log();

    /// <inheritdoc/>
    public override Normal Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Normal(Loc.Expand(b), Scale.Expand(b), false));
    }
}
