namespace Ember.Distributions;

/// <summary>
/// A categorical distribution whose samples are one-hot vectors of length K
/// (<c>torch.distributions.OneHotCategorical(probs=None, logits=None)</c>); event shape <c>[K]</c>.
/// </summary>
/// <remarks>Samples are the <see cref="Categorical"/> samples, one-hot encoded: the same seed gives PyTorch's samples.</remarks>
public sealed class OneHotCategorical : Distribution
{
    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Categorical"/>.</exception>
    public OneHotCategorical(Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : this(new Categorical(probs, logits, validateArgs), validateArgs) { }

    private OneHotCategorical(Categorical c, bool? validateArgs) : base(c.BatchShape, [c.NumEvents], validateArgs) => Categorical = c;

    /// <summary>The categorical distribution over indices that this one encodes.</summary>
    public Categorical Categorical { get; }

    /// <summary>The normalised probabilities.</summary>
    public Tensor Probs => Categorical.Probs;

    /// <summary>The normalised log-probabilities.</summary>
    public Tensor Logits => Categorical.Logits;

    /// <inheritdoc/>
    public override Constraint Support => Constraint.OneHot;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => Categorical.ArgConstraints;

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => name == "probs" ? Probs : Logits;

    /// <inheritdoc/>
    public override Tensor Mean => Probs;

    /// <inheritdoc/>
    public override Tensor Variance => Probs * (1 - Probs);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        var indices = Categorical.Sample(sampleShape, generator);
        int[] shape = [.. indices.Shape, Categorical.NumEvents];
        return Tensor.Zeros(shape, Probs.DType, Probs.Device).Scatter_(-1, indices.Unsqueeze(-1), 1.0);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        return Categorical.LogProb(value.ArgMax(-1));
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => Categorical.Entropy();

    /// <inheritdoc/>
    public override OneHotCategorical Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new OneHotCategorical(Categorical.Expand(b), false));
    }

    /// <inheritdoc/>
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc/>
    public override Tensor EnumerateSupport(bool expand = true)
    {
        int n = Categorical.NumEvents;
        var values = Tensor.Eye(n, dtype: Probs.DType);
        return EnumerationShape(values, [n], expand);
    }
}
