using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// The AVX-512 inner kernel: a 12 x 2-vector tile of C (12 x 32 floats, 12 x 16 doubles) held in 24 of
/// the 32 zmm registers while it streams one packed panel of A and one of B: per k step two B loads,
/// then per row one broadcast and two fused multiply-adds. Twice the tile of the AVX2 kernel, so each
/// loaded element feeds twice the arithmetic, and on cores with full-width AVX-512 units (Zen 5, Intel
/// server parts) twice the flops per instruction.
/// </summary>
internal static unsafe class MicroKernel512<T> where T : unmanaged, INumber<T>
{
    /// <summary>Rows of C per tile.</summary>
    public const int MR = 12;

    /// <summary>Columns of C per tile: two vectors.</summary>
    public static readonly int NR = 2 * Vector512<T>.Count;

    /// <summary>True where the kernel can run: AVX-512F, and a float or double element type.</summary>
    public static bool Supported => Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    /// <summary>C[0..mr, 0..nr] (=|+=) Ap · Bp over <paramref name="kc"/> steps; see <see cref="MicroKernel{T}.Run"/>.</summary>
    public static void Run(int kc, T* ap, T* bp, int ldb, T* c, int rs, int cs, int mr, int nr, bool accumulate)
    {
        int w = Vector512<T>.Count;
        if (accumulate && cs == 1)
        {
            // As in the AVX2 kernel: fetch C's tile during the k loop rather than after it.
            for (int i = 0; i < MR; i++)
            {
                T* row = c + (long)i * rs;
                Sse.Prefetch0(row);
                Sse.Prefetch0(row + w);
                Sse.Prefetch0(row + 2 * w - 1);
            }
        }
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(bp);
            var b1 = Vector512.Load(bp + w);
            Vector512<T> a;
            a = Vector512.Create(ap[0]); c00 = Simd.Fma(a, b0, c00); c01 = Simd.Fma(a, b1, c01);
            a = Vector512.Create(ap[1]); c10 = Simd.Fma(a, b0, c10); c11 = Simd.Fma(a, b1, c11);
            a = Vector512.Create(ap[2]); c20 = Simd.Fma(a, b0, c20); c21 = Simd.Fma(a, b1, c21);
            a = Vector512.Create(ap[3]); c30 = Simd.Fma(a, b0, c30); c31 = Simd.Fma(a, b1, c31);
            a = Vector512.Create(ap[4]); c40 = Simd.Fma(a, b0, c40); c41 = Simd.Fma(a, b1, c41);
            a = Vector512.Create(ap[5]); c50 = Simd.Fma(a, b0, c50); c51 = Simd.Fma(a, b1, c51);
            a = Vector512.Create(ap[6]); c60 = Simd.Fma(a, b0, c60); c61 = Simd.Fma(a, b1, c61);
            a = Vector512.Create(ap[7]); c70 = Simd.Fma(a, b0, c70); c71 = Simd.Fma(a, b1, c71);
            a = Vector512.Create(ap[8]); c80 = Simd.Fma(a, b0, c80); c81 = Simd.Fma(a, b1, c81);
            a = Vector512.Create(ap[9]); c90 = Simd.Fma(a, b0, c90); c91 = Simd.Fma(a, b1, c91);
            a = Vector512.Create(ap[10]); c100 = Simd.Fma(a, b0, c100); c101 = Simd.Fma(a, b1, c101);
            a = Vector512.Create(ap[11]); c110 = Simd.Fma(a, b0, c110); c111 = Simd.Fma(a, b1, c111);
            ap += MR;
            bp += ldb;
        }
        if (mr == MR && nr == 2 * w && cs == 1)
        {
            StoreRow(c + 0L * rs, w, c00, c01, accumulate);
            StoreRow(c + 1L * rs, w, c10, c11, accumulate);
            StoreRow(c + 2L * rs, w, c20, c21, accumulate);
            StoreRow(c + 3L * rs, w, c30, c31, accumulate);
            StoreRow(c + 4L * rs, w, c40, c41, accumulate);
            StoreRow(c + 5L * rs, w, c50, c51, accumulate);
            StoreRow(c + 6L * rs, w, c60, c61, accumulate);
            StoreRow(c + 7L * rs, w, c70, c71, accumulate);
            StoreRow(c + 8L * rs, w, c80, c81, accumulate);
            StoreRow(c + 9L * rs, w, c90, c91, accumulate);
            StoreRow(c + 10L * rs, w, c100, c101, accumulate);
            StoreRow(c + 11L * rs, w, c110, c111, accumulate);
            return;
        }
        // Edge tile or strided C: spill the tile and copy out only the valid corner.
        int nrFull = 2 * w;
        T* tile = stackalloc T[MR * 32];
        c00.Store(tile + 0 * nrFull); c01.Store(tile + 0 * nrFull + w);
        c10.Store(tile + 1 * nrFull); c11.Store(tile + 1 * nrFull + w);
        c20.Store(tile + 2 * nrFull); c21.Store(tile + 2 * nrFull + w);
        c30.Store(tile + 3 * nrFull); c31.Store(tile + 3 * nrFull + w);
        c40.Store(tile + 4 * nrFull); c41.Store(tile + 4 * nrFull + w);
        c50.Store(tile + 5 * nrFull); c51.Store(tile + 5 * nrFull + w);
        c60.Store(tile + 6 * nrFull); c61.Store(tile + 6 * nrFull + w);
        c70.Store(tile + 7 * nrFull); c71.Store(tile + 7 * nrFull + w);
        c80.Store(tile + 8 * nrFull); c81.Store(tile + 8 * nrFull + w);
        c90.Store(tile + 9 * nrFull); c91.Store(tile + 9 * nrFull + w);
        c100.Store(tile + 10 * nrFull); c101.Store(tile + 10 * nrFull + w);
        c110.Store(tile + 11 * nrFull); c111.Store(tile + 11 * nrFull + w);
        MicroKernel<T>.WriteTile(tile, nrFull, c, rs, cs, mr, nr, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(T* c, int w, Vector512<T> v0, Vector512<T> v1, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + w);
        }
        v0.Store(c);
        v1.Store(c + w);
    }
}
