namespace Ember.NN;

/// <summary>
/// A tensor that is a module's learnable parameter (<c>torch.nn.Parameter</c>): a module finds
/// parameters in its fields and lists them in <see cref="Module.Parameters"/>. It shares storage with
/// the tensor it was made from and requires grad unless told otherwise. Operations on it return plain
/// tensors.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (sharing its storage) as a leaf parameter (<c>nn.Parameter(data, requires_grad)</c>).</summary>
    /// <exception cref="ArgumentException">A parameter that requires grad must be floating point.</exception>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Storage, data.Layout)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (requiresGrad && !data.DType.IsFloatingPoint())
            throw new ArgumentException($"Parameter: only Tensors of floating point dtype can require gradients, got {data.DType.TorchName()}; pass requiresGrad: false.");
        RequiresGrad = requiresGrad;
    }

    /// <summary>Prints as PyTorch does: <c>Parameter containing:</c> then the tensor.</summary>
    public override string ToString() => IsLazy ? "<UninitializedParameter>" : "Parameter containing:\n" + base.ToString();
}
