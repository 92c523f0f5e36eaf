using Ember.NN;

namespace Ember.Distributions;

/// <summary>
/// The Bernoulli distribution: 1 with probability <see cref="Probs"/>, else 0, given by
/// <c>probs</c> or by log-odds <c>logits</c>
/// (<c>torch.distributions.Bernoulli(probs=None, logits=None)</c>).
/// </summary>
/// <remarks><see cref="Sample"/> is <c>torch.bernoulli(probs.expand(shape))</c>: the same seed gives PyTorch's samples.</remarks>
public sealed class Bernoulli : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, or (when validating) a probability lies outside [0, 1].</exception>
    public Bernoulli(Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(Check(probs, logits).Shape, [], validateArgs)
    {
        if (probs is not null) { _fromProbs = true; _probs = BroadcastAll("Bernoulli", probs)[0]; }
        else _logits = BroadcastAll("Bernoulli", logits!)[0];
        ValidateParameters();
    }

    private static Tensor Check(Tensor? probs, Tensor? logits)
    {
        if ((probs is null) == (logits is null))
            throw new ArgumentException("Either `probs` or `logits` must be specified, but not both.");
        return probs ?? logits!;
    }

    /// <summary>The probability of 1, of the batch shape.</summary>
    public Tensor Probs => _probs ??= _logits!.Sigmoid();

    /// <summary>The log-odds <c>log(p) - log(1 - p)</c> (of probabilities clamped into [eps, 1 - eps]).</summary>
    public Tensor Logits
    {
        get
        {
            if (_logits is null)
            {
                var p = ClampProbs(_probs!);
                _logits = p.Log() - (-p).Log1p();
            }
            return _logits;
        }
    }

    /// <inheritdoc/>
    public override Constraint Support => Constraint.Boolean;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        _fromProbs ? [("probs", Constraint.UnitInterval)] : [("logits", Constraint.Real)];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => _fromProbs ? _probs! : _logits!;

    /// <inheritdoc/>
    public override Tensor Mean => Probs;

    /// <inheritdoc/>
    public override Tensor Variance => Probs * (1 - Probs);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        return Probs.Expand(ExtendedShape(sampleShape)).Bernoulli(generator);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var shape = Dims.Broadcast(Logits.Shape.AsSpan(), value.Shape.AsSpan(), "Bernoulli.log_prob");
        return -F.BinaryCrossEntropyWithLogits(Logits.Expand(shape), value.To(Logits.DType).Expand(shape), reduction: Reduction.None);
    }

    /// <inheritdoc/>
    public override Tensor Entropy() => F.BinaryCrossEntropyWithLogits(Logits, Probs, reduction: Reduction.None);

    /// <inheritdoc/>
    public override Bernoulli Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(_fromProbs ? new Bernoulli(_probs!.Expand(b), validateArgs: false) : new Bernoulli(logits: _logits!.Expand(b), validateArgs: false));
    }

    /// <inheritdoc/>
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc/>
    public override Tensor EnumerateSupport(bool expand = true)
    {
        var values = Tensor.Arange(0, 2, dtype: Probs.DType, device: Probs.Device);
        return EnumerationShape(values, [], expand);
    }
}
