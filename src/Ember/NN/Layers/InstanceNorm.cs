namespace Ember.NN;

/// <summary>
/// The shared part of <see cref="InstanceNorm1d"/>, <see cref="InstanceNorm2d"/> and
/// <see cref="InstanceNorm3d"/> (PyTorch's <c>_InstanceNorm</c>): each channel of each sample is
/// normalised over its spatial dims. Defaults differ from batch norm's, as in PyTorch: no affine
/// weight and no running statistics. With <c>trackRunningStats</c> the buffers <c>running_mean</c>,
/// <c>running_var</c> and <c>num_batches_tracked</c> exist (the last never moves, as in PyTorch);
/// training updates the first two, evaluation uses them. An input without a batch dim is normalised
/// as a batch of one.
/// </summary>
public abstract class InstanceNormBase : Module<Tensor, Tensor>
{
    private readonly int _noBatchDim;

    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is negative.</exception>
    private protected InstanceNormBase(int numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device, int noBatchDim)
    {
        if (numFeatures < 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: num_features must be non-negative, got {numFeatures}.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        _noBatchDim = noBatchDim;
        (Weight, Bias, RunningMean, RunningVar, NumBatchesTracked) = NormTensors.Create(numFeatures, affine, trackRunningStats, dtype, device);
    }

    // The lazy instance norms': uninitialized parameters and running statistics until the first forward.
    private protected InstanceNormBase(LazyTag _, string name, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device, int noBatchDim)
    {
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        _noBatchDim = noBatchDim;
        LazyPending = true;
        _becomes = name[4..];
        (Weight, Bias, RunningMean, RunningVar, NumBatchesTracked) = NormTensors.CreateLazy(affine, trackRunningStats, dtype, device);
    }

    private readonly string? _becomes;   // a lazy instance norm's PyTorch class after the first forward

    /// <summary>True for a lazy instance norm until its first forward.</summary>
    private protected bool LazyPending { get; private set; }

    /// <inheritdoc/>
    protected internal override string TypeName() => !LazyPending && _becomes is not null ? _becomes : base.TypeName();

    // PyTorch's _LazyNormBase.initialize_parameters, with num_features read from the channel dim (PyTorch
    // reads dim 1, which for an unbatched input is a spatial size, and then fails).
    private void InitializeLazy(Tensor input)
    {
        if (LazyModules.HasUninitialized(this))
        {
            LazyModules.RefusePartial(this, TypeName());
            NumFeatures = input.Size(input.NDim - _noBatchDim);
            using var _ = Autograd.NoGrad();
            Weight?.Materialize([NumFeatures]);
            Bias?.Materialize([NumFeatures]);
            RunningMean?.Materialize([NumFeatures]);
            RunningVar?.Materialize([NumFeatures]);
            Weight?.Fill_(1);
            Bias?.Zero_();
            RunningMean?.Zero_();
            RunningVar?.Fill_(1);
            NumBatchesTracked?.Zero_();
        }
        LazyPending = false;
    }

    private protected override void BeforeLoadingState(IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        if (!LazyPending || !LazyModules.HasUninitialized(this)) return;
        LazyModules.MaterializeFrom(this, stateDict, prefix);
        if (NormTensors.LoadedFeatures(Weight, Bias, RunningMean, RunningVar) is int n) NumFeatures = n;
    }

    /// <summary>The number of channels C (<c>num_features</c>; 0 for a lazy instance norm before its first forward).</summary>
    public int NumFeatures { get; private set; }
    /// <summary>Added to the variance before the square root (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>The running-statistics update factor (<c>momentum</c>).</summary>
    public double Momentum { get; }
    /// <summary>Whether there is a learnable weight and bias (<c>affine</c>, default false).</summary>
    public bool Affine { get; }
    /// <summary>Whether running statistics are kept (<c>track_running_stats</c>, default false).</summary>
    public bool TrackRunningStats { get; }
    /// <summary>The scale, shape [C] (null without affine).</summary>
    public Parameter? Weight { get; }
    /// <summary>The shift, shape [C] (null without affine).</summary>
    public Parameter? Bias { get; }
    /// <summary>The running mean, shape [C] (null when not tracking).</summary>
    [Buffer, Named("running_mean")] public Tensor? RunningMean { get; }
    /// <summary>The running (unbiased) variance, shape [C] (null when not tracking).</summary>
    [Buffer, Named("running_var")] public Tensor? RunningVar { get; }
    /// <summary>Present when tracking, as in PyTorch's state dict; instance norm never increments it.</summary>
    [Buffer, Named("num_batches_tracked")] public Tensor? NumBatchesTracked { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input has the wrong number of dims, or (with affine) the wrong number of channels.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim != _noBatchDim && input.NDim != _noBatchDim + 1)
            throw new ArgumentException($"{GetType().Name}: expected {_noBatchDim}D or {_noBatchDim + 1}D input (got {input.NDim}D input).", nameof(input));
        if (LazyPending) InitializeLazy(input);
        int featureDim = input.NDim - _noBatchDim;
        if (input.Size(featureDim) != NumFeatures)
        {
            if (Affine)
                throw new ArgumentException($"{GetType().Name}: expected input's size at dim={featureDim} to match num_features ({NumFeatures}), but got: {input.Size(featureDim)}.", nameof(input));
            Warnings.Warn($"input's size at dim={featureDim} does not match num_features. You can silence this warning by not passing in num_features, which is not used because affine=False");
        }
        bool batched = input.NDim == _noBatchDim + 1;
        var x = batched ? input : input.Unsqueeze(0);
        var y = F.InstanceNorm(x, RunningMean, RunningVar, Weight, Bias, Training || !TrackRunningStats, Momentum, Eps);
        return batched ? y : y.Squeeze(0);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={PyRepr.Float(Momentum)}, affine={PyRepr.Bool(Affine)}, track_running_stats={PyRepr.Bool(TrackRunningStats)}";
}

/// <summary>Instance normalisation of [N, C, L] (or [C, L]) inputs (<c>nn.InstanceNorm1d</c>); see <see cref="InstanceNormBase"/>.</summary>
public class InstanceNorm1d : InstanceNormBase
{
    /// <summary>Creates the layer (<c>nn.InstanceNorm1d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is negative.</exception>
    public InstanceNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 2) { }

    private protected InstanceNorm1d(LazyTag tag, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyInstanceNorm1d", eps, momentum, affine, trackRunningStats, dtype, device, 2) { }
}

/// <summary>Instance normalisation of [N, C, H, W] (or [C, H, W]) inputs (<c>nn.InstanceNorm2d</c>); see <see cref="InstanceNormBase"/>.</summary>
public class InstanceNorm2d : InstanceNormBase
{
    /// <summary>Creates the layer (<c>nn.InstanceNorm2d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is negative.</exception>
    public InstanceNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 3) { }

    private protected InstanceNorm2d(LazyTag tag, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyInstanceNorm2d", eps, momentum, affine, trackRunningStats, dtype, device, 3) { }
}

/// <summary>Instance normalisation of [N, C, D, H, W] (or [C, D, H, W]) inputs (<c>nn.InstanceNorm3d</c>); see <see cref="InstanceNormBase"/>.</summary>
public class InstanceNorm3d : InstanceNormBase
{
    /// <summary>Creates the layer (<c>nn.InstanceNorm3d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is negative.</exception>
    public InstanceNorm3d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 4) { }

    private protected InstanceNorm3d(LazyTag tag, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyInstanceNorm3d", eps, momentum, affine, trackRunningStats, dtype, device, 4) { }
}
