namespace Ember.Distributions;

/// <summary>
/// A base distribution pushed through a list of transforms (<c>torch.distributions.TransformedDistribution(base, transforms)</c>):
/// samples are <c>tₙ(…t₁(x))</c> for x from the base; <see cref="LogProb"/> inverts the transforms and
/// subtracts their log-determinants. <see cref="LogNormal"/>, <see cref="HalfNormal"/>, <see cref="Gumbel"/>,
/// <see cref="Pareto"/> and <see cref="Weibull"/> are built this way, as in PyTorch.
/// </summary>
/// <remarks>Samples are the base distribution's, transformed: the same seed gives PyTorch's samples whenever the base's do.</remarks>
public class TransformedDistribution : Distribution
{
    private readonly Transform[] _transforms;

    /// <summary>Creates the distribution.</summary>
    /// <exception cref="ArgumentException">The base distribution has fewer dims than the transforms' domain event rank.</exception>
    public TransformedDistribution(Distribution baseDistribution, IReadOnlyList<Transform> transforms, bool? validateArgs = null)
        : this(Prepare(baseDistribution, transforms, out var batch, out var ev, out var ts), ts, batch, ev, validateArgs) { }

    /// <summary>Creates the distribution with a single transform.</summary>
    public TransformedDistribution(Distribution baseDistribution, Transform transform, bool? validateArgs = null)
        : this(baseDistribution, [transform], validateArgs) { }

    private TransformedDistribution(Distribution baseDist, Transform[] transforms, int[] batch, int[] ev, bool? validateArgs)
        : base(batch, ev, validateArgs)
    {
        BaseDist = baseDist;
        _transforms = transforms;
    }

    private static Distribution Prepare(Distribution d, IReadOnlyList<Transform> transforms, out int[] batch, out int[] ev, out Transform[] ts)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(transforms);
        ts = [.. transforms];
        var t = new ComposeTransform(ts);
        int[] baseShape = [.. d.BatchShape, .. d.EventShape];
        int baseEventDim = d.EventShape.Count;
        int domainEventDim = t.Domain.EventDim;
        if (baseShape.Length < domainEventDim)
            throw new ArgumentException($"base_distribution needs to have shape with size at least {domainEventDim}, but got {new Shape(baseShape)}.");
        int[] forward = t.ForwardShape(baseShape);
        int reinterpreted = domainEventDim - baseEventDim;
        if (reinterpreted > 0) d = new Independent(d, reinterpreted);
        int eventDim = Math.Max(t.Codomain.EventDim, baseEventDim + t.Codomain.EventDim - domainEventDim);
        int cut = forward.Length - eventDim;
        batch = forward[..cut];
        ev = forward[cut..];
        return d;
    }

    /// <summary>The distribution before the transforms (<c>base_dist</c>), made <see cref="Independent"/> where the transforms need more event dims.</summary>
    public Distribution BaseDist { get; }

    /// <summary>The transforms, applied in order (<c>transforms</c>).</summary>
    public IReadOnlyList<Transform> Transforms => _transforms;

    /// <inheritdoc/>
    public override bool HasRSample => BaseDist.HasRSample;

    /// <inheritdoc/>
    public override Constraint Support
    {
        get
        {
            if (_transforms.Length == 0) return BaseDist.Support;
            var support = _transforms[^1].Codomain;
            return EventShape.Count > support.EventDim ? Constraint.Independent(support, EventShape.Count - support.EventDim) : support;
        }
    }

    /// <summary>Empty, as PyTorch's: the base distribution validated its own parameters.</summary>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => [];

    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => throw new KeyNotFoundException(name);

    /// <inheritdoc/>
    public override TransformedDistribution Expand(int[] batchShape) =>
        WithValidation(new TransformedDistribution(ExpandBase(CheckExpand(batchShape)), _transforms, false));

    /// <summary>The base distribution expanded so that the transformed batch shape becomes <paramref name="batchShape"/> (as PyTorch's <c>expand</c>, through each transform's <c>inverse_shape</c>).</summary>
    protected Distribution ExpandBase(int[] batchShape)
    {
        int[] shape = [.. batchShape, .. EventShape];
        for (int i = _transforms.Length - 1; i >= 0; i--) shape = _transforms[i].InverseShape(shape);
        return BaseDist.Expand(shape[..(shape.Length - BaseDist.EventShape.Count)]);
    }

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        var x = BaseDist.Sample(sampleShape, generator);
        foreach (var t in _transforms) x = t.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override Tensor RSample(int[]? sampleShape = null, Generator? generator = null)
    {
        var x = BaseDist.RSample(sampleShape, generator);
        foreach (var t in _transforms) x = t.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        int eventDim = EventShape.Count;
        Tensor logProb = 0.0;
        var y = value;
        for (int i = _transforms.Length - 1; i >= 0; i--)
        {
            var t = _transforms[i];
            var x = t.Inverse(y);
            eventDim += t.Domain.EventDim - t.Codomain.EventDim;
            logProb = logProb - SumRightmost(t.LogAbsDetJacobian(x, y), eventDim - t.Domain.EventDim);
            y = x;
        }
        return logProb + SumRightmost(BaseDist.LogProb(y), eventDim - BaseDist.EventShape.Count);
    }

    // sign · (value - 0.5) + 0.5 where the composed map decreases (_monotonize_cdf).
    private Tensor MonotonizeCdf(Tensor value)
    {
        Tensor sign = 1.0;
        foreach (var t in _transforms) sign = sign * t.Sign;
        if (sign.IsWrappedNumber && sign.ToDouble() == 1.0) return value;
        return sign * (value - 0.5) + 0.5;
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        for (int i = _transforms.Length - 1; i >= 0; i--) value = _transforms[i].Inverse(value);
        return MonotonizeCdf(BaseDist.Cdf(value));
    }

    /// <inheritdoc/>
    public override Tensor Icdf(Tensor value)
    {
        value = BaseDist.Icdf(MonotonizeCdf(value));
        foreach (var t in _transforms) value = t.Forward(value);
        return value;
    }
}
