using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// Packed, cache-blocked GEMM for float32 and float64 (the Goto/BLIS loop order): for each
/// <see cref="NC"/>-column block of B and <see cref="KC"/>-deep slice of K, B is packed once into
/// panels; then each <see cref="MC"/>-row block of A is packed and swept by the micro-kernel tile by
/// tile. Large products split C into one rectangle per thread of <see cref="WorkerTeam"/>; many small
/// matrices in a batch run the batch in parallel instead. Matrix-vector shapes (M or N is 1) skip packing and use
/// <see cref="TensorPrimitives"/> dot products, since a 1-wide operand would waste most of a tile.
/// Accumulation is in <typeparamref name="T"/> (float32 sums in float32, as BLAS does).
/// </summary>
internal static unsafe class Gemm<T> where T : unmanaged, INumber<T>
{
    /// <summary>
    /// Depth of a packed slice: a KC x NR micro-panel of B (16 KiB with the AVX2 tiles, 32 KiB
    /// with the AVX-512 float one) stays in a 32 KiB L1 while the A panels stream past. Fixed rather
    /// than taken from the cache size because it sets the order of every float32 sum (each output
    /// element is KC-long multiply-add chains added in turn): results stay the same on every machine
    /// and at every thread count.
    /// </summary>
    public const int KC = 256;

    /// <summary>
    /// Rows of A per packed block (a multiple of the tile height): an MC x KC block of A takes about
    /// half of the core's L2, so it stays there while every panel of B passes over it.
    /// </summary>
    public static readonly int MC = ChooseMC();

    /// <summary>
    /// Columns of B per packed block (a multiple of the tile width): a KC x NC slice of B takes about
    /// a quarter of the shared L3, at most 4096 columns.
    /// </summary>
    public static readonly int NC = ChooseNC();

    /// <summary>Below this many multiply-adds in the whole call everything runs on the calling thread.</summary>
    public const long ParallelThreshold = 1L << 21;

    private static int MR => MicroKernel<T>.MR;
    private static int NR => MicroKernel<T>.NR;

    private static int ChooseMC()
    {
        long rows = CacheSizes.L2 / 2 / (KC * sizeof(T));
        int mr = MicroKernel<T>.MR;
        return (int)Math.Clamp(rows / mr * mr, 4 * mr, 40 * mr);
    }

    private static int ChooseNC()
    {
        long cols = CacheSizes.L3 / 4 / (KC * sizeof(T));
        const int quantum = 64; // a multiple of every kernel's NR
        return (int)Math.Clamp(cols / quantum * quantum, 512, 4096);
    }

    public static void Run(T[] a, T[] b, T[] c, GemmProblem p)
    {
        int batch = p.Batch;
        long work = (long)batch * p.M * p.N * p.K;
        int threads = work >= ParallelThreshold ? Threads.Count : 1;
        T[]? biasArray = (T[]?)p.RowBias;
        fixed (T* pa = a, pb = b, pc = c, pbias0 = biasArray)
        {
            T* pbias = biasArray is null ? null : pbias0 + p.RowBiasOffset;
            nint na = (nint)pa, nb = (nint)pb, nc = (nint)pc, nbias = (nint)pbias;
            // Many matrices: one per thread at a time, unless one product alone splits better.
            if (threads > 1 && batch > 1 && (batch >= threads || Tiles(p.M, MR) * Tiles(p.N, NR) < 2 * threads))
            {
                WorkerTeam.Run(batch, i => One((T*)na + p.AOffsets[i], (T*)nb + p.BOffsets[i], (T*)nc + p.COffsets[i], p, 1, (T*)nbias));
            }
            else
            {
                for (int i = 0; i < batch; i++)
                    One(pa + p.AOffsets[i], pb + p.BOffsets[i], pc + p.COffsets[i], p, threads, pbias);
            }
        }
    }

    private static int Tiles(int extent, int tile) => (extent + tile - 1) / tile;

    /// <summary>One matrix product C = A·B with the problem's sizes and strides, on up to <paramref name="threads"/> threads.</summary>
    private static void One(T* a, T* b, T* c, GemmProblem p, int threads, T* bias)
    {
        if (p.BPrepacked && (p.M == 1 || p.N == 1))
            throw new InvalidOperationException("gemm: a prepacked B needs M > 1 and N > 1.");
        if (p.N == 1) { Gemv(a, p.ARowStride, p.AColStride, p.M, p.K, b, p.BRowStride, c, p.CRowStride); AddRowBias(c, p, bias); return; }
        // A row vector times B is B^T times that vector.
        if (p.M == 1) { Gemv(b, p.BColStride, p.BRowStride, p.N, p.K, a, p.AColStride, c, p.CColStride); AddRowBias(c, p, bias); return; }
        if (p.M <= SmallM && p.K <= SmallRowsMaxK && (long)p.N * p.K >= SmallRowsMinB && !p.BPrepacked && SmallRows(a, b, c, p)) { AddRowBias(c, p, bias); return; }

        int mt = Tiles(p.M, MR), nt = Tiles(p.N, NR);
        (int tm, int tn) = Split(mt, nt, p.K, threads);
        if (tm * tn == 1) { Part(a, b, c, p, 0, p.M, 0, p.N, bias); return; }
        // Each thread computes its own rectangle of C from start to end, packing its own rows of A
        // and columns of B: no thread waits for another's packing, there is one fork and one join
        // per product, and every element of C is summed in the same order whatever the split.
        nint na = (nint)a, nb = (nint)b, nc = (nint)c, nbias = (nint)bias;
        WorkerTeam.Run(tm * tn, t =>
        {
            int ti = t / tn, tj = t % tn;
            int i0 = (int)((long)mt * ti / tm) * MR, i1 = Math.Min(p.M, (int)((long)mt * (ti + 1) / tm) * MR);
            int j0 = (int)((long)nt * tj / tn) * NR, j1 = Math.Min(p.N, (int)((long)nt * (tj + 1) / tn) * NR);
            if (i0 < i1 && j0 < j1) Part((T*)na, (T*)nb, (T*)nc, p, i0, i1, j0, j1, (T*)nbias);
        });
    }

    /// <summary>
    /// The grid of tm x tn rectangles of C (tm * tn &lt;= <paramref name="threads"/>) with the least work
    /// on the busiest thread: its tiles' multiply-adds plus its packing (a packed element costs about
    /// as much as a dozen multiply-adds), so square products split one way, skinny ones the other, and
    /// small ones use fewer threads when splitting would cost more packing than it saves.
    /// </summary>
    internal static (int Tm, int Tn) Split(int mt, int nt, int k, int threads)
    {
        const long PackCost = 12;
        (int, int) best = (1, 1);
        long bestCost = long.MaxValue;
        for (int tm = 1; tm <= Math.Min(threads, mt); tm++)
        {
            for (int tn = 1; tn * tm <= threads && tn <= nt; tn++)
            {
                long rows = (long)Tiles(mt, tm) * MR, cols = (long)Tiles(nt, tn) * NR;
                long cost = rows * cols * k + PackCost * k * (rows + cols);
                if (cost < bestCost) { bestCost = cost; best = (tm, tn); }
            }
        }
        return best;
    }

    /// <summary>
    /// Rows [i0, i1) x columns [j0, j1) of C = A·B, the Goto loop nest: for each NC-column block and
    /// KC-deep slice, pack that slice of B (unless it is prepacked), then pack and sweep MC-row blocks of A.
    /// </summary>
    private static void Part(T* a, T* b, T* c, GemmProblem p, int i0, int i1, int j0, int j1, T* bias)
    {
        int n = p.N, k = p.K;
        int kcMax = Math.Min(KC, k);
        int mcMax = Math.Min(MC, RoundUp(i1 - i0, MR));
        int ncMax = Math.Min(NC, RoundUp(j1 - j0, NR));
        bool direct = ReadsBInPlace(p, k, j1 - j0);
        T[] bufB = ArrayPool<T>.Shared.Rent(p.BPrepacked ? 1 : direct ? kcMax * NR + AlignPad : kcMax * ncMax + AlignPad);
        T[] bufA = ArrayPool<T>.Shared.Rent(kcMax * mcMax + AlignPad);
        try
        {
            fixed (T* pb0 = bufB, pa0 = bufA)
            {
                T* pb = Aligned(pb0), pa = Aligned(pa0);
                // Blocks of NC columns on the global grid, which a prepacked B is laid out by.
                for (int jb = j0 - j0 % NC; jb < j1; jb += NC)
                {
                    int js = Math.Max(jb, j0), je = Math.Min(Math.Min(jb + NC, j1), n);
                    int ncur = je - js;
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kcur = Math.Min(KC, k - pc);
                        T* packed = pb;
                        T* inPlace = null;
                        if (p.BPrepacked) packed = b + PackedBBlock(k, jb, pc, Math.Min(NC, n - jb)) + (long)(js - jb) * kcur;
                        else if (direct)
                        {
                            // Full panels are read where they are; a last, narrower one is packed (zero-padded) once here.
                            inPlace = b + (long)pc * p.BRowStride + js;
                            int tail = ncur % NR;
                            if (tail != 0) Packing<T>.PackB(inPlace + (ncur - tail), p.BRowStride, 1, kcur, tail, NR, pb);
                        }
                        else Packing<T>.PackB(b + (long)pc * p.BRowStride + (long)js * p.BColStride, p.BRowStride, p.BColStride, kcur, ncur, NR, pb);
                        bool acc = pc > 0;
                        for (int ic = i0; ic < i1; ic += MC)
                            Block(a, packed, inPlace, c, p, ic, Math.Min(MC, i1 - ic), js, pc, kcur, ncur, acc, pa, pc + kcur == k ? bias : null);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(bufB);
            ArrayPool<T>.Shared.Return(bufA);
        }
    }

    /// <summary>Bytes of B (its rows [0, k) x the columns one thread computes) up to which a row-major B is read in place.</summary>
    public const int InPlaceBBytes = 64 * 1024;

    /// <summary>
    /// Whether the GEMM reads B where it is instead of packing it: B row-major (unit column stride) and
    /// small, as in a 64 x 64 or 128 x 128 product. Such a B stays in L1/L2 while every tile of C sweeps
    /// it, so the kernel loses nothing reading its rows at their stride, and packing it was pure
    /// overhead: as many element copies as a 64 x 64 product has multiply-adds per row of C, and at
    /// two threads each thread packed all of B for half of the product. Results are the same bits
    /// either way: the same kernel sums the same products in the same order.
    /// </summary>
    internal static bool ReadsBInPlace(GemmProblem p, int k, int columns) =>
        !p.BPrepacked && p.BColStride == 1 && (long)k * columns * sizeof(T) <= InPlaceBBytes;

    /// <summary>
    /// Packs rows [ic, ic+mc) of the current K slice of A into <paramref name="pa"/> and multiplies them by
    /// the B block: packed panels at <paramref name="packedB"/>, or, when <paramref name="inPlaceB"/> is not
    /// null, B's own rows there (full panels) with the last, narrower panel packed at <paramref name="packedB"/>.
    /// On the last K slice, <paramref name="bias"/> (when not null) is added to each finished tile while
    /// it is still in L1.
    /// </summary>
    private static void Block(T* a, T* packedB, T* inPlaceB, T* c, GemmProblem p, int ic, int mc, int jc, int pc, int kc, int nc, bool acc, T* pa, T* bias)
    {
        Packing<T>.PackA(a + (long)ic * p.ARowStride + (long)pc * p.AColStride, p.ARowStride, p.AColStride, mc, kc, MR, pa);
        int nr = NR, mr = MR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncols = Math.Min(nr, nc - jr);
            T* bp;
            int ldb = nr;
            if (inPlaceB == null) bp = packedB + (long)jr * kc;
            else if (ncols == nr) { bp = inPlaceB + jr; ldb = p.BRowStride; }
            else bp = packedB;
            T* cCol = c + (long)(jc + jr) * p.CColStride;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int nrows = Math.Min(mr, mc - ir);
                T* cTile = cCol + (long)(ic + ir) * p.CRowStride;
                MicroKernel<T>.Run(kc, pa + (long)ir * kc, bp, ldb, cTile, p.CRowStride, p.CColStride, nrows, ncols, acc);
                if (bias != null) AddBias(cTile, p.CRowStride, p.CColStride, nrows, ncols, bias + jc + jr);
            }
        }
    }

    /// <summary>C[i, j] += bias[j] over an rows x cols tile (the product is complete: the sum rounds as (A·B) + bias).</summary>
    private static void AddBias(T* c, int rs, int cs, int rows, int cols, T* bias)
    {
        for (int i = 0; i < rows; i++)
        {
            T* row = c + (long)i * rs;
            if (cs == 1)
            {
                var r = new Span<T>(row, cols);
                TensorPrimitives.Add(r, new ReadOnlySpan<T>(bias, cols), r);
            }
            else
            {
                for (int j = 0; j < cols; j++) row[(long)j * cs] += bias[j];
            }
        }
    }

    /// <summary>Adds the problem's row bias to the whole M x N product at <paramref name="c"/> (the unpacked paths).</summary>
    private static void AddRowBias(T* c, GemmProblem p, T* bias)
    {
        if (bias != null) AddBias(c, p.CRowStride, p.CColStride, p.M, p.N, bias);
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

    /// <summary>
    /// Packs a whole k x n B (element (p, j) at <paramref name="src"/>[p·rs + j·cs]) into
    /// <paramref name="dst"/>, <see cref="PackedBSize"/>(k, n) elements in the order the GEMM reads a
    /// prepacked B: a matrix used as B by many products (a recurrent layer's W_hh, once per step) is
    /// packed once instead of once per product.
    /// </summary>
    public static void PackWholeB(T* src, int rs, int cs, int k, int n, T* dst)
    {
        for (int jc = 0; jc < n; jc += NC)
        {
            int ncur = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
                Packing<T>.PackB(src + (long)pc * rs + (long)jc * cs, rs, cs, Math.Min(KC, k - pc), ncur, NR, dst + PackedBBlock(k, jc, pc, ncur));
        }
    }

    /// <summary>Columns per packed panel of B (the micro-kernel's tile width).</summary>
    public static int PanelWidth => NR;
}
