using Ember.NN;

namespace Ember.Distributions;

/// <summary>
/// The number of successes before <see cref="TotalCount"/> failures in Bernoulli trials of success
/// probability <see cref="Probs"/> (<c>torch.distributions.NegativeBinomial(total_count, probs=None, logits=None)</c>).
/// </summary>
/// <remarks>
/// <see cref="Distribution.Sample"/> is PyTorch's gamma-Poisson mixture (a <see cref="Gamma"/> sample as the rate of
/// <c>torch.poisson</c>) with PyTorch's samplers: the same seed gives PyTorch's samples.
/// </remarks>
public sealed class NegativeBinomial : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from a (broadcastable) count and exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (when validating) a count is negative or a probability lies outside [0, 1).</exception>
    public NegativeBinomial(Tensor totalCount, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : this(BroadcastAll("NegativeBinomial", totalCount, Geometric.ProbsOrLogits(probs, logits)), probs is not null, validateArgs) { }

    private NegativeBinomial(Tensor[] p, bool fromProbs, bool? validateArgs) : base(p[1].Shape, [], validateArgs)
    {
        TotalCount = p[0];
        _fromProbs = fromProbs;
        if (fromProbs) _probs = p[1]; else _logits = p[1];
        ValidateParameters();
    }

    /// <summary>The number of failures that ends the trials (need not be an integer).</summary>
    public Tensor TotalCount { get; }
    /// <summary>The success probability.</summary>
    public Tensor Probs => _probs ??= _logits!.Sigmoid();
    /// <summary>The log-odds of success.</summary>
    public Tensor Logits => _logits ??= Geometric.ProbsToLogits(_probs!);

    private static readonly Constraint ProbsConstraint = Constraint.HalfOpenInterval(0.0, 1.0);

    /// <inheritdoc/>
    public override Constraint Support => Constraint.NonNegativeInteger;
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        [("total_count", Constraint.NonNegative), _fromProbs ? ("probs", ProbsConstraint) : ("logits", Constraint.Real)];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "total_count" ? TotalCount : _fromProbs ? _probs! : _logits!;
    /// <inheritdoc/>
    public override Tensor Mean => TotalCount * Logits.Exp();
    /// <inheritdoc/>
    public override Tensor Variance => Mean / (-Logits).Sigmoid();

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        var rate = new Gamma(TotalCount, (-Logits).Exp(), validateArgs: false).Sample(sampleShape, generator);
        return DiscreteSamplers.Poisson(rate, generator);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var logUnnormalized = TotalCount * -F.Softplus(Logits) + value * -F.Softplus(-Logits);
        var logNormalization = -(TotalCount + value).Lgamma() + (1.0 + value).Lgamma() + TotalCount.Lgamma();
        logNormalization = Tensor.Where((TotalCount + value).Eq(0.0), 0.0, logNormalization);
        return logUnnormalized - logNormalization;
    }

    /// <inheritdoc/>
    public override NegativeBinomial Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(_fromProbs ? new NegativeBinomial(TotalCount.Expand(b), _probs!.Expand(b), validateArgs: false) : new NegativeBinomial(TotalCount.Expand(b), logits: _logits!.Expand(b), validateArgs: false));
    }
}
