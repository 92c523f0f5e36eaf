namespace Ember.NN;

/// <summary>
/// Parameters and buffers whose shape is not known yet (PyTorch's <c>UninitializedParameter</c> and
/// <c>UninitializedBuffer</c>), as the lazy modules (<see cref="LazyLinear"/>, <see cref="LazyConv2d"/>,
/// <see cref="LazyBatchNorm2d"/>, ...) hold them until their first forward. Such a tensor has a dtype,
/// a device and <see cref="Tensor.IsLazy"/> set; its shape reads as [0] (PyTorch raises instead), every
/// operation on it throws, and conversions (<c>module.Double()</c>, <c>param.To(dtype)</c>) only change the
/// dtype it will have. <see cref="Materialize"/> gives it a shape, in place, so the same
/// object (held by an optimizer built before, say) becomes an ordinary tensor.
/// </summary>
public static class Uninitialized
{
    /// <summary>An uninitialized parameter (<c>nn.UninitializedParameter(requires_grad, device, dtype)</c>).</summary>
    public static Parameter Parameter(bool requiresGrad = true, DType? dtype = null, Device? device = null) =>
        new(Make(dtype, device), requiresGrad);

    /// <summary>An uninitialized buffer (<c>nn.UninitializedBuffer(requires_grad, device, dtype)</c>).</summary>
    public static Tensor Buffer(bool requiresGrad = false, DType? dtype = null, Device? device = null)
    {
        var t = Make(dtype, device);
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }

    private static Tensor Make(DType? dtype, Device? device)
    {
        var dev = device ?? Device.Cpu;
        Backends.BackendRegistry.Get(dev);   // an unavailable device fails here, as an allocation would
        return new Tensor(new UninitializedStorage(dtype ?? DTypes.DefaultFloat, dev), Layout.Contiguous([0]));
    }

    /// <summary>
    /// Gives an uninitialized parameter or buffer its shape, in place (<c>param.materialize(shape, device, dtype)</c>):
    /// its elements are uninitialized memory, on its own device and dtype unless others are given.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is already initialized.</exception>
    /// <exception cref="ArgumentException">A size is negative.</exception>
    public static void Materialize(this Tensor tensor, int[] shape, Device? device = null, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(shape);
        if (!tensor.IsLazy)
            throw new InvalidOperationException($"materialize: the tensor (shape {tensor.Shape}) is already initialized; only uninitialized parameters and buffers of lazy modules can be materialized.");
        if (shape.Any(d => d < 0))
            throw new ArgumentException($"materialize: sizes must be non-negative, got {Shape.Format(shape)}.");
        tensor.SetData(Tensor.Empty(shape, dtype ?? tensor.DType, device ?? tensor.Device));
    }
}
