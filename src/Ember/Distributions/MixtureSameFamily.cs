namespace Ember.Distributions;

/// <summary>
/// A mixture of K distributions of one family, chosen by a <see cref="Categorical"/>
/// (<c>torch.distributions.MixtureSameFamily(mixture_distribution, component_distribution)</c>): the
/// component distribution's rightmost batch dim holds the K components; the mixture's batch shape
/// broadcasts with the components' remaining batch shape.
/// </summary>
/// <remarks>
/// <see cref="Sample"/> draws the mixture's labels, then every component's samples, and gathers, as
/// PyTorch: the same seed gives PyTorch's samples whenever the components' do. No rsample, as PyTorch.
/// </remarks>
public sealed class MixtureSameFamily : Distribution
{
    private readonly int _eventNdims;

    /// <summary>Creates the mixture.</summary>
    /// <exception cref="ArgumentException">The batch shapes are incompatible, or the number of mixture categories differs from the components' last batch dim.</exception>
    public MixtureSameFamily(Categorical mixtureDistribution, Distribution componentDistribution, bool? validateArgs = null)
        : base(Check(mixtureDistribution, componentDistribution), componentDistribution.EventShape, validateArgs)
    {
        MixtureDistribution = mixtureDistribution;
        ComponentDistribution = componentDistribution;
        NumComponents = mixtureDistribution.NumEvents;
        _eventNdims = componentDistribution.EventShape.Count;
    }

    private static int[] Check(Categorical mix, Distribution comp)
    {
        if (mix is null) throw new ArgumentException(" The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical", nameof(mix));
        if (comp is null) throw new ArgumentException("The Component distribution need to be an instance of torch.distributions.Distribution", nameof(comp));
        int[] mdbs = mix.BatchShape;
        int[] cbs = comp.BatchShape;
        if (cbs.Length == 0)
            throw new ArgumentException($"`component_distribution.batch_shape` ({comp.BatchShape}) must have at least one dim: the components.", nameof(comp));
        int[] cdbs = cbs[..^1];
        for (int i = 1; i <= Math.Min(mdbs.Length, cdbs.Length); i++)
        {
            int a = mdbs[^i], b = cdbs[^i];
            if (a != 1 && b != 1 && a != b)
                throw new ArgumentException($"`mixture_distribution.batch_shape` ({mix.BatchShape}) is not compatible with `component_distribution.batch_shape`({new Shape(cdbs)})");
        }
        int km = mix.NumEvents, kc = cbs[^1];
        if (km != kc)
            throw new ArgumentException($"`mixture_distribution component` ({km}) does not equal `component_distribution.batch_shape[-1]` ({kc})");
        return cdbs;
    }

    /// <summary>The distribution over which component to draw from (<c>mixture_distribution</c>).</summary>
    public Categorical MixtureDistribution { get; }
    /// <summary>The K components, along the rightmost batch dim (<c>component_distribution</c>).</summary>
    public Distribution ComponentDistribution { get; }
    /// <summary>K, the number of components.</summary>
    public int NumComponents { get; }

    /// <inheritdoc/>
    public override Constraint Support => ComponentDistribution.Support;
    /// <summary>Empty, as PyTorch's: the mixture and components validated their own parameters.</summary>
    public override IReadOnlyList<(string Name, Constraint Constraint)> ArgConstraints => [];
    /// <inheritdoc/>
    protected override Tensor ParameterValue(string name) => throw new KeyNotFoundException(name);

    /// <inheritdoc/>
    public override MixtureSameFamily Expand(int[] batchShape)
    {
        int[] b = CheckExpand(batchShape);
        return WithValidation(new MixtureSameFamily(MixtureDistribution.Expand(b), ComponentDistribution.Expand([.. b, NumComponents]), false));
    }

    private Tensor Pad(Tensor x) => x.Unsqueeze(-1 - _eventNdims);

    // PyTorch compares numel() of the batch shapes here, not their lengths; kept as is.
    private Tensor PadMixtureDimensions(Tensor x)
    {
        long distNumel = 1, catNumel = 1;
        foreach (int d in BatchShape) distNumel *= d;
        foreach (int d in MixtureDistribution.BatchShape) catNumel *= d;
        int pad = catNumel == 1 ? 0 : (int)(distNumel - catNumel);
        int[] xs = x.Shape;
        return x.Reshape([.. xs[..^1], .. Enumerable.Repeat(1, pad), xs[^1], .. Enumerable.Repeat(1, _eventNdims)]);
    }

    /// <inheritdoc/>
    public override Tensor Mean
    {
        get
        {
            var probs = PadMixtureDimensions(MixtureDistribution.Probs);
            return (probs * ComponentDistribution.Mean).Sum(-1 - _eventNdims);
        }
    }

    /// <summary>By the law of total variance, as PyTorch.</summary>
    public override Tensor Variance
    {
        get
        {
            var probs = PadMixtureDimensions(MixtureDistribution.Probs);
            var meanCondVar = (probs * ComponentDistribution.Variance).Sum(-1 - _eventNdims);
            var varCondMean = (probs * (ComponentDistribution.Mean - Pad(Mean)).Pow(2.0)).Sum(-1 - _eventNdims);
            return meanCondVar + varCondMean;
        }
    }

    /// <inheritdoc/>
    public override Tensor Cdf(Tensor value)
    {
        var cdf = ComponentDistribution.Cdf(Pad(value));
        return (cdf * MixtureDistribution.Probs).Sum(-1);
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ValidateSample(value);
        var logProbX = ComponentDistribution.LogProb(Pad(value));
        var logMixProb = MixtureDistribution.Logits.LogSoftmax(-1);
        return (logProbX + logMixProb).LogSumExp(-1);
    }

    /// <inheritdoc/>
    public override Tensor Sample(int[]? sampleShape = null, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        sampleShape ??= [];
        int gatherDim = sampleShape.Length + BatchShape.Count;
        int[] es = EventShape;
        var mix = MixtureDistribution.Sample(sampleShape, generator);
        int[] mixShape = mix.Shape;
        var comp = ComponentDistribution.Sample(sampleShape, generator);
        var index = mix.Reshape([.. mixShape, .. Enumerable.Repeat(1, es.Length + 1)])
            .Repeat([.. Enumerable.Repeat(1, mixShape.Length), 1, .. es]);
        return comp.Gather(gatherDim, index).Squeeze(gatherDim);
    }

    /// <summary>As PyTorch: <c>MixtureSameFamily(\n  Categorical(...),\n  Normal(...))</c>.</summary>
    public override string ToString() => $"MixtureSameFamily(\n  {MixtureDistribution},\n  {ComponentDistribution})";
}
