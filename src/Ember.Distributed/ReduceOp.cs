namespace Ember.Distributed;

/// <summary>How a reducing collective combines the ranks' tensors (<c>torch.distributed.ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>Elementwise sum; on bool tensors a logical or, as PyTorch.</summary>
    Sum,
    /// <summary>Elementwise product; on bool tensors a logical and, as PyTorch.</summary>
    Product,
    /// <summary>Elementwise minimum; on bool tensors a logical and.</summary>
    Min,
    /// <summary>Elementwise maximum; on bool tensors a logical or.</summary>
    Max,
    /// <summary>
    /// The mean over the ranks: the sum, then divided by the group's size in the tensor's own dtype
    /// (as PyTorch's NCCL backend). Floating-point tensors only: an in-place integer tensor cannot
    /// hold the quotient, so Ember refuses it rather than truncate silently.
    /// </summary>
    Avg,
}
