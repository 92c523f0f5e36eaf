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
        var dt = dtype ?? DTypes.DefaultFloat;
        if (affine)
        {
            Weight = new Parameter(Tensor.Ones([numFeatures], dt, device));
            Bias = new Parameter(Tensor.Zeros([numFeatures], dt, device));
        }
        if (trackRunningStats)
        {
            RunningMean = Tensor.Zeros([numFeatures], dt, device);
            RunningVar = Tensor.Ones([numFeatures], dt, device);
            NumBatchesTracked = Tensor.Zeros([], DType.Int64, device);
        }
    }

    /// <summary>The number of channels C (<c>num_features</c>).</summary>
    public int NumFeatures { get; }
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
public sealed class InstanceNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 2);

/// <summary>Instance normalisation of [N, C, H, W] (or [C, H, W]) inputs (<c>nn.InstanceNorm2d</c>); see <see cref="InstanceNormBase"/>.</summary>
public sealed class InstanceNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 3);

/// <summary>Instance normalisation of [N, C, D, H, W] (or [C, D, H, W]) inputs (<c>nn.InstanceNorm3d</c>); see <see cref="InstanceNormBase"/>.</summary>
public sealed class InstanceNorm3d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null, Device? device = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device, 4);
