using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// The register-blocked inner kernel: an <see cref="MR"/> x <see cref="NR"/> tile of C held in twelve
/// 256-bit accumulators (6 rows x 2 vectors) while it streams one packed panel of A and one of B, one
/// broadcast and two fused multiply-adds per row per k step. Twelve accumulators, two B vectors and
/// one broadcast fit the sixteen AVX registers.
/// </summary>
internal static unsafe class MicroKernel<T> where T : unmanaged, INumber<T>
{
    /// <summary>Rows of C per tile.</summary>
    public const int MR = 6;

    /// <summary>Columns of C per tile: two vectors (16 floats or 8 doubles).</summary>
    public static readonly int NR = 2 * Vector256<T>.Count;

    /// <summary>True when the vector kernel runs; otherwise the scalar one (same packing, same results up to rounding).</summary>
    public static bool Vectorized => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// C[0..mr, 0..nr] (=|+=) Ap · Bp over <paramref name="kc"/> steps. <paramref name="c"/> has row
    /// stride <paramref name="rs"/> and column stride <paramref name="cs"/>; only the valid
    /// <paramref name="mr"/> x <paramref name="nr"/> corner is written.
    /// </summary>
    public static void Run(int kc, T* ap, T* bp, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        if (Vectorized) RunVector(kc, ap, bp, c, rs, cs, mr, nr, accumulate);
        else RunScalar(kc, ap, bp, c, rs, cs, mr, nr, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MulAdd(Vector256<T> a, Vector256<T> b, Vector256<T> acc)
    {
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), acc.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), acc.AsDouble()).As<double, T>();
        }
        return a * b + acc;
    }

    private static void RunVector(int kc, T* ap, T* bp, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(bp);
            var b1 = Vector256.Load(bp + w);
            var a = Vector256.Create(ap[0]); c00 = MulAdd(a, b0, c00); c01 = MulAdd(a, b1, c01);
            a = Vector256.Create(ap[1]); c10 = MulAdd(a, b0, c10); c11 = MulAdd(a, b1, c11);
            a = Vector256.Create(ap[2]); c20 = MulAdd(a, b0, c20); c21 = MulAdd(a, b1, c21);
            a = Vector256.Create(ap[3]); c30 = MulAdd(a, b0, c30); c31 = MulAdd(a, b1, c31);
            a = Vector256.Create(ap[4]); c40 = MulAdd(a, b0, c40); c41 = MulAdd(a, b1, c41);
            a = Vector256.Create(ap[5]); c50 = MulAdd(a, b0, c50); c51 = MulAdd(a, b1, c51);
            ap += MR;
            bp += 2 * w;
        }
        if (mr == MR && nr == 2 * w && cs == 1)
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
        T* tile = stackalloc T[MR * 16];
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

    private static void RunScalar(int kc, T* ap, T* bp, T* c, int rs, int cs, int mr, int nr, bool accumulate)
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
            bp += nrFull;
        }
        WriteTile(tile, nrFull, c, rs, cs, mr, nr, accumulate);
    }

    private static void WriteTile(T* tile, int ld, T* c, int rs, int cs, int mr, int nr, bool accumulate)
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
