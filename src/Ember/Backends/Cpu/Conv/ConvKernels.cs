using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Ember.Backends.Cpu.Gemm;

namespace Ember.Backends.Cpu.Conv;

/// <summary>
/// Convolution as matrix products (im2col + GEMM): per sample and group, the output is the weight
/// [Og, Cg·KH·KW] times the unfolded input [Cg·KH·KW, OH·OW]. Samples are processed in chunks whose
/// unfolded matrices fit in <see cref="ColBudget"/> elements; a chunk's matrices go to the packed GEMM
/// as one batch, which runs them in parallel when there is enough work, and the unfolding itself is
/// parallel over the chunk's samples. Arrays arrive with their storage offsets; every layout is contiguous.
/// </summary>
internal static class ConvKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>The most unfolded-matrix elements held at once (a chunk has at least one sample).</summary>
    private const int ColBudget = 1 << 22;

    /// <summary>Below this many unfolded elements a chunk is unfolded on the calling thread.</summary>
    private const int ParallelUnfold = 1 << 18;

    public static void Forward(T[] x, int xo, T[] w, int wo, T[]? bias, int bo, T[] y, int yo, ConvGeometry g)
    {
        int k = g.ColRows, l = g.OutPlane, groups = g.Groups;
        int ySample = g.O * l, xSample = g.C * g.InPlane;
        if (g.N == 0 || ySample == 0) return;
        if (DirectConv<T>.Applies(g)) { DirectConv<T>.Forward(x, xo, w, wo, bias, bo, y, yo, g); return; }
        if (k == 0) y.AsSpan(yo, g.N * ySample).Clear();
        else if (g.IsPointwise)
        {
            // The input is its own unfolded matrix: multiply in place, one batch entry per sample and group.
            var p = Problem(g.Og, l, k, g.N * groups);
            for (int j = 0; j < g.N * groups; j++)
            {
                int n = j / groups, grp = j % groups;
                p.AOffsets[j] = wo + grp * g.Og * k;
                p.BOffsets[j] = xo + n * xSample + grp * g.Cg * g.InPlane;
                p.COffsets[j] = yo + n * ySample + grp * g.Og * l;
            }
            SetStrides(p, k, 1, l, 1, l, 1);
            Gemm<T>.Run(w, x, y, p);
        }
        else
        {
            // Unfold straight into the GEMM's packed order where the product has no matrix-vector
            // shortcut to take (more than one output channel and position); else the plain matrix.
            bool packed = g.Og > 1 && l > 1;
            int colSize = ColSize(g, packed ? Gemm<T>.PackedBSize(k, l) : (long)k * l);
            int chunk = Chunk(g.N, (long)groups * colSize);
            T[] col = RentCol(chunk * groups * colSize, g);
            try
            {
                for (int n0 = 0; n0 < g.N; n0 += chunk)
                {
                    int nc = Math.Min(chunk, g.N - n0), jobs = nc * groups;
                    int first = n0;
                    For(jobs, (long)jobs * colSize, j =>
                    {
                        int xAt = xo + (first + j / groups) * xSample + j % groups * g.Cg * g.InPlane;
                        if (packed) Im2Col<T>.UnfoldPacked(x, xAt, g, col, j * colSize);
                        else Im2Col<T>.Unfold(x, xAt, g, col, j * colSize, l);
                    });
                    var p = Problem(g.Og, l, k, jobs);
                    p.BPrepacked = packed;
                    for (int j = 0; j < jobs; j++)
                    {
                        int n = n0 + j / groups, grp = j % groups;
                        p.AOffsets[j] = wo + grp * g.Og * k;
                        p.BOffsets[j] = j * colSize;
                        p.COffsets[j] = yo + n * ySample + grp * g.Og * l;
                    }
                    SetStrides(p, k, 1, l, 1, l, 1);
                    Gemm<T>.Run(w, col, y, p);
                }
            }
            finally { ArrayPool<T>.Shared.Return(col); }
        }
        if (bias is not null) AddBias(y, yo, bias, bo, g.N, g.O, l);
    }

    /// <summary>gx = convᵀ(gy, w) (+ bias over gx's channels): per sample and group, wᵀ · gy folded back onto the input.</summary>
    public static void Transpose(T[] gy, int gyo, T[] w, int wo, T[]? bias, int bo, T[] gx, int gxo, ConvGeometry g)
    {
        int k = g.ColRows, l = g.OutPlane, groups = g.Groups;
        int ySample = g.O * l, xSample = g.C * g.InPlane;
        if (g.N == 0 || xSample == 0) return;
        if (k > 0 && l > 0 && DirectConv<T>.TransposedGeometry(g) is { } t)
        {
            DirectConv<T>.InputGrad(gy, gyo, w, wo, bias, bo, gx, gxo, t);
            return;
        }
        if (k == 0 || l == 0 || g.Og == 0) gx.AsSpan(gxo, g.N * xSample).Clear();
        else if (g.IsPointwise)
        {
            var p = Problem(k, l, g.Og, g.N * groups);
            for (int j = 0; j < g.N * groups; j++)
            {
                int n = j / groups, grp = j % groups;
                p.AOffsets[j] = wo + grp * g.Og * k;
                p.BOffsets[j] = gyo + n * ySample + grp * g.Og * l;
                p.COffsets[j] = gxo + n * xSample + grp * g.Cg * g.InPlane;
            }
            SetStrides(p, 1, k, l, 1, l, 1);
            Gemm<T>.Run(w, gy, gx, p);
        }
        else
        {
            gx.AsSpan(gxo, g.N * xSample).Clear();
            int kl = ColSize(g, (long)k * l);
            int chunk = Chunk(g.N, (long)groups * kl);
            T[] col = RentCol(chunk * groups * kl, g);
            try
            {
                for (int n0 = 0; n0 < g.N; n0 += chunk)
                {
                    int nc = Math.Min(chunk, g.N - n0), jobs = nc * groups;
                    var p = Problem(k, l, g.Og, jobs);
                    for (int j = 0; j < jobs; j++)
                    {
                        int n = n0 + j / groups, grp = j % groups;
                        p.AOffsets[j] = wo + grp * g.Og * k;
                        p.BOffsets[j] = gyo + n * ySample + grp * g.Og * l;
                        p.COffsets[j] = j * k * l;
                    }
                    SetStrides(p, 1, k, l, 1, l, 1);
                    Gemm<T>.Run(w, gy, col, p);
                    int first = n0;
                    // Each job folds onto its own sample's channels of its group, so jobs never write the same element.
                    For(jobs, jobs * k * l, j =>
                        Im2Col<T>.Fold(col, j * k * l, l, g, gx, gxo + (first + j / groups) * xSample + j % groups * g.Cg * g.InPlane));
                }
            }
            finally { ArrayPool<T>.Shared.Return(col); }
        }
        if (bias is not null) AddBias(gx, gxo, bias, bo, g.N, g.C, g.InPlane);
    }

    /// <summary>
    /// gw = Σₙ gy[n] · unfold(x[n])ᵀ per group. A chunk's samples are unfolded side by side (rows of
    /// nc·OH·OW elements) and its output gradients gathered to match, so the sum over the chunk is
    /// the GEMM's own inner dimension; chunks after the first are added on.
    /// </summary>
    public static void WeightGrad(T[] x, int xo, T[] gy, int gyo, T[] gw, int gwo, ConvGeometry g)
    {
        int k = g.ColRows, l = g.OutPlane, groups = g.Groups, og = g.Og;
        int ySample = g.O * l, xSample = g.C * g.InPlane, wSize = g.O * k;
        if (wSize == 0) return;
        if (g.N == 0 || l == 0) { gw.AsSpan(gwo, wSize).Clear(); return; }
        if (DirectConv<T>.Applies(g)) { DirectConv<T>.WeightGrad(x, xo, gy, gyo, gw, gwo, g); return; }
        int kl = ColSize(g, (long)k * l);
        int chunk = Chunk(g.N, (long)groups * kl);
        T[] col = RentCol(chunk * groups * kl, g);
        T[]? gyBuf = chunk > 1 ? ArrayPool<T>.Shared.Rent(chunk * ySample) : null;
        T[]? partial = chunk < g.N ? ArrayPool<T>.Shared.Rent(wSize) : null;
        try
        {
            for (int n0 = 0; n0 < g.N; n0 += chunk)
            {
                int nc = Math.Min(chunk, g.N - n0), ld = nc * l, first = n0;
                // col[grp] is [k, nc·l]: sample j's unfolded matrix fills columns j·l .. j·l + l.
                For(nc * groups, nc * groups * k * l, job =>
                {
                    int j = job / groups, grp = job % groups;
                    Im2Col<T>.Unfold(x, xo + (first + j) * xSample + grp * g.Cg * g.InPlane, g, col, grp * k * ld + j * l, ld);
                });
                T[] a; int aBase, aRow;
                if (nc == 1) { a = gy; aBase = gyo + n0 * ySample; aRow = l; }
                else
                {
                    // gyBuf is [O, nc·l]: the chunk's output gradients with channels outermost.
                    for (int j = 0; j < nc; j++)
                        for (int o = 0; o < g.O; o++)
                            gy.AsSpan(gyo + (n0 + j) * ySample + o * l, l).CopyTo(gyBuf.AsSpan(o * ld + j * l, l));
                    a = gyBuf!; aBase = 0; aRow = ld;
                }
                bool firstChunk = n0 == 0;
                T[] c = firstChunk ? gw : partial!;
                int cBase = firstChunk ? gwo : 0;
                var p = Problem(og, k, ld, groups);
                for (int grp = 0; grp < groups; grp++)
                {
                    p.AOffsets[grp] = aBase + grp * og * aRow;
                    p.BOffsets[grp] = grp * k * ld;
                    p.COffsets[grp] = cBase + grp * og * k;
                }
                // B = col[grp]ᵀ: element (q, r) is col[grp][r, q].
                SetStrides(p, aRow, 1, 1, ld, k, 1);
                Gemm<T>.Run(a, col, c, p);
                if (!firstChunk)
                {
                    var d = gw.AsSpan(gwo, wSize);
                    TensorPrimitives.Add(d, partial.AsSpan(0, wSize), d);
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(col);
            if (gyBuf is not null) ArrayPool<T>.Shared.Return(gyBuf);
            if (partial is not null) ArrayPool<T>.Shared.Return(partial);
        }
    }

    private static void AddBias(T[] y, int yo, T[] bias, int bo, int n, int channels, int plane)
    {
        if (plane == 0) return;
        for (int s = 0; s < n; s++)
            for (int c = 0; c < channels; c++)
            {
                var row = y.AsSpan(yo + (s * channels + c) * plane, plane);
                TensorPrimitives.Add(row, bias[bo + c], row);
            }
    }

    /// <summary>
    /// The elements of one group's unfolded matrix, checked: a sample's matrices (all groups) share one
    /// array, so a large input with a large kernel can need more than one array holds even when the
    /// input and output tensors fit. A chunk holds at most max(ColBudget, one sample), so it fits too.
    /// </summary>
    private static int ColSize(ConvGeometry g, long perGroup)
    {
        if (perGroup > ShapeMath.MaxElements || perGroup * g.Groups > ShapeMath.MaxElements)
            throw new ArgumentException(
                $"convolution: the unfolded input of one sample (im2col buffer: {g.Groups} group(s) of [{g.ColRows}, {g.OutPlane}], {perGroup * g.Groups} elements) " +
                $"for input [{g.N}, {g.C}, {g.H}, {g.W}] and weight [{g.O}, {g.Cg}, {g.KH}, {g.KW}] is more than one .NET array holds (at most {ShapeMath.MaxElements} elements).");
        return (int)perGroup;
    }

    /// <summary>An unfolded-input buffer; running out of memory names what it was for and how big it was.</summary>
    private static T[] RentCol(int length, ConvGeometry g)
    {
        try { return ArrayPool<T>.Shared.Rent(length); }
        catch (OutOfMemoryException e)
        {
            throw new OutOfMemoryException(
                $"convolution: out of memory allocating the unfolded input (im2col buffer) of {length} elements, {(long)length * Unsafe.SizeOf<T>()} bytes, " +
                $"for input [{g.N}, {g.C}, {g.H}, {g.W}] and weight [{g.O}, {g.Cg}, {g.KH}, {g.KW}].", e);
        }
    }

    /// <summary>How many samples share one unfolded buffer of at most <see cref="ColBudget"/> elements.</summary>
    private static int Chunk(int n, long perSample) => (int)Math.Clamp(ColBudget / Math.Max(perSample, 1), 1, n);

    private static GemmProblem Problem(int m, int n, int k, int batch) => new()
    {
        M = m, N = n, K = k,
        AOffsets = new int[batch], BOffsets = new int[batch], COffsets = new int[batch],
    };

    private static void SetStrides(GemmProblem p, int ar, int ac, int br, int bc, int cr, int cc)
    {
        p.ARowStride = ar; p.AColStride = ac;
        p.BRowStride = br; p.BColStride = bc;
        p.CRowStride = cr; p.CColStride = cc;
    }

    /// <summary>Runs <paramref name="body"/> for 0..count, in parallel when the work is large enough to pay for it.</summary>
    private static void For(int count, long work, Action<int> body)
    {
        if (count > 1 && work >= ParallelUnfold && Threads.Count > 1) WorkerTeam.Run(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
