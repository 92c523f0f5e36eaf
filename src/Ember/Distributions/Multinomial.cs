namespace Ember.Distributions;

/// <summary>
/// Counts of <see cref="TotalCount"/> draws from a categorical distribution, as vectors of length K
/// (<c>torch.distributions.Multinomial(total_count=1, probs=None, logits=None)</c>); event shape <c>[K]</c>.
/// </summary>
/// <remarks>
/// <see cref="Distribution.Sample"/> draws <c>total_count</c> categorical samples and counts them, as PyTorch, so the
/// same seed gives PyTorch's samples. <see cref="LogProb"/> does not need <c>total_count</c>, so, as in
/// PyTorch, a distribution for scoring counts of any total can be built with the default count of 1 and
/// <c>validateArgs: false</c>.
/// </remarks>
public sealed class Multinomial : Distribution
{
    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/> (last dim: the K categories).</summary>
    /// <exception cref="ArgumentException">Both or neither are given, <paramref name="totalCount"/> is negative, or the parameter is invalid as for <see cref="Categorical"/>.</exception>
    public Multinomial(int totalCount = 1, Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : this(totalCount, new Categorical(probs, logits, validateArgs), validateArgs) { }

    private Multinomial(int totalCount, Categorical c, bool? validateArgs) : base(c.BatchShape, [c.NumEvents], validateArgs)
    {
        if (totalCount < 0) throw new ArgumentException($"Multinomial: total_count must be non-negative, got {totalCount}.", nameof(totalCount));
        TotalCount = totalCount;
        Categorical = c;
    }

    /// <summary>The number of draws.</summary>
    public int TotalCount { get; }
    /// <summary>The categorical distribution the draws come from.</summary>
    public Categorical Categorical { get; }
    /// <summary>The normalised probabilities.</summary>
    public Tensor Probs => Categorical.Probs;
    /// <summary>The normalised log-probabilities.</summary>
    public Tensor Logits => Categorical.Logits;
    /// <inheritdoc/>
    public override Constraint Support => Constraint.MultinomialCounts(TotalCount);
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Categorical.ArgConstraints;
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "probs" ? Probs : Logits;
    /// <inheritdoc/>
    public override Tensor Mean => Probs * TotalCount;
    /// <inheritdoc/>
    public override Tensor Variance => TotalCount * Probs * (1 - Probs);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        sampleShape ??= [];
        var samples = Categorical.Sample([TotalCount, .. sampleShape], generator);
        // Move the draw dim last, then count each category along it.
        int nd = samples.NDim;
        samples = samples.Permute([.. Enumerable.Range(1, nd - 1), 0]);
        var counts = Tensor.Zeros(ExtendedShape(sampleShape), DType.Int64, Probs.Device);
        counts = counts.ScatterAdd(-1, samples, Tensor.OnesLike(samples));
        return counts.To(Probs.DType);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var p = BroadcastAll("Multinomial.log_prob", Logits, value);
        var logits = p[0];
        value = p[1];
        var logFactorialN = (value.Sum(-1) + 1).Lgamma();
        var logFactorialXs = (value + 1).Lgamma().Sum(-1);
        // logits[(value == 0) & (logits == -inf)] = 0: categories of probability 0 drawn 0 times contribute nothing.
        logits = Tensor.Where(value.Eq(0.0).LogicalAnd(logits.Eq(double.NegativeInfinity)), 0.0, logits);
        var logPowers = (logits * value).Sum(-1);
        return logFactorialN - logFactorialXs + logPowers;
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var binomial = new Binomial(TotalCount, Probs, validateArgs: false);
        double n = TotalCount;
        // PyTorch computes lgamma(torch.tensor(n) + 1) on an integer tensor, i.e. in float32; so does Ember.
        var term1 = n * Categorical.Entropy() - (double)(float)GammaMathLgamma(n + 1);
        var support = binomial.EnumerateSupport().Narrow(0, 1, TotalCount);
        var binomialProbs = binomial.LogProb(support).Exp();
        var weights = (support + 1).Lgamma();
        return term1 + (binomialProbs * weights).Sum([0, -1]);
    }

    private static double GammaMathLgamma(double x) => Tensor.GammaMath.Lgamma(x);

    /// <inheritdoc/>
    public override Multinomial Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Multinomial(TotalCount, Categorical.Expand(b), false));
    }
}
