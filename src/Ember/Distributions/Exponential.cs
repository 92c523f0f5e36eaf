namespace Ember.Distributions;

/// <summary>The exponential distribution with rate λ (<c>torch.distributions.Exponential(rate)</c>).</summary>
/// <remarks><see cref="RSample"/> is <c>exponential_()</c> of the sample shape divided by the rate: the same seed gives PyTorch's samples.</remarks>
public sealed class Exponential : Distribution
{
    private static readonly (string, Constraint)[] Args = [("rate", Constraint.Positive)];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">(When validating) a rate is not positive.</exception>
    public Exponential(Tensor rate, bool? validateArgs = null) : this(BroadcastAll("Exponential", rate)[0], validateArgs, 0) { }

    private Exponential(Tensor rate, bool? validateArgs, int _) : base(rate.Shape, [], validateArgs)
    {
        Rate = rate;
        ValidateParameters();
    }

    /// <summary>The rate λ.</summary>
    public Tensor Rate { get; }
    /// <inheritdoc/>
    public override bool HasRSample => true;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegative;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Rate;
    /// <inheritdoc/>
    public override Tensor Mean => Rate.Reciprocal();
    /// <inheritdoc/>
    public override Tensor Stddev => Rate.Reciprocal();
    /// <inheritdoc/>
    public override Tensor Variance => Rate.Pow(-2);

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null) =>
        Tensor.Empty(ExtendedShape(sampleShape), Rate.DType, Rate.Device).Exponential_(1, generator) / Rate;

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return Rate.Log() - Rate * value;
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        ValidateSample(value);
        return 1 - (-Rate * value).Exp();
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value) => -(-value).Log1p() / Rate;

    /// <inheritdoc/>
    public override Tensor Entropy() => 1.0 - Rate.Log();

    /// <inheritdoc/>
    public override Exponential Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Exponential(Rate.Expand(b), false));
    }
}
