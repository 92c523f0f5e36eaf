namespace Ember.Distributions;

/// <summary>
/// The continuous uniform distribution on the half-open interval [<see cref="Low"/>, <see cref="High"/>)
/// (<c>torch.distributions.Uniform(low, high)</c>).
/// </summary>
/// <remarks><see cref="RSample"/> is <c>low + torch.rand(shape) * (high - low)</c>: the same seed gives PyTorch's samples.</remarks>
public sealed class Uniform : Distribution
{
    private static readonly (string, Constraint)[] Args = [("low", Constraint.Real), ("high", Constraint.Real)];

    /// <summary>Creates the distribution; <paramref name="low"/> and <paramref name="high"/> broadcast to the batch shape.</summary>
    /// <exception cref="ArgumentException">(When validating) some low is not below its high.</exception>
    public Uniform(Tensor low, Tensor high, bool? validateArgs = null) : this(BroadcastAll("Uniform", low, high), validateArgs) { }

    private Uniform(Tensor[] p, bool? validateArgs) : base(p[0].Shape, [], validateArgs)
    {
        Low = p[0];
        High = p[1];
        if (ValidateArgs)
        {
            using var _ = Autograd.NoGrad();
            if (!Low.Lt(High).All().Item<bool>()) throw new ArgumentException("Uniform is not defined when low>= high");
        }
    }

    /// <summary>The lower bound (inclusive).</summary>
    public Tensor Low { get; }

    /// <summary>The upper bound (exclusive).</summary>
    public Tensor High { get; }

    /// <inheritdoc/>
    public override bool HasRSample => true;

    /// <inheritdoc/>
    public override Constraint Support => Constraint.HalfOpenInterval(Low, High);

    /// <summary>PyTorch's low and high are <c>dependent</c> constraints (only low &lt; high is checked); listed as real for printing.</summary>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "low" ? Low : High;

    /// <inheritdoc/>
    public override Tensor Mean => (High + Low) / 2;

    /// <inheritdoc/>
    public override Tensor Stddev => (High - Low) / Math.Pow(12, 0.5);

    /// <inheritdoc/>
    public override Tensor Variance => (High - Low).Pow(2) / 12;

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        var rand = Tensor.Rand(ExtendedShape(sampleShape), generator, Low.DType, Low.Device);
        return Low + rand * (High - Low);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var lb = Low.Le(value).To(Low.DType);
        var ub = High.Gt(value).To(Low.DType);
        return lb.Mul(ub).Log() - (High - Low).Log();
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return ((value - Low) / (High - Low)).Clamp(0.0, 1.0);
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value) => value * (High - Low) + Low;

    /// <inheritdoc/>
    public override Tensor Entropy() => (High - Low).Log();

    /// <inheritdoc/>
    public override Uniform Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Uniform(Low.Expand(b), High.Expand(b), false));
    }
}
