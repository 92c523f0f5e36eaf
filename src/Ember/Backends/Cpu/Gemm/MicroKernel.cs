using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// The register-blocked inner kernel and its tile shape. Where AVX-512 is present the tile is
/// <see cref="MicroKernel512{T}"/>'s 12 x 2 zmm vectors; otherwise a 6 x 2-vector tile of 256-bit
/// accumulators (twelve accumulators, two B vectors and one broadcast fit the sixteen AVX registers),
/// or the same tile in scalar code where there is no vector hardware. Packing follows
/// <see cref="MR"/> and <see cref="NR"/>, so every kernel sees panels of its own shape.
/// </summary>
internal static unsafe class MicroKernel<T> where T : unmanaged, INumber<T>
{
    private const int MR256 = 6;

    /// <summary>True when the AVX-512 kernel runs.</summary>
    public static readonly bool Wide = MicroKernel512<T>.Supported;

    /// <summary>Rows of C per tile (a divisor of <see cref="Gemm{T}.MC"/>).</summary>
    public static readonly int MR = Wide ? MicroKernel512<T>.MR : MR256;

    /// <summary>Columns of C per tile: two vectors (32 floats or 16 doubles with AVX-512, else 16 or 8).</summary>
    public static readonly int NR = Wide ? MicroKernel512<T>.NR : 2 * Vector256<T>.Count;

    /// <summary>True when the vector kernel runs; otherwise the scalar one (same packing, same results up to rounding).</summary>
    public static bool Vectorized => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// C[0..mr, 0..nr] (=|+=) Ap · Bp over <paramref name="kc"/> steps. Row p of B's panel (its
    /// <see cref="NR"/> columns) starts at <paramref name="bp"/> + p·<paramref name="ldb"/>: <see cref="NR"/>
    /// for a packed panel, the row stride for a row-major B read in place. <paramref name="c"/> has row
    /// stride <paramref name="rs"/> and column stride <paramref name="cs"/>; only the valid
    /// <paramref name="mr"/> x <paramref name="nr"/> corner is written.
    /// </summary>
    public static void Run(int kc, T* ap, T* bp, int ldb, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        if (Wide) MicroKernel512<T>.Run(kc, ap, bp, ldb, c, rs, cs, mr, nr, accumulate);
        else if (Vectorized) RunVector(kc, ap, bp, ldb, c, rs, cs, mr, nr, accumulate);
        else RunScalar(kc, ap, bp, ldb, c, rs, cs, mr, nr, accumulate);
    }

    /// <summary>The 6 x 2-vector AVX2 kernel (internal so that tests reach it on AVX-512 machines too).</summary>
    internal static void RunVector(int kc, T* ap, T* bp, int ldb, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        int w = Vector256<T>.Count;
        if (accumulate && cs == 1 && Sse.IsSupported)
        {
            // The tile of C is read after the k loop, and on large products it is out in L3 or
            // memory: asking for its lines now lets them arrive during the loop instead of stalling
            // the end of every call (on an n = 2048 product that stall cost several % of the time).
            for (int i = 0; i < MR256; i++)
            {
                Sse.Prefetch0(c + (long)i * rs);
                Sse.Prefetch0(c + (long)i * rs + 2 * w - 1);
            }
        }
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + w);
            var a = Vector256.Create(ap[0]); c00 = Simd.Fma(a, b0, c00); c01 = Simd.Fma(a, b1, c01);
            a = Vector256.Create(ap[1]); c10 = Simd.Fma(a, b0, c10); c11 = Simd.Fma(a, b1, c11);
            a = Vector256.Create(ap[2]); c20 = Simd.Fma(a, b0, c20); c21 = Simd.Fma(a, b1, c21);
            a = Vector256.Create(ap[3]); c30 = Simd.Fma(a, b0, c30); c31 = Simd.Fma(a, b1, c31);
            a = Vector256.Create(ap[4]); c40 = Simd.Fma(a, b0, c40); c41 = Simd.Fma(a, b1, c41);
            a = Vector256.Create(ap[5]); c50 = Simd.Fma(a, b0, c50); c51 = Simd.Fma(a, b1, c51);
            ap += MR256;
            bp += ldb;
        }
        if (mr == MR256 && nr == 2 * w && cs == 1)
        {
            StoreRow(c, w, c00, c01, accumulate);
            StoreRow(c + rs, w, c10, c11, accumulate);
            StoreRow(c + 2L * rs, w, c20, c21, accumulate);
            StoreRow(c + 3L * rs, w, c30, c31, accumulate);
            StoreRow(c + 4L * rs, w, c40, c41, accumulate);
            StoreRow(c + 5L * rs, w, c50, c51, accumulate);
            return;
        }
        // Edge tile or strided C: spill the tile and copy out only the valid corner.
        int nrFull = 2 * w;
        T* tile = stackalloc T[MR256 * 16];
        c00.Store(tile); c01.Store(tile + w);
        c10.Store(tile + nrFull); c11.Store(tile + nrFull + w);
        c20.Store(tile + 2 * nrFull); c21.Store(tile + 2 * nrFull + w);
        c30.Store(tile + 3 * nrFull); c31.Store(tile + 3 * nrFull + w);
        c40.Store(tile + 4 * nrFull); c41.Store(tile + 4 * nrFull + w);
        c50.Store(tile + 5 * nrFull); c51.Store(tile + 5 * nrFull + w);
        WriteTile(tile, nrFull, c, rs, cs, mr, nr, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector256<T> v0, Vector256<T> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + w);
        }
        v0.Store(c);
        v1.Store(c + w);
    }

    private static void RunScalar(int kc, T* ap, T* bp, int ldb, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        int nrFull = NR;
        T* tile = stackalloc T[MR * 16];
        new Span<T>(tile, MR * nrFull).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < MR; i++)
            {
                T a = ap[i];
                T* t = tile + i * nrFull;
                for (int j = 0; j < nrFull; j++) t[j] += a * bp[j];
            }
            ap += MR;
            bp += ldb;
        }
        WriteTile(tile, nrFull, c, rs, cs, mr, nr, accumulate);
    }

    internal static void WriteTile(T* tile, int ld, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        for (int i = 0; i < mr; i++)
        {
            T* row = c + (long)i * rs;
            T* t = tile + i * ld;
            if (accumulate) for (int j = 0; j < nr; j++) row[(long)j * cs] += t[j];
            else for (int j = 0; j < nr; j++) row[(long)j * cs] = t[j];
        }
    }
}
