namespace Ember.Distributions;

/// <summary>The Poisson distribution with rate λ (<c>torch.distributions.Poisson(rate)</c>) over 0, 1, 2, ….</summary>
/// <remarks><see cref="Distribution.Sample"/> is PyTorch's CPU <c>torch.poisson</c> (same algorithm, same draws): the same seed gives PyTorch's samples.</remarks>
public sealed class Poisson : Distribution
{
    private static readonly (string, Constraint)[] Args = [("rate", Constraint.NonNegative)];

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">(When validating) a rate is negative.</exception>
    public Poisson(Tensor rate, bool? validateArgs = null) : this(BroadcastAll("Poisson", rate)[0], validateArgs, 0) { }

    private Poisson(Tensor rate, bool? validateArgs, int _) : base(rate.Shape, [], validateArgs)
    {
        Rate = rate;
        ValidateParameters();
    }

    /// <summary>The rate λ (mean and variance).</summary>
    public Tensor Rate { get; }
    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegativeInteger;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Args;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Rate;
    /// <inheritdoc/>
    public override Tensor Mean => Rate;
    /// <inheritdoc/>
    public override Tensor Variance => Rate;

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        return DiscreteSamplers.Poisson(Rate.Expand(ExtendedShape(sampleShape)), generator);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var p = BroadcastAll("Poisson.log_prob", Rate, value);
        return Gamma.Xlogy(p[1], p[0]) - p[0] - (p[1] + 1).Lgamma();
    }

    /// <inheritdoc/>
    public override Poisson Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Poisson(Rate.Expand(b), false));
    }
}
