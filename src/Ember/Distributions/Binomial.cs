namespace Ember.Distributions;

/// <summary>
/// The number of successes in <see cref="TotalCount"/> Bernoulli trials of probability <see cref="Probs"/>
/// (<c>torch.distributions.Binomial(total_count=1, probs=None, logits=None)</c>).
/// </summary>
/// <remarks><see cref="Distribution.Sample"/> is PyTorch's CPU <c>torch.binomial</c> (BTRS or inversion, same draws): the same seed gives PyTorch's samples.</remarks>
public sealed class Binomial : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from a (broadcastable) count and exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (when validating) a count is not a non-negative integer or a probability lies outside [0, 1].</exception>
    public Binomial(Tensor? totalCount = null, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : this(BroadcastAll("Binomial", totalCount ?? 1.0, Geometric.ProbsOrLogits(probs, logits)), probs is not null, validateArgs) { }

    private Binomial(Tensor[] p, bool fromProbs, bool? validateArgs) : base(p[1].Shape, [], validateArgs)
    {
        TotalCount = p[0];
        _fromProbs = fromProbs;
        if (fromProbs) _probs = p[1]; else _logits = p[1];
        ValidateParameters();
    }

    /// <summary>The number of trials, as a float tensor of the parameter dtype.</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probability.</summary>
    public Tensor Probs => _probs ??= _logits!.Sigmoid();

    /// <summary>The log-odds of success.</summary>
    public Tensor Logits => _logits ??= Geometric.ProbsToLogits(_probs!);

    /// <inheritdoc/>
    public override Constraint Support => Constraint.IntegerInterval(0, TotalCount);
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        [("total_count", Constraint.NonNegativeInteger), _fromProbs ? ("probs", Constraint.UnitInterval) : ("logits", Constraint.Real)];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "total_count" ? TotalCount : _fromProbs ? _probs! : _logits!;
    /// <inheritdoc/>
    public override Tensor Mean => TotalCount * Probs;
    /// <inheritdoc/>
    public override Tensor Variance => TotalCount * Probs * (1 - Probs);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        int[] shape = ExtendedShape(sampleShape);
        return DiscreteSamplers.Binomial(TotalCount.Expand(shape), Probs.Expand(shape), generator);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var logFactorialN = (TotalCount + 1).Lgamma();
        var logFactorialK = (value + 1).Lgamma();
        var logFactorialNmk = (TotalCount - value + 1).Lgamma();
        // total_count · log(1 + exp(logits)) written stably (_clamp_by_zero).
        var clampByZero = (Logits.ClampMin(0.0) + Logits - Logits.ClampMax(0.0)) / 2;
        var normalize = TotalCount * clampByZero + TotalCount * (-Logits.Abs()).Exp().Log1p() - logFactorialN;
        return value * Logits - logFactorialK - logFactorialNmk - normalize;
    }

    /// <summary>The values 0 … total_count, of shape <c>[n + 1, 1, …]</c> (<c>enumerate_support(expand=False)</c>).</summary>
    /// <exception cref="NotSupportedException">The counts differ across the batch.</exception>
    internal Tensor EnumerateSupport()
    {
        double max, min;
        using (Autograd.NoGrad()) { max = TotalCount.Max().ToDouble(); min = TotalCount.Min().ToDouble(); }
        if (min != max) throw new NotSupportedException("Inhomogeneous total count not supported by `enumerate_support`.");
        int[] shape = [(int)max + 1, .. Enumerable.Repeat(1, BatchShape.Count)];
        return Tensor.Arange(0, (long)max + 1).To(Probs.DType).Reshape(shape);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The counts differ across the batch (as PyTorch).</exception>
    public override Tensor Entropy()
    {
        var logProb = LogProb(EnumerateSupport());
        return -(logProb.Exp() * logProb).Sum(0);
    }

    /// <inheritdoc/>
    public override Binomial Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(_fromProbs ? new Binomial(TotalCount.Expand(b), _probs!.Expand(b), validateArgs: false) : new Binomial(TotalCount.Expand(b), logits: _logits!.Expand(b), validateArgs: false));
    }

    /// <inheritdoc/>
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc/>
    public override Tensor EnumerateSupport(bool expand = true)
    {
        double max, min;
        using (Autograd.NoGrad()) { max = TotalCount.Max().ToDouble(); min = TotalCount.Min().ToDouble(); }
        long total = (long)max;
        if (min != total) throw new NotSupportedException("Inhomogeneous total count not supported by `enumerate_support`.");
        var values = Tensor.Arange(0, total + 1, dtype: Probs.DType, device: Probs.Device);
        return EnumerationShape(values, [], expand);
    }
}
