namespace Ember.Distributions;

/// <summary>
/// A categorical distribution over <c>0 .. K-1</c>, given by <c>probs</c> (non-negative,
/// normalised along the last dim) or by unnormalised log-probabilities <c>logits</c>
/// (<c>torch.distributions.Categorical(probs=None, logits=None)</c>). The last dim of the parameter
/// holds the K categories; the dims before it are the batch.
/// </summary>
/// <remarks>
/// <see cref="Sample"/> is PyTorch's <c>torch.multinomial(probs_2d, n, True).T</c> through
/// <see cref="Tensor.Multinomial(int, bool, Generator?)"/>, so the same seed gives PyTorch's samples.
/// </remarks>
public class Categorical : Distribution
{
    private readonly bool _fromProbs;
    private Tensor? _probs, _logits;

    /// <summary>Creates the distribution from exactly one of <paramref name="probs"/> or <paramref name="logits"/>.</summary>
    /// <exception cref="ArgumentException">Both or neither are given, the parameter is 0-d, or (when validating) it is not a simplex / not real.</exception>
    public Categorical(Tensor? probs = null, Tensor? logits = null, bool? validateArgs = null)
        : base(BatchOf(probs, logits), [], validateArgs)
    {
        if (probs is not null)
        {
            _fromProbs = true;
            var p = probs.DType.IsFloatingPoint() ? probs : probs.To(DTypes.DefaultFloat);
            _probs = p / p.Sum(-1, keepDim: true);
        }
        else
        {
            var l = logits!.DType.IsFloatingPoint() ? logits : logits.To(DTypes.DefaultFloat);
            _logits = l - l.LogSumExp(-1, keepDim: true);
        }
        NumEvents = Param.Shape[^1];
        ValidateParameters();
    }

    // expand: the normalised parameter as a view over the new batch shape, not normalised again.
    private Categorical(Categorical d, int[] batchShape) : base(batchShape, [], d.ValidateArgs)
    {
        _fromProbs = d._fromProbs;
        int[] shape = [.. batchShape, d.NumEvents];
        if (d._probs is not null) _probs = d._probs.Expand(shape);
        if (d._logits is not null) _logits = d._logits.Expand(shape);
        NumEvents = d.NumEvents;
    }

    private static int[] BatchOf(Tensor? probs, Tensor? logits)
    {
        if ((probs is null) == (logits is null))
            throw new ArgumentException("Either `probs` or `logits` must be specified, but not both.");
        var p = probs ?? logits!;
        if (p.NDim < 1)
            throw new ArgumentException($"`{(probs is null ? "logits" : "probs")}` parameter must be at least one-dimensional, got a tensor of shape {p.Shape}.");
        return p.Shape.ToArray()[..^1];
    }

    private Tensor Param => _fromProbs ? _probs! : _logits!;

    /// <summary>The number of categories K (<c>_num_events</c>).</summary>
    public int NumEvents { get; }

    /// <summary>The normalised probabilities, of shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Probs => _probs ??= _logits!.Softmax(-1);

    /// <summary>The normalised log-probabilities (log-softmax of the logits, or the log of clamped probabilities).</summary>
    public Tensor Logits => _logits ??= ClampProbs(_probs!).Log();

    /// <inheritdoc/>
    public override Constraint Support => Constraint.IntegerInterval(0, NumEvents - 1);

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints =>
        _fromProbs ? [("probs", Constraint.Simplex)] : [("logits", Constraint.Independent(Constraint.Real, 1))];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => Param;

    /// <summary>NaN, as PyTorch: a categorical label has no mean.</summary>
    public override Tensor Mean => Tensor.Full(BatchShape.AsSpan(), double.NaN, Probs.DType, Probs.Device);

    /// <summary>NaN, as PyTorch: a categorical label has no variance.</summary>
    public override Tensor Variance => Tensor.Full(BatchShape.AsSpan(), double.NaN, Probs.DType, Probs.Device);

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        sampleShape ??= [];
        long n = 1;
        foreach (int d in sampleShape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"Categorical.sample: sample shape {new Shape(sampleShape)} has too many elements.", nameof(sampleShape));
        var probs2d = Probs.Reshape(-1, NumEvents);
        var samples2d = probs2d.Multinomial((int)n, replacement: true, generator).T;
        return samples2d.Reshape(ExtendedShape(sampleShape));
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var v = value.Long().Unsqueeze(-1);
        int[] shape = Dims.Broadcast(v.Shape.AsSpan(), Logits.Shape.AsSpan(), "Categorical.log_prob");
        var logPmf = Logits.Expand(shape);
        // value[..., :1] of the broadcast pair: the labels over the broadcast batch, one per row.
        v = v.Expand([.. shape[..^1], 1]);
        return logPmf.Gather(-1, v).Squeeze(-1);
    }

    /// <inheritdoc/>
    public override Tensor Entropy()
    {
        var logits = Logits.ClampMin(Tensor.FInfo(Logits.DType).Min);
        return -(logits * Probs).Sum(-1);
    }

    /// <inheritdoc/>
    public override Categorical Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new Categorical(this, b));
    }

    /// <inheritdoc/>
    public override bool HasEnumerateSupport => true;

    /// <inheritdoc/>
    public override Tensor EnumerateSupport(bool expand = true)
    {
        var values = Tensor.Arange(0, NumEvents, dtype: DType.Int64, device: Probs.Device);
        return EnumerationShape(values, [], expand);
    }
}
