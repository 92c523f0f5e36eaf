namespace Ember.Jit;

/// <summary>
/// Marks one dimension of one traced input as varying from call to call (the batch dimension, usually), as
/// <c>torch.onnx.export</c>'s <c>dynamic_axes</c> and <c>torch.export</c>'s <c>Dim</c> do. Dims that share a
/// <see cref="Name"/> must always be equal (the batch dim of two inputs).
/// </summary>
/// <param name="Input">Which traced input (0 for a one-input module).</param>
/// <param name="Dim">Which dimension of it; negative counts from the end.</param>
/// <param name="Name">The symbol the graph prints for its size.</param>
public sealed record DynamicDim(int Input, int Dim, string Name = "batch")
{
    /// <summary>Dimension 0 of input 0, named <c>batch</c>: the usual case.</summary>
    public static DynamicDim Batch { get; } = new(0, 0);
}
