namespace Ember.Backends;

// Matrix multiplication: one batched primitive that every matmul form (dot, mv, mm, bmm, batched
// matmul with broadcasting) is lowered to by the frontend, so a tuned GEMM (or cuBLAS) replaces
// exactly one method.
internal partial interface IBackend
{
    /// <summary>
    /// <c>C[i] = A[i] @ B[i]</c> for every batch index <c>i</c>. The layouts have rank r &gt;= 2 and
    /// the same leading r-2 (batch) sizes: <paramref name="aLayout"/> is <c>[..., M, K]</c>,
    /// <paramref name="bLayout"/> is <c>[..., K, N]</c> and <paramref name="cLayout"/> is
    /// <c>[..., M, N]</c>. Any strides are allowed for A and B (transposed, sliced, broadcast batch
    /// dims with stride 0); C must not overlap itself or the inputs. All three storages share one
    /// dtype (the frontend refuses mixed dtypes, as PyTorch does, and refuses bool). C is overwritten,
    /// never accumulated into; when K is 0 it is filled with zeros. With <paramref name="rowBias"/>
    /// (a contiguous vector of N elements of the same dtype from <paramref name="rowBiasOffset"/>), every
    /// row of C gets it added once its product is complete: <c>C = A @ B + bias</c>, rounded as the
    /// product then the add (a linear layer in one pass).
    /// </summary>
    void MatMul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage c, Layout cLayout, Storage? rowBias = null, int rowBiasOffset = 0);
}
