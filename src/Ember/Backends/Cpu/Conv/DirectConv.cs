using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ember.Backends.Cpu.Conv;

/// <summary>
/// Direct convolution for small layers (few output channels, unit stride, one group), the shape of
/// the chapter's LeNet. im2col would copy every input element KH·KW times into a matrix far larger
/// than the arithmetic it feeds; here each output row segment of one vector (16 floats, 8 doubles)
/// for <see cref="Block"/> output channels stays in registers while the kernel taps stream past: per
/// tap one load of the input row and eight broadcast multiply-adds. Padding costs nothing extra: each
/// sample is first copied into a zero-bordered scratch plane (with a tail, so that the last vector
/// of a row may read past its end without leaving the buffer). Unit stride only: a strided window
/// would turn the row loads into gathers.
/// </summary>
internal static unsafe class DirectConv<T> where T : unmanaged, INumber<T>
{
    /// <summary>Output channels computed together (eight accumulators).</summary>
    public const int Block = 8;

    /// <summary>Layers with more output channels go to im2col + GEMM, whose larger tiles then win.</summary>
    public const int MaxOutChannels = 64;

    private const long ParallelWork = 1 << 22;

    /// <summary>True where this kernel handles the layer.</summary>
    public static bool Applies(ConvGeometry g) =>
        Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        && g.Groups == 1 && g.SH == 1 && g.SW == 1 && g.O <= MaxOutChannels && g.OH > 0 && g.OW > 0 && g.C > 0
        && ScratchFits(g);

    // The padded input plane is one scratch array; when a huge padding or dilation makes it too big
    // for one, the im2col path (which checks its own buffer) takes the convolution instead.
    private static bool ScratchFits(ConvGeometry g)
    {
        long ph = g.OH + (long)g.DH * (g.KH - 1), pw = g.OW + (long)g.DW * (g.KW - 1);
        if (ph > int.MaxValue || pw > int.MaxValue) return false;
        long plane = ShapeMath.Product([g.C, (int)ph, (int)pw]);
        return plane >= 0 && plane + pw + 64 + (long)g.KW * g.DW <= ShapeMath.MaxElements; // scratchLen in Forward, with room for the vector width
    }

    public static void Forward(T[] x, int xo, T[] w, int wo, T[]? bias, int bo, T[] y, int yo, ConvGeometry g)
    {
        int vw = Vector512<T>.Count;
        int taps = g.C * g.KH * g.KW, blocks = (g.O + Block - 1) / Block;
        // The padded plane as far as the windows reach (padding after the input may differ from
        // before it, as with padding="same" and an even kernel).
        int ph = g.OH + g.DH * (g.KH - 1), pw = g.OW + g.DW * (g.KW - 1);
        int scratchLen = g.C * ph * pw + pw + vw + g.KW * g.DW; // a tail for reads past the last row
        // Weights regrouped as [block][tap][8] (channels past O are zero), so the eight broadcasts of a tap are adjacent.
        T[] wt = ArrayPool<T>.Shared.Rent(blocks * taps * Block);
        try
        {
            Array.Clear(wt, 0, blocks * taps * Block);
            for (int o = 0; o < g.O; o++)
                for (int t = 0; t < taps; t++)
                    wt[((o / Block) * taps + t) * Block + o % Block] = w[wo + o * taps + t];
            long work = (long)g.N * g.O * g.OH * g.OW * taps;
            int n = g.N;
            if (n > 1 && work >= ParallelWork && Threads.Count > 1)
            {
                // One contiguous run of samples per thread of the worker team, each with its own scratch.
                int chunks = Math.Min(n, Threads.Count);
                WorkerTeam.Run(chunks, ci =>
                {
                    T[] scratch = RentScratch(scratchLen);
                    try { for (int s = ci * n / chunks; s < (ci + 1) * n / chunks; s++) Sample(x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw); }
                    finally { ArrayPool<T>.Shared.Return(scratch); }
                });
            }
            else
            {
                T[] scratch = RentScratch(scratchLen);
                try { for (int s = 0; s < n; s++) Sample(x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw); }
                finally { ArrayPool<T>.Shared.Return(scratch); }
            }
        }
        finally { ArrayPool<T>.Shared.Return(wt); }
    }

    private static void Sample(T[] x, int xo, T[] wt, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
    {
        int plane = ph * pw;
        CopyPadded(x, xo, g, s, scratch, ph, pw);
        int vw = Vector512<T>.Count, taps = g.C * g.KH * g.KW;
        int blocks = (g.O + Block - 1) / Block;
        T* tail = stackalloc T[Block * 16];
        fixed (T* sp = scratch, wp0 = wt, yp0 = y)
        {
            for (int b = 0; b < blocks; b++)
            {
                int live = Math.Min(Block, g.O - b * Block);
                T* wb = wp0 + (long)b * taps * Block;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    for (int ow0 = 0; ow0 < g.OW; ow0 += vw)
                    {
                        Vector512<T> a0 = Init(bias, bo, b, 0, live), a1 = Init(bias, bo, b, 1, live);
                        Vector512<T> a2 = Init(bias, bo, b, 2, live), a3 = Init(bias, bo, b, 3, live);
                        Vector512<T> a4 = Init(bias, bo, b, 4, live), a5 = Init(bias, bo, b, 5, live);
                        Vector512<T> a6 = Init(bias, bo, b, 6, live), a7 = Init(bias, bo, b, 7, live);
                        T* wp = wb;
                        for (int c = 0; c < g.C; c++)
                        {
                            for (int kh = 0; kh < g.KH; kh++)
                            {
                                T* row = sp + c * plane + (oh + kh * g.DH) * pw + ow0;
                                for (int kw = 0; kw < g.KW; kw++, wp += Block)
                                {
                                    var v = Vector512.Load(row + kw * g.DW);
                                    a0 = Simd.Fma(v, Vector512.Create(wp[0]), a0); a1 = Simd.Fma(v, Vector512.Create(wp[1]), a1);
                                    a2 = Simd.Fma(v, Vector512.Create(wp[2]), a2); a3 = Simd.Fma(v, Vector512.Create(wp[3]), a3);
                                    a4 = Simd.Fma(v, Vector512.Create(wp[4]), a4); a5 = Simd.Fma(v, Vector512.Create(wp[5]), a5);
                                    a6 = Simd.Fma(v, Vector512.Create(wp[6]), a6); a7 = Simd.Fma(v, Vector512.Create(wp[7]), a7);
                                }
                            }
                        }
                        int valid = Math.Min(vw, g.OW - ow0);
                        T* yAt = yp0 + yo + (((long)s * g.O + b * Block) * g.OH + oh) * g.OW + ow0;
                        long chan = (long)g.OH * g.OW;
                        if (valid == vw)
                        {
                            Store(a0, yAt, 0, live, chan); Store(a1, yAt, 1, live, chan); Store(a2, yAt, 2, live, chan); Store(a3, yAt, 3, live, chan);
                            Store(a4, yAt, 4, live, chan); Store(a5, yAt, 5, live, chan); Store(a6, yAt, 6, live, chan); Store(a7, yAt, 7, live, chan);
                        }
                        else
                        {
                            // A row's last, partial vector: spill, then copy only the output columns that exist.
                            a0.Store(tail); a1.Store(tail + vw); a2.Store(tail + 2 * vw); a3.Store(tail + 3 * vw);
                            a4.Store(tail + 4 * vw); a5.Store(tail + 5 * vw); a6.Store(tail + 6 * vw); a7.Store(tail + 7 * vw);
                            for (int o = 0; o < live; o++)
                                for (int q = 0; q < valid; q++) yAt[o * chan + q] = tail[o * vw + q];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Sample <paramref name="s"/> zero-bordered: plane c, row r, column q holds x[c, r - PH, q - PW] or
    /// zero. Every sample fills the same interior, so the border is zeroed once, by the renter
    /// (<see cref="RentScratch"/>), not again per sample.
    /// </summary>
    private static void CopyPadded(T[] x, int xo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
    {
        int plane = ph * pw;
        int rows = Math.Min(g.H, ph - g.PH), cols = Math.Min(g.W, pw - g.PW);
        for (int c = 0; c < g.C; c++)
            for (int r = 0; r < rows; r++)
                x.AsSpan(xo + ((s * g.C + c) * g.H + r) * g.W, cols).CopyTo(scratch.AsSpan(c * plane + (r + g.PH) * pw + g.PW, cols));
    }

    /// <summary>A scratch buffer of <paramref name="length"/> zeros.</summary>
    private static T[] RentScratch(int length)
    {
        T[] scratch = ArrayPool<T>.Shared.Rent(length);
        Array.Clear(scratch, 0, length);
        return scratch;
    }

    /// <summary>
    /// The input gradient of a unit-stride convolution is itself one: the output gradient, padded by
    /// DH·(KH-1) - PH (and the like for columns), correlated with the weight flipped in both spatial
    /// dimensions and with its channel dimensions swapped. Null where that padding would be negative.
    /// </summary>
    public static ConvGeometry? TransposedGeometry(ConvGeometry g)
    {
        int ph = g.DH * (g.KH - 1) - g.PH, pw = g.DW * (g.KW - 1) - g.PW;
        if (ph < 0 || pw < 0) return null;
        var t = new ConvGeometry(g.N, g.O, g.OH, g.OW, g.C, g.H, g.W, g.KH, g.KW, 1, 1, ph, pw, g.DH, g.DW, 1);
        return Applies(t) && g.Groups == 1 && g.SH == 1 && g.SW == 1 ? t : null;
    }

    /// <summary>gx = conv(gy, flipped wᵀ) for the geometry <paramref name="t"/> from <see cref="TransposedGeometry"/>.</summary>
    public static void InputGrad(T[] gy, int gyo, T[] w, int wo, T[]? bias, int bo, T[] gx, int gxo, ConvGeometry t)
    {
        // t.C is the forward convolution's O, t.O its C; w is [t.C, t.O, KH, KW].
        int kk = t.KH * t.KW;
        int size = t.O * t.C * kk;
        T[] flipped = ArrayPool<T>.Shared.Rent(size);
        try
        {
            for (int o = 0; o < t.C; o++)
                for (int c = 0; c < t.O; c++)
                    for (int kh = 0; kh < t.KH; kh++)
                        for (int kw = 0; kw < t.KW; kw++)
                            flipped[((c * t.C + o) * t.KH + (t.KH - 1 - kh)) * t.KW + (t.KW - 1 - kw)] = w[wo + ((o * t.O + c) * t.KH + kh) * t.KW + kw];
            Forward(gy, gyo, flipped, 0, bias, bo, gx, gxo, t);
        }
        finally { ArrayPool<T>.Shared.Return(flipped); }
    }

    /// <summary>
    /// gw[o, c, kh, kw] = Σ over samples and output positions of gy[n, o, oh, ow] · x[n, c, oh·1 + kh·DH - PH, ow + kw·DW - PW].
    /// Per sample, x is zero-bordered and gy copied into rows padded to whole vectors (zeros past OW),
    /// then for each kernel tap and block of eight output channels the products accumulate in eight
    /// vector registers over all output rows: one input load and eight output-gradient loads per eight
    /// multiply-adds, no unfolded matrix and no transposition. Samples run in parallel, each thread
    /// with its own accumulators, summed at the end.
    /// </summary>
    public static void WeightGrad(T[] x, int xo, T[] gy, int gyo, T[] gw, int gwo, ConvGeometry g)
    {
        int vw = Vector512<T>.Count, taps = g.C * g.KH * g.KW, blocks = (g.O + Block - 1) / Block;
        int chunks = (g.OW + vw - 1) / vw, rowPad = chunks * vw;
        // x rows are zero-padded as far as the last vector of a row reaches, so lanes past OW read
        // zeros (never the next row's values: an infinity there would turn 0 · inf into NaN).
        int ph = g.OH + g.DH * (g.KH - 1), pw = g.DW * (g.KW - 1) + rowPad;
        int xLen = g.C * ph * pw + vw;
        int gyLen = blocks * Block * g.OH * rowPad;
        int accLen = blocks * taps * Block * vw;
        long work = (long)g.N * g.O * g.OH * g.OW * taps;
        bool parallel = g.N > 1 && work >= ParallelWork && Threads.Count > 1;
        int workers = parallel ? Math.Min(Threads.Count, g.N) : 1;
        var accs = new T[workers][];
        try
        {
            void Worker(int wi)
            {
                T[] acc = accs[wi] = ArrayPool<T>.Shared.Rent(accLen);
                T[] xs = RentScratch(xLen), gs = ArrayPool<T>.Shared.Rent(gyLen + 64 / sizeof(T));
                try
                {
                    Array.Clear(acc, 0, accLen);
                    for (int s = wi * g.N / workers; s < (wi + 1) * g.N / workers; s++)
                        WeightGradSample(x, xo, gy, gyo, g, s, xs, gs, gyLen, acc, ph, pw, rowPad);
                }
                finally { ArrayPool<T>.Shared.Return(xs); ArrayPool<T>.Shared.Return(gs); }
            }
            if (workers == 1) Worker(0);
            else WorkerTeam.Run(workers, Worker);
            // Sum the workers' vector accumulators and their lanes into gw.
            for (int o = 0; o < g.O; o++)
                for (int t = 0; t < taps; t++)
                {
                    T sum = T.Zero;
                    int at = (((o / Block) * taps + t) * Block + o % Block) * vw;
                    foreach (var acc in accs)
                        for (int q = 0; q < vw; q++) sum += acc[at + q];
                    gw[gwo + o * taps + t] = sum;
                }
        }
        finally { foreach (var acc in accs) if (acc is not null) ArrayPool<T>.Shared.Return(acc); }
    }

    private static void WeightGradSample(T[] x, int xo, T[] gy, int gyo, ConvGeometry g, int s, T[] xs, T[] gs, int gyLen,
        T[] accArr, int ph, int pw, int rowPad)
    {
        int vw = Vector512<T>.Count, taps = g.C * g.KH * g.KW, blocks = (g.O + Block - 1) / Block;
        int plane = ph * pw, gPlane = g.OH * rowPad;
        CopyPadded(x, xo, g, s, xs, ph, pw);
        fixed (T* xp = xs, gp0 = gs, ap = accArr)
        {
            // gy's rows are whole vectors long; from a 64-byte boundary every load of them is aligned.
            T* gp = Gemm.Gemm<T>.Aligned(gp0);
            int shift = (int)(gp - gp0);
            Array.Clear(gs, shift, gyLen);
            for (int o = 0; o < g.O; o++)
                for (int r = 0; r < g.OH; r++)
                    gy.AsSpan(gyo + ((s * g.O + o) * g.OH + r) * g.OW, g.OW).CopyTo(gs.AsSpan(shift + o * gPlane + r * rowPad, g.OW));
            for (int b = 0; b < blocks; b++)
            {
                T* gb = gp + (long)b * Block * gPlane;
                int t = 0;
                for (int c = 0; c < g.C; c++)
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++, t++)
                        {
                            T* acc = ap + (((long)b * taps + t) * Block) * vw;
                            Vector512<T> a0 = Vector512.Load(acc), a1 = Vector512.Load(acc + vw), a2 = Vector512.Load(acc + 2 * vw), a3 = Vector512.Load(acc + 3 * vw);
                            Vector512<T> a4 = Vector512.Load(acc + 4 * vw), a5 = Vector512.Load(acc + 5 * vw), a6 = Vector512.Load(acc + 6 * vw), a7 = Vector512.Load(acc + 7 * vw);
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                T* xr = xp + c * plane + (oh + kh * g.DH) * pw + kw * g.DW;
                                T* gr = gb + oh * rowPad;
                                for (int q = 0; q < rowPad; q += vw)
                                {
                                    var v = Vector512.Load(xr + q);
                                    T* gq = gr + q;
                                    a0 = Simd.Fma(v, Vector512.Load(gq), a0); a1 = Simd.Fma(v, Vector512.Load(gq + gPlane), a1);
                                    a2 = Simd.Fma(v, Vector512.Load(gq + 2 * gPlane), a2); a3 = Simd.Fma(v, Vector512.Load(gq + 3 * gPlane), a3);
                                    a4 = Simd.Fma(v, Vector512.Load(gq + 4 * gPlane), a4); a5 = Simd.Fma(v, Vector512.Load(gq + 5 * gPlane), a5);
                                    a6 = Simd.Fma(v, Vector512.Load(gq + 6 * gPlane), a6); a7 = Simd.Fma(v, Vector512.Load(gq + 7 * gPlane), a7);
                                }
                            }
                            a0.Store(acc); a1.Store(acc + vw); a2.Store(acc + 2 * vw); a3.Store(acc + 3 * vw);
                            a4.Store(acc + 4 * vw); a5.Store(acc + 5 * vw); a6.Store(acc + 6 * vw); a7.Store(acc + 7 * vw);
                        }
            }
        }
    }

    private static Vector512<T> Init(T[]? bias, int bo, int block, int i, int live) =>
        bias is null || i >= live ? Vector512<T>.Zero : Vector512.Create(bias[bo + block * Block + i]);

    private static void Store(Vector512<T> v, T* yAt, int i, int live, long chan)
    {
        if (i < live) v.Store(yAt + i * chan);
    }

}
