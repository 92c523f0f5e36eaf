using System.Numerics;
using Ember.Backends.Cpu.Gemm;

namespace Ember.Backends.Cpu;

// The batched matmul primitive: flattens the batch dims to a list of per-matrix offsets, then hands
// each matrix to the packed GEMM (float32/float64) or a plain loop (integers).
internal sealed partial class CpuBackend
{
    public void MatMul(Storage a, Layout al, Storage b, Layout bl, Storage c, Layout cl, Storage? rowBias = null, int rowBiasOffset = 0)
    {
        int r = cl.Rank;
        int m = cl.Shape[r - 2], n = cl.Shape[r - 1], k = al.Shape[r - 1];
        if (cl.NumElements == 0) return;
        if (rowBias is not null && c.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"cpu: matmul with a fused bias is not implemented for {c.DType.TorchName()}.");
        if (k == 0)
        {
            if (rowBias is not null) throw new InvalidOperationException("cpu: matmul with a fused bias needs K > 0 (the caller adds the bias to an empty product).");
            Fill(c, cl, 0);
            return;
        }
        var p = new GemmProblem
        {
            M = m, N = n, K = k,
            ARowStride = al.Strides[r - 2], AColStride = al.Strides[r - 1],
            BRowStride = bl.Strides[r - 2], BColStride = bl.Strides[r - 1],
            CRowStride = cl.Strides[r - 2], CColStride = cl.Strides[r - 1],
            RowBias = rowBias is null ? null : c.DType == DType.Float32 ? Data<float>(rowBias) : Data<double>(rowBias),
            RowBiasOffset = rowBiasOffset,
        };
        BatchOffsets(al, bl, cl, out p.AOffsets, out p.BOffsets, out p.COffsets);
        switch (c.DType)
        {
            case DType.Float32: Gemm<float>.Run(Data<float>(a), Data<float>(b), Data<float>(c), p); break;
            case DType.Float64: Gemm<double>.Run(Data<double>(a), Data<double>(b), Data<double>(c), p); break;
            case DType.Int64: IntegerMatMul(Data<long>(a), Data<long>(b), Data<long>(c), p); break;
            case DType.Int32: IntegerMatMul(Data<int>(a), Data<int>(b), Data<int>(c), p); break;
            case DType.UInt8: IntegerMatMul(Data<byte>(a), Data<byte>(b), Data<byte>(c), p); break;
            default: throw new NotSupportedException($"cpu: matmul is not implemented for {c.DType.TorchName()}.");
        }
    }

    /// <summary>The storage offset of each matrix of A, B and C, walking the batch dims in row-major order.</summary>
    private static void BatchOffsets(Layout al, Layout bl, Layout cl, out int[] ao, out int[] bo, out int[] co)
    {
        int nb = cl.Rank - 2;
        int batch = 1;
        for (int d = 0; d < nb; d++) batch *= cl.Shape[d];
        ao = new int[batch]; bo = new int[batch]; co = new int[batch];
        Span<int> idx = stackalloc int[Math.Max(nb, 1)];
        idx.Clear();
        int oa = al.Offset, ob = bl.Offset, oc = cl.Offset;
        for (int i = 0; i < batch; i++)
        {
            ao[i] = oa; bo[i] = ob; co[i] = oc;
            for (int d = nb - 1; d >= 0; d--)
            {
                idx[d]++;
                oa += al.Strides[d]; ob += bl.Strides[d]; oc += cl.Strides[d];
                if (idx[d] < cl.Shape[d]) break;
                oa -= al.Strides[d] * idx[d]; ob -= bl.Strides[d] * idx[d]; oc -= cl.Strides[d] * idx[d];
                idx[d] = 0;
            }
        }
    }

    // Integer matmul is rare (no BLAS has it either); a plain loop in the element type, wrapping on
    // overflow as PyTorch's does.
    private static void IntegerMatMul<T>(T[] a, T[] b, T[] c, GemmProblem p) where T : unmanaged, IBinaryInteger<T>
    {
        for (int bi = 0; bi < p.AOffsets.Length; bi++)
        {
            int ao = p.AOffsets[bi], bo = p.BOffsets[bi], co = p.COffsets[bi];
            for (int i = 0; i < p.M; i++)
            {
                for (int j = 0; j < p.N; j++)
                {
                    T sum = T.Zero;
                    int ai = ao + i * p.ARowStride, bj = bo + j * p.BColStride;
                    for (int q = 0; q < p.K; q++, ai += p.AColStride, bj += p.BRowStride)
                        sum += a[ai] * b[bj];
                    c[co + i * p.CRowStride + j * p.CColStride] = sum;
                }
            }
        }
    }
}
