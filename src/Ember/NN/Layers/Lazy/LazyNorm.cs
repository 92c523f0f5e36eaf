namespace Ember.NN;

// The lazy norms (PyTorch's LazyBatchNorm*d / LazyInstanceNorm*d): num_features comes from the first
// input's channel dim; the affine weight and bias and the running statistics are uninitialized until
// then (num_batches_tracked exists from the start, as in PyTorch). Afterwards the module prints and
// behaves as the plain layer. The lazy instance norms default to affine and tracked statistics, as
// PyTorch's do (the plain ones default to neither).

/// <summary>A <see cref="BatchNorm1d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyBatchNorm1d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyBatchNorm1d : BatchNorm1d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyBatchNorm1d(eps, momentum, affine, track_running_stats)</c>).</summary>
    public LazyBatchNorm1d(double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}

/// <summary>A <see cref="BatchNorm2d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyBatchNorm2d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyBatchNorm2d : BatchNorm2d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyBatchNorm2d(eps, momentum, affine, track_running_stats)</c>).</summary>
    public LazyBatchNorm2d(double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}

/// <summary>A <see cref="BatchNorm3d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyBatchNorm3d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyBatchNorm3d : BatchNorm3d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyBatchNorm3d(eps, momentum, affine, track_running_stats)</c>).</summary>
    public LazyBatchNorm3d(double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}

/// <summary>
/// An <see cref="InstanceNorm1d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyInstanceNorm1d</c>);
/// see <see cref="LazyLinear"/>. Defaults to <c>affine</c> and <c>track_running_stats</c>, as PyTorch's.
/// </summary>
public sealed class LazyInstanceNorm1d : InstanceNorm1d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyInstanceNorm1d(eps, momentum, affine=True, track_running_stats=True)</c>).</summary>
    public LazyInstanceNorm1d(double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}

/// <summary>
/// An <see cref="InstanceNorm2d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyInstanceNorm2d</c>);
/// see <see cref="LazyLinear"/>. Defaults to <c>affine</c> and <c>track_running_stats</c>, as PyTorch's.
/// </summary>
public sealed class LazyInstanceNorm2d : InstanceNorm2d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyInstanceNorm2d(eps, momentum, affine=True, track_running_stats=True)</c>).</summary>
    public LazyInstanceNorm2d(double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}

/// <summary>
/// An <see cref="InstanceNorm3d"/> whose <c>num_features</c> is inferred from the first input (<c>nn.LazyInstanceNorm3d</c>);
/// see <see cref="LazyLinear"/>. Defaults to <c>affine</c> and <c>track_running_stats</c>, as PyTorch's.
/// </summary>
public sealed class LazyInstanceNorm3d : InstanceNorm3d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyInstanceNorm3d(eps, momentum, affine=True, track_running_stats=True)</c>).</summary>
    public LazyInstanceNorm3d(double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null, Device? device = null)
        : base(default(LazyTag), eps, momentum, affine, trackRunningStats, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);
}
