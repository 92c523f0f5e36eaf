namespace Ember.NN;

/// <summary>
/// The shared part of <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> (PyTorch's <c>_BatchNorm</c>):
/// affine weight (ones) and bias (zeros), and the buffers <c>running_mean</c> (zeros),
/// <c>running_var</c> (ones) and <c>num_batches_tracked</c> (int64 0) when tracking running statistics.
/// Training normalises with the batch's biased variance and updates the running variance with the
/// unbiased one; evaluation uses the running statistics (or the batch's, when none are tracked).
/// A null momentum makes the running statistics a cumulative average (factor 1 / num_batches_tracked).
/// </summary>
public abstract class BatchNormBase : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numFeatures"/> is negative.</exception>
    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
    {
        if (numFeatures < 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: num_features must be non-negative, got {numFeatures}.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        (Weight, Bias, RunningMean, RunningVar, NumBatchesTracked) = NormTensors.Create(numFeatures, affine, trackRunningStats, dtype, device);
    }

    // The lazy batch norms': uninitialized parameters and running statistics until the first forward.
    private protected BatchNormBase(LazyTag _, string name, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
    {
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        LazyPending = true;
        _becomes = name[4..];
        (Weight, Bias, RunningMean, RunningVar, NumBatchesTracked) = NormTensors.CreateLazy(affine, trackRunningStats, dtype, device);
    }

    private readonly string? _becomes;   // a lazy batch norm's PyTorch class after the first forward

    /// <summary>True for a lazy batch norm until its first forward.</summary>
    private protected bool LazyPending { get; private set; }

    /// <inheritdoc/>
    protected internal override string TypeName() => !LazyPending && _becomes is not null ? _becomes : base.TypeName();

    // PyTorch's _LazyNormBase.initialize_parameters: num_features from the input's dim 1.
    private void InitializeLazy(Tensor input)
    {
        if (LazyModules.HasUninitialized(this))
        {
            LazyModules.RefusePartial(this, TypeName());
            NumFeatures = input.Size(1);
            using (Autograd.NoGrad())
                foreach (var t in new[] { Weight, Bias, RunningMean, RunningVar })
                    t?.Materialize([NumFeatures]);
            ResetParameters();
        }
        LazyPending = false;
    }

    private protected override void BeforeLoadingState(IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        if (!LazyPending || !LazyModules.HasUninitialized(this)) return;
        LazyModules.MaterializeFrom(this, stateDict, prefix);
        if (NormTensors.LoadedFeatures(Weight, Bias, RunningMean, RunningVar) is int n) NumFeatures = n;
    }

    /// <summary>The number of channels C (0 for a lazy batch norm before its first forward).</summary>
    public int NumFeatures { get; private set; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>The running-statistics update factor; null for a cumulative average.</summary>
    public double? Momentum { get; }
    /// <summary>Whether there is a learnable weight and bias.</summary>
    public bool Affine { get; }
    /// <summary>Whether running statistics are kept.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>The scale, shape [C] (null without affine).</summary>
    public Parameter? Weight { get; }
    /// <summary>The shift, shape [C] (null without affine).</summary>
    public Parameter? Bias { get; }
    /// <summary>The running mean, shape [C] (null when not tracking).</summary>
    [Buffer, Named("running_mean")] public Tensor? RunningMean { get; }
    /// <summary>The running (unbiased) variance, shape [C] (null when not tracking).</summary>
    [Buffer, Named("running_var")] public Tensor? RunningVar { get; }
    /// <summary>How many training batches have updated the running statistics (int64, 0-d).</summary>
    [Buffer, Named("num_batches_tracked")] public Tensor? NumBatchesTracked { get; }

    /// <summary>Resets the running statistics (<c>reset_running_stats</c>).</summary>
    public void ResetRunningStats()
    {
        using var _ = Autograd.NoGrad();
        RunningMean?.Zero_();
        RunningVar?.Fill_(1);
        NumBatchesTracked?.Zero_();
    }

    /// <summary>Resets the running statistics and sets weight to ones and bias to zeros (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        using var _ = Autograd.NoGrad();
        Weight?.Fill_(1);
        Bias?.Zero_();
    }

    /// <summary>Refuses inputs of the wrong rank, with PyTorch's message.</summary>
    protected abstract void CheckInputDim(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputDim(input);
        if (LazyPending) InitializeLazy(input);
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is not null)
        {
            using (Autograd.NoGrad()) NumBatchesTracked.Add_(1);
            factor = Momentum ?? 1.0 / NumBatchesTracked.Item<long>();
        }
        bool useBatchStats = Training || (RunningMean is null && RunningVar is null);
        bool passStats = !Training || TrackRunningStats;
        return F.BatchNorm(input, passStats ? RunningMean : null, passStats ? RunningVar : null, Weight, Bias, useBatchStats, factor, Eps);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={(Momentum is { } m ? PyRepr.Float(m) : "None")}, affine={PyRepr.Bool(Affine)}, track_running_stats={PyRepr.Bool(TrackRunningStats)}";
}

/// <summary>Batch normalisation of (N, C) or (N, C, L) inputs (<c>nn.BatchNorm1d</c>); see <see cref="BatchNormBase"/>.</summary>
public class BatchNorm1d : BatchNormBase
{
    /// <summary>Creates the layer (<c>nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) { }

    private protected BatchNorm1d(LazyTag tag, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyBatchNorm1d", eps, momentum, affine, trackRunningStats, dtype, device) { }

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.NDim != 2 && input.NDim != 3)
            throw new ArgumentException($"{TypeName()}: expected 2D or 3D input (got {input.NDim}D input).");
    }
}

/// <summary>Batch normalisation of (N, C, H, W) inputs (<c>nn.BatchNorm2d</c>); see <see cref="BatchNormBase"/>.</summary>
public class BatchNorm2d : BatchNormBase
{
    /// <summary>Creates the layer (<c>nn.BatchNorm2d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) { }

    private protected BatchNorm2d(LazyTag tag, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyBatchNorm2d", eps, momentum, affine, trackRunningStats, dtype, device) { }

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.NDim != 4)
            throw new ArgumentException($"{TypeName()}: expected 4D input (got {input.NDim}D input).");
    }
}

/// <summary>Batch normalisation of (N, C, D, H, W) inputs (<c>nn.BatchNorm3d</c>); see <see cref="BatchNormBase"/>.</summary>
public class BatchNorm3d : BatchNormBase
{
    /// <summary>Creates the layer (<c>nn.BatchNorm3d(num_features, eps, momentum, affine, track_running_stats)</c>).</summary>
    public BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device) { }

    private protected BatchNorm3d(LazyTag tag, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype, Device? device)
        : base(tag, "LazyBatchNorm3d", eps, momentum, affine, trackRunningStats, dtype, device) { }

    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.NDim != 5)
            throw new ArgumentException($"{TypeName()}: expected 5D input (got {input.NDim}D input).");
    }
}
