namespace Ember.Backends;

/// <summary>
/// The kernel boundary. A backend owns memory and runs kernels over (storage, layout) pairs;
/// it knows nothing about autograd. Dtype is dispatched here, once. Operands of elementwise
/// kernels arrive already broadcast to the output's shape (stride 0 on broadcast dims) and, unless
/// an op says otherwise, already converted to one dtype by the caller (type promotion is the
/// frontend's job). This file holds the core members; each op family adds its own in
/// <c>IBackend.*.cs</c> beside it.
/// </summary>
internal partial interface IBackend
{
    Device Device { get; }

    /// <summary>
    /// A storage of <paramref name="length"/> elements, zero-filled unless <paramref name="uninitialized"/>
    /// (for results a kernel overwrites entirely: skipping the fill saves a pass over the memory).
    /// </summary>
    Storage Allocate(DType dtype, int length, bool uninitialized = false);

    /// <summary>Elementwise copy between layouts of equal shape, converting dtype if they differ.</summary>
    void Copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

    /// <summary>Sets every element of the view to <paramref name="value"/> (cast to the storage's dtype).</summary>
    void Fill(Storage dst, Layout layout, Scalar value);

    /// <summary>Reads one element as a scalar of the storage's kind.</summary>
    Scalar GetItem(Storage src, int storageIndex);

    /// <summary>
    /// <paramref name="dst"/> = op(<paramref name="src"/>). Input and output dtypes are as
    /// <see cref="UnaryOps.ResultType"/> says.
    /// </summary>
    void Unary(UnaryOp op, Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

    /// <summary>
    /// <paramref name="dst"/> = op(a, b). <paramref name="a"/> and <paramref name="b"/> share a dtype;
    /// the output dtype is as <see cref="BinaryOps.ResultType"/> says.
    /// </summary>
    void Binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage dst, Layout dstLayout);
}

/// <summary>Finds the backend for a device.</summary>
internal static class BackendRegistry
{
    public static IBackend Get(Device device) => device.Type switch
    {
        DeviceType.Cpu => Cpu.CpuBackend.Instance,
        _ => throw new DeviceUnavailableException(
            $"Ember: device '{device}' is not available: this build of Ember has no CUDA backend yet, so only 'cpu' can be used."),
    };
}
