using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// Packed, cache-blocked GEMM for float32 and float64 (the Goto/BLIS loop order): for each
/// <see cref="NC"/>-column block of B and <see cref="KC"/>-deep slice of K, B is packed once into
/// panels; then each <see cref="MC"/>-row block of A is packed and swept by the micro-kernel tile by
/// tile. Row blocks are independent, so large products run them in parallel; many small matrices in
/// a batch run the batch in parallel instead. Matrix-vector shapes (M or N is 1) skip packing and use
/// <see cref="TensorPrimitives"/> dot products, since a 1-wide operand would waste most of a tile.
/// Accumulation is in <typeparamref name="T"/> (float32 sums in float32, as BLAS does).
/// </summary>
internal static unsafe class Gemm<T> where T : unmanaged, INumber<T>
{
    /// <summary>Depth of a packed slice: an MR x KC panel of A plus a KC x NR panel of B stay in L1/L2.</summary>
    public const int KC = 256;

    /// <summary>Rows of A per packed block (a multiple of the tile height, 6).</summary>
    public const int MC = 96;

    /// <summary>Columns of B per packed block (a multiple of the tile width, 8 or 16).</summary>
    public const int NC = 2048;

    /// <summary>Below this many multiply-adds in the whole call everything runs on the calling thread.</summary>
    public const long ParallelThreshold = 1L << 21;

    private static int MR => MicroKernel<T>.MR;
    private static int NR => MicroKernel<T>.NR;

    public static void Run(T[] a, T[] b, T[] c, GemmProblem p)
    {
        int batch = p.Batch;
        long work = (long)batch * p.M * p.N * p.K;
        bool parallel = work >= ParallelThreshold && Threads.Count > 1;
        int rowBlocks = (p.M + MC - 1) / MC;
        fixed (T* pa = a, pb = b, pc = c)
        {
            nint na = (nint)pa, nb = (nint)pb, nc = (nint)pc;
            if (parallel && batch > 1 && (batch >= Threads.Count || rowBlocks < 2))
            {
                Parallel.For(0, batch, Threads.Options, i => One((T*)na + p.AOffsets[i], (T*)nb + p.BOffsets[i], (T*)nc + p.COffsets[i], p, false));
            }
            else
            {
                for (int i = 0; i < batch; i++)
                    One(pa + p.AOffsets[i], pb + p.BOffsets[i], pc + p.COffsets[i], p, parallel && rowBlocks > 1);
            }
        }
    }

    /// <summary>One matrix product C = A·B with the problem's sizes and strides.</summary>
    private static void One(T* a, T* b, T* c, GemmProblem p, bool parallelRows)
    {
        if (p.BPrepacked && (p.M == 1 || p.N == 1))
            throw new InvalidOperationException("gemm: a prepacked B needs M > 1 and N > 1.");
        if (p.N == 1) { Gemv(a, p.ARowStride, p.AColStride, p.M, p.K, b, p.BRowStride, c, p.CRowStride); return; }
        // A row vector times B is B^T times that vector.
        if (p.M == 1) { Gemv(b, p.BColStride, p.BRowStride, p.N, p.K, a, p.AColStride, c, p.CColStride); return; }
        if (p.M <= SmallM && p.K <= SmallRowsMaxK && (long)p.N * p.K >= SmallRowsMinB && !p.BPrepacked && SmallRows(a, b, c, p)) return;

        int m = p.M, n = p.N, k = p.K;
        int ncMax = Math.Min(NC, RoundUp(n, NR));
        int kcMax = Math.Min(KC, k);
        int mcMax = Math.Min(MC, RoundUp(m, MR));
        T[] bufB = ArrayPool<T>.Shared.Rent(p.BPrepacked ? 1 : kcMax * ncMax + AlignPad);
        T[]? bufA = parallelRows ? null : ArrayPool<T>.Shared.Rent(kcMax * mcMax + AlignPad);
        try
        {
            fixed (T* pb0 = bufB)
            {
                T* pb = Aligned(pb0);
                nint na = (nint)a, nc = (nint)c;
                for (int jc = 0; jc < n; jc += NC)
                {
                    int ncur = Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kcur = Math.Min(KC, k - pc);
                        T* packed = pb;
                        if (p.BPrepacked) packed = b + PackedBBlock(k, jc, pc, ncur);
                        else Packing<T>.PackB(b + (long)pc * p.BRowStride + (long)jc * p.BColStride, p.BRowStride, p.BColStride, kcur, ncur, NR, pb);
                        nint packedAt = (nint)packed;
                        bool acc = pc > 0;
                        int blocks = (m + MC - 1) / MC;
                        if (parallelRows)
                        {
                            int jc0 = jc, pc0 = pc;
                            Parallel.For(0, blocks, Threads.Options,
                                () => ArrayPool<T>.Shared.Rent(kcMax * mcMax + AlignPad),
                                (blk, _, buf) =>
                                {
                                    Block((T*)na, (T*)packedAt, (T*)nc, p, blk * MC, jc0, pc0, kcur, ncur, acc, buf);
                                    return buf;
                                },
                                buf => ArrayPool<T>.Shared.Return(buf));
                        }
                        else
                        {
                            for (int blk = 0; blk < blocks; blk++)
                                Block(a, packed, c, p, blk * MC, jc, pc, kcur, ncur, acc, bufA!);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(bufB);
            if (bufA != null) ArrayPool<T>.Shared.Return(bufA);
        }
    }

    /// <summary>Packs rows [ic, ic+MC) of the current K slice of A and multiplies them by the packed B block.</summary>
    private static void Block(T* a, T* packedB, T* c, GemmProblem p, int ic, int jc, int pc, int kc, int nc, bool acc, T[] bufA)
    {
        int mc = Math.Min(MC, p.M - ic);
        fixed (T* pa0 = bufA)
        {
            T* pa = Aligned(pa0);
            Packing<T>.PackA(a + (long)ic * p.ARowStride + (long)pc * p.AColStride, p.ARowStride, p.AColStride, mc, kc, MR, pa);
            int nr = NR, mr = MR;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int ncols = Math.Min(nr, nc - jr);
                T* bp = packedB + (long)jr * kc;
                T* cCol = c + (long)(jc + jr) * p.CColStride;
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int nrows = Math.Min(mr, mc - ir);
                    MicroKernel<T>.Run(kc, pa + (long)ir * kc, bp, cCol + (long)(ic + ir) * p.CRowStride,
                        p.CRowStride, p.CColStride, nrows, ncols, acc);
                }
            }
        }
    }

    /// <summary>At most this many rows of C take <see cref="SmallRows"/> when the operands' layout suits it.</summary>
    public const int SmallM = 8;

    /// <summary>
    /// Longer reductions stay on the packed path, whose sums run in the same order as BLAS kernels'
    /// (one multiply-add chain per element), so that long float32 sums (a convolution's weight
    /// gradient over a whole batch) keep matching PyTorch's to its last digits.
    /// </summary>
    public const int SmallRowsMaxK = 2048;

    /// <summary>Below this many elements of B packing it costs little, and the packed path keeps its summation order.</summary>
    public const int SmallRowsMinB = 8192;

    /// <summary>
    /// A few rows of C (a linear layer on a small batch) without packing: packing B would move as
    /// many elements as the product has multiply-adds per row. Each row of C is the matrix-vector
    /// product Bᵀ · (row of A), the same <see cref="Gemv"/> a single-row product takes: dot products
    /// where B's columns are contiguous (x · Wᵀ, a linear layer's forward), scaled row sums where B's
    /// rows are (g · W, its input gradient). Returns false for other layouts, which the packed path handles.
    /// </summary>
    private static bool SmallRows(T* a, T* b, T* c, GemmProblem p)
    {
        if (p.BRowStride != 1 && p.BColStride != 1) return false;
        for (int i = 0; i < p.M; i++)
            Gemv(b, p.BColStride, p.BRowStride, p.N, p.K, a + (long)i * p.ARowStride, p.AColStride, c + (long)i * p.CRowStride, p.CColStride);
        return true;
    }

    /// <summary>
    /// y[i] = Σ_k X[i, k] · v[k] for <paramref name="rows"/> rows: dot products over contiguous rows,
    /// or scaled column sums (axpy) when X is column-major.
    /// </summary>
    private static void Gemv(T* x, int xRs, int xCs, int rows, int k, T* v, int vs, T* y, int ys)
    {
        if (xCs == 1)
        {
            T[]? tmp = null;
            try
            {
                ReadOnlySpan<T> vec;
                if (vs == 1) vec = new ReadOnlySpan<T>(v, k);
                else
                {
                    tmp = ArrayPool<T>.Shared.Rent(k);
                    for (int q = 0; q < k; q++) tmp[q] = v[(long)q * vs];
                    vec = tmp.AsSpan(0, k);
                }
                for (int i = 0; i < rows; i++)
                    y[(long)i * ys] = TensorPrimitives.Dot(new ReadOnlySpan<T>(x + (long)i * xRs, k), vec);
            }
            finally { if (tmp != null) ArrayPool<T>.Shared.Return(tmp); }
            return;
        }
        if (xRs == 1)
        {
            T[] acc = ArrayPool<T>.Shared.Rent(rows);
            try
            {
                var sum = acc.AsSpan(0, rows);
                sum.Clear();
                for (int q = 0; q < k; q++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(x + (long)q * xCs, rows), v[(long)q * vs], sum, sum);
                for (int i = 0; i < rows; i++) y[(long)i * ys] = sum[i];
            }
            finally { ArrayPool<T>.Shared.Return(acc); }
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            T s = T.Zero;
            T* row = x + (long)i * xRs;
            for (int q = 0; q < k; q++) s += row[(long)q * xCs] * v[(long)q * vs];
            y[(long)i * ys] = s;
        }
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>Extra elements rented for a packing buffer so that its start can be moved to a 64-byte boundary.</summary>
    private static readonly int AlignPad = 64 / sizeof(T);

    /// <summary>
    /// The first 64-byte boundary at or after <paramref name="p"/>. Packed panels start there, so every
    /// vector load of the micro-kernel stays within one cache line: .NET arrays are only 8- or
    /// 16-byte aligned, and a 64-byte load across two lines costs a second access (runs of the same
    /// program differed by half in speed with the arrays' placement).
    /// </summary>
    internal static T* Aligned(T* p) => (T*)(((nint)p + 63) & ~(nint)63);

    // The packed order of a whole k x n B, as the GEMM would produce it block by block: blocks of NC
    // columns one after another (each k x RoundUp(ncur, NR)); within one, slices of KC rows (each
    // kcur x RoundUp(ncur, NR)); within a slice, panels of NR columns, row by row (element (p, jj) of
    // a panel at p * NR + jj); columns past n are zero.

    /// <summary>Elements of a packed k x n B.</summary>
    public static long PackedBSize(int k, int n) => (long)k * (n / NC * NC + RoundUp(n % NC, NR));

    /// <summary>Where the block for columns from <paramref name="jc"/> and rows from <paramref name="pc"/> starts.</summary>
    private static long PackedBBlock(int k, int jc, int pc, int ncur) => (long)jc * k + (long)pc * RoundUp(ncur, NR);

    /// <summary>
    /// Index in a packed k x n B of element (<paramref name="row"/>, <paramref name="col"/>); consecutive
    /// columns within one panel of <see cref="NR"/> are consecutive in memory.
    /// </summary>
    public static long PackedBIndex(int k, int n, int row, int col)
    {
        int jc = col - col % NC, pc = row - row % KC;
        int ncur = Math.Min(NC, n - jc), kcur = Math.Min(KC, k - pc);
        int q = (col - jc) / NR;
        return PackedBBlock(k, jc, pc, ncur) + (long)q * NR * kcur + (long)(row - pc) * NR + (col - jc) % NR;
    }

    /// <summary>Columns per packed panel of B (the micro-kernel's tile width).</summary>
    public static int PanelWidth => NR;
}
