namespace Ember.Distributions;

/// <summary>The Laplace distribution with location <see cref="Loc"/> and scale <see cref="Scale"/> (<c>torch.distributions.Laplace(loc, scale)</c>).</summary>
/// <remarks><see cref="RSample"/> draws <c>uniform_(eps - 1, 1)</c> and inverts the CDF as PyTorch: the same seed gives PyTorch's samples.</remarks>
public sealed class Laplace : Distribution
{
    private static readonly (string, Constraint)[] Args = [("loc", Constraint.Real), ("scale", Constraint.Positive)];

    /// <summary>Creates the distribution; the parameters broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) a scale is not positive.</exception>
    public Laplace(Tensor loc, Tensor scale, bool? validateArgs = null) : this(BroadcastAll("Laplace", loc, scale), validateArgs) { }

    private Laplace(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Loc = p[0];
        Scale = p[1];
        ValidateParameters();
    }

    /// <summary>The location (mean and median).</summary>
    public Tensor Loc { get; }
    /// <summary>The scale b.</summary>
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
    public override Tensor Variance => 2 * Scale.Pow(2);
    /// <inheritdoc/>
    public override Tensor Stddev => Math.Sqrt(2) * Scale;

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        double eps = Tensor.FInfo(Loc.DType).Eps;
        var u = Tensor.Empty(ExtendedShape(sampleShape), Loc.DType, Loc.Device).Uniform_(eps - 1, 1, generator);
        return Loc - Scale * u.Sign() * (-u.Abs()).Log1p();
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return -(2 * Scale).Log() - (value - Loc).Abs() / Scale;
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return 0.5 - 0.5 * (value - Loc).Sign() * (-(value - Loc).Abs() / Scale).Expm1();
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value)
    {
        var term = value - 0.5;
        return Loc - Scale * term.Sign() * (-2 * term.Abs()).Log1p();
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => 1 + (2 * Scale).Log();

    /// <inheritdoc/>
    public override Laplace Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Laplace(Loc.Expand(b), Scale.Expand(b), false));
    }
}
