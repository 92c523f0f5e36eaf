namespace Ember.NN;

/// <summary>
/// The parameters and running statistics batch and instance norms share (PyTorch's <c>_NormBase</c>):
/// weight 1 and bias 0 when affine, running mean 0, variance 1 and a batch count when tracking, made
/// once here for both families, eagerly or as uninitialized tensors for the lazy forms.
/// </summary>
internal readonly record struct NormTensors(Parameter? Weight, Parameter? Bias, Tensor? RunningMean, Tensor? RunningVar, Tensor? NumBatchesTracked)
{
    /// <summary>The tensors of a norm over <paramref name="numFeatures"/> channels.</summary>
    public static NormTensors Create(int numFeatures, bool affine, bool trackRunningStats, DType? dtype, Device? device)
    {
        var dt = dtype ?? DTypes.DefaultFloat;
        return new(
            affine ? new Parameter(Tensor.Ones([numFeatures], dt, device)) : null,
            affine ? new Parameter(Tensor.Zeros([numFeatures], dt, device)) : null,
            trackRunningStats ? Tensor.Zeros([numFeatures], dt, device) : null,
            trackRunningStats ? Tensor.Ones([numFeatures], dt, device) : null,
            trackRunningStats ? Tensor.Zeros([], DType.Int64, device) : null);
    }

    /// <summary>A lazy norm's tensors: uninitialized until the first forward gives the channel count.</summary>
    public static NormTensors CreateLazy(bool affine, bool trackRunningStats, DType? dtype, Device? device) => new(
        affine ? Uninitialized.Parameter(dtype: dtype, device: device) : null,
        affine ? Uninitialized.Parameter(dtype: dtype, device: device) : null,
        trackRunningStats ? Uninitialized.Buffer(dtype: dtype, device: device) : null,
        trackRunningStats ? Uninitialized.Buffer(dtype: dtype, device: device) : null,
        trackRunningStats ? Tensor.Zeros([], DType.Int64, device) : null);

    /// <summary>The channel count a state dict loaded into a lazy norm gave it, if any of its 1-D tensors is now materialized.</summary>
    public static int? LoadedFeatures(params Tensor?[] tensors) =>
        tensors.FirstOrDefault(t => t is not null && !t.IsLazy && t.NDim == 1)?.Size(0);
}
