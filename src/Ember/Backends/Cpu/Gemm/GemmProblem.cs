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

    public int Batch => COffsets.Length;
}
