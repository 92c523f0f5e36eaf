namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// One batched matmul as the CPU kernels see it: every matrix has the same sizes and strides, and
/// starts at its own storage offset (batch dims are flattened by the caller, broadcast ones included).
/// </summary>
internal sealed class GemmProblem
{
    public int M, N, K;
    public int ARowStride, AColStride, BRowStride, BColStride, CRowStride, CColStride;
    public int[] AOffsets = [], BOffsets = [], COffsets = [];

    /// <summary>
    /// B is already in packed panel order (<see cref="Gemm{T}.PackedBIndex"/>), written that way by its
    /// producer (the convolution's im2col), so the GEMM reads it in place instead of packing it; B's
    /// strides are then unused. Requires M &gt; 1 and N &gt; 1 (no matrix-vector shortcut).
    /// </summary>
    public bool BPrepacked;

    /// <summary>
    /// When set, a contiguous vector of N elements (from <see cref="RowBiasOffset"/>, of the problem's
    /// element type) added to every row of every C once its product is complete, so C = A·B + bias
    /// rounds as the product followed by a separate add: a linear layer's bias without another pass
    /// over its output.
    /// </summary>
    public Array? RowBias;

    /// <summary>Where <see cref="RowBias"/>'s first element is.</summary>
    public int RowBiasOffset;

    public int Batch => COffsets.Length;
}
