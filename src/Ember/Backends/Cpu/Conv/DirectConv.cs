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
/// <para>
/// Two sets of kernels: 512-bit vectors where AVX-512 is present (DirectConv512.cs), 256-bit ones
/// with AVX2 and FMA (DirectConv256.cs), the same loops at half the width. The entry points take the
/// choice as an argument so that tests run the AVX2 kernels on AVX-512 machines too.
/// </para>
/// </summary>
internal static unsafe partial class DirectConv<T> where T : unmanaged, INumber<T>
{
    /// <summary>Output channels computed together (eight accumulators).</summary>
    public const int Block = 8;

    /// <summary>Layers with more output channels go to im2col + GEMM, whose larger tiles then win.</summary>
    public const int MaxOutChannels = 64;

    private const long ParallelWork = 1 << 22;

    /// <summary>True when the 512-bit kernels run, else the 256-bit ones.</summary>
    public static readonly bool Wide = Avx512F.IsSupported;

    /// <summary>True where some vector kernel of this class can run: AVX-512, or AVX2 with FMA.</summary>
    internal static bool Supported => Avx512F.IsSupported || (Avx2.IsSupported && Fma.IsSupported);

    /// <summary>True where this kernel handles the layer.</summary>
    public static bool Applies(ConvGeometry g) =>
        Supported && (typeof(T) == typeof(float) || typeof(T) == typeof(double))
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

    public static void Forward(T[] x, int xo, T[] w, int wo, T[]? bias, int bo, T[] y, int yo, ConvGeometry g) =>
        Forward(x, xo, w, wo, bias, bo, y, yo, g, Wide);

    /// <summary>The forward convolution with the 512-bit (<paramref name="wide"/>) or the 256-bit kernels.</summary>
    internal static void Forward(T[] x, int xo, T[] w, int wo, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, bool wide)
    {
        int vw = wide ? Vector512<T>.Count : Vector256<T>.Count;
        // The AVX2 path picks its tile per layer: 8 channels x 1 vector, or 6 x 2 (see UseWideTile).
        bool sixByTwo = !wide && UseWideTile(g);
        int block = sixByTwo ? WideTileChannels : Block;
        int taps = g.C * g.KH * g.KW, blocks = (g.O + block - 1) / block;
        // The padded plane as far as the windows reach (padding after the input may differ from
        // before it, as with padding="same" and an even kernel).
        int ph = g.OH + g.DH * (g.KH - 1), pw = g.OW + g.DW * (g.KW - 1);
        int scratchLen = g.C * ph * pw + pw + 2 * vw + g.KW * g.DW; // a tail for reads past the last row
        // Weights regrouped as [block][tap][8 or 6] (channels past O are zero), so the broadcasts of a tap are adjacent.
        T[] wt = ArrayPool<T>.Shared.Rent(blocks * taps * block);
        try
        {
            Array.Clear(wt, 0, blocks * taps * block);
            for (int o = 0; o < g.O; o++)
                for (int t = 0; t < taps; t++)
                    wt[((o / block) * taps + t) * block + o % block] = w[wo + o * taps + t];
            long work = (long)g.N * g.O * g.OH * g.OW * taps;
            int n = g.N;
            if (n > 1 && work >= ParallelWork && Threads.Count > 1)
            {
                // One contiguous run of samples per thread of the worker team, each with its own scratch.
                int chunks = Math.Min(n, Threads.Count);
                WorkerTeam.Run(chunks, ci =>
                {
                    T[] scratch = RentScratch(scratchLen);
                    try { for (int s = ci * n / chunks; s < (ci + 1) * n / chunks; s++) Sample(wide, sixByTwo, x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw); }
                    finally { ArrayPool<T>.Shared.Return(scratch); }
                });
            }
            else
            {
                T[] scratch = RentScratch(scratchLen);
                try { for (int s = 0; s < n; s++) Sample(wide, sixByTwo, x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw); }
                finally { ArrayPool<T>.Shared.Return(scratch); }
            }
        }
        finally { ArrayPool<T>.Shared.Return(wt); }
    }

    private static void Sample(bool wide, bool sixByTwo, T[] x, int xo, T[] wt, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
    {
        if (wide) Sample512(x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw);
        else if (sixByTwo) Sample256x2(x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw);
        else Sample256(x, xo, wt, bias, bo, y, yo, g, s, scratch, ph, pw);
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
    public static void InputGrad(T[] gy, int gyo, T[] w, int wo, T[]? bias, int bo, T[] gx, int gxo, ConvGeometry t) =>
        InputGrad(gy, gyo, w, wo, bias, bo, gx, gxo, t, Wide);

    /// <summary><see cref="InputGrad(T[], int, T[], int, T[], int, T[], int, ConvGeometry)"/> with the chosen kernels.</summary>
    internal static void InputGrad(T[] gy, int gyo, T[] w, int wo, T[]? bias, int bo, T[] gx, int gxo, ConvGeometry t, bool wide)
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
            Forward(gy, gyo, flipped, 0, bias, bo, gx, gxo, t, wide);
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
    public static void WeightGrad(T[] x, int xo, T[] gy, int gyo, T[] gw, int gwo, ConvGeometry g) =>
        WeightGrad(x, xo, gy, gyo, gw, gwo, g, Wide);

    /// <summary>The weight gradient with the 512-bit (<paramref name="wide"/>) or the 256-bit kernels.</summary>
    internal static void WeightGrad(T[] x, int xo, T[] gy, int gyo, T[] gw, int gwo, ConvGeometry g, bool wide)
    {
        int vw = wide ? Vector512<T>.Count : Vector256<T>.Count, taps = g.C * g.KH * g.KW, blocks = (g.O + Block - 1) / Block;
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
                        if (wide) WeightGradSample512(x, xo, gy, gyo, g, s, xs, gs, gyLen, acc, ph, pw, rowPad);
                        else WeightGradSample256(x, xo, gy, gyo, g, s, xs, gs, gyLen, acc, ph, pw, rowPad);
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



}
