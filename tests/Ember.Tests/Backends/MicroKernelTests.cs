using System.Numerics;
using Ember.Backends.Cpu.Gemm;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The GEMM micro-kernels on their own. Matrix products run only the kernel this machine selects, so
/// the others are checked here directly against a plain product over the same packed panels.
/// </summary>
public unsafe class MicroKernelTests
{
    // The last column is B's row stride in elements beyond the tile's width: 0 is a packed panel, more is
    // a row-major B read in place (its rows longer than the panel; small products skip packing B).
    public static TheoryData<int, int, int, bool, int> Avx2Tiles => new()
    {
        { 6, 16, 37, false, 0 },   // a whole tile
        { 4, 11, 5, false, 0 },    // an edge tile: only the valid corner is written
        { 6, 16, 1, true, 0 },     // accumulate onto C
        { 6, 16, 29, false, 48 },  // B read in place
        { 5, 16, 7, true, 3 },     // in place, odd stride, edge rows, accumulating
    };

    public static TheoryData<int, int, int, bool, int> Avx512Tiles => new()
    {
        { 12, 32, 40, false, 0 },
        { 7, 30, 9, false, 0 },
        { 12, 32, 3, true, 0 },
        { 1, 1, 2, true, 0 },
        { 12, 32, 33, false, 96 },
        { 11, 32, 6, true, 5 },
    };

    [Theory]
    [MemberData(nameof(Avx2Tiles))]
    public void Avx2KernelMatchesPlainProduct(int mr, int nr, int kc, bool accumulate, int extra)
    {
        Check<float>(6, 16, mr, nr, kc, accumulate, extra, (k, a, b, ldb, c, rs, m, n, acc) => MicroKernel<float>.RunVector(k, a, b, ldb, c, rs, 1, m, n, acc));
        Check<double>(6, 8, mr, Math.Min(nr, 8), kc, accumulate, extra, (k, a, b, ldb, c, rs, m, n, acc) => MicroKernel<double>.RunVector(k, a, b, ldb, c, rs, 1, m, n, acc));
    }

    [Theory]
    [MemberData(nameof(Avx512Tiles))]
    public void Avx512KernelMatchesPlainProduct(int mr, int nr, int kc, bool accumulate, int extra)
    {
        if (!MicroKernel512<float>.Supported) return; // no AVX-512 here: nothing of it can run
        Check<float>(12, 32, mr, nr, kc, accumulate, extra, (k, a, b, ldb, c, rs, m, n, acc) => MicroKernel512<float>.Run(k, a, b, ldb, c, rs, 1, m, n, acc));
        Check<double>(12, 16, mr, Math.Min(nr, 16), kc, accumulate, extra, (k, a, b, ldb, c, rs, m, n, acc) => MicroKernel512<double>.Run(k, a, b, ldb, c, rs, 1, m, n, acc));
    }

    private delegate void Kernel<T>(int kc, T* a, T* b, int ldb, T* c, int rs, int mr, int nr, bool accumulate) where T : unmanaged;

    private static void Check<T>(int tileM, int tileN, int mr, int nr, int kc, bool accumulate, int extra, Kernel<T> kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ldb = tileN + extra;
        var rng = new Random(mr * 1000 + nr * 10 + kc);
        T R() => T.CreateChecked(rng.Next(-8, 9) / 4.0); // exact in both types: sums compare exactly
        var ap = new T[tileM * kc]; // packed: element (i, p) at p * tileM + i, rows past mr are zero
        var bp = new T[kc * ldb]; // element (p, j) at p * ldb + j; the columns past the tile hold values the kernel must not use
        for (int i = 0; i < bp.Length; i++) bp[i] = T.CreateChecked(1e30);
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < mr; i++) ap[p * tileM + i] = R();
            for (int j = 0; j < nr; j++) bp[p * ldb + j] = R();
        }
        int rs = tileN + 3; // C wider than the tile: the kernel must not write past column nr
        var c = new T[tileM * rs];
        for (int i = 0; i < c.Length; i++) c[i] = R();
        var expected = (T[])c.Clone();
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < kc; p++) sum += ap[p * tileM + i] * bp[p * ldb + j];
                expected[i * rs + j] = accumulate ? expected[i * rs + j] + sum : sum;
            }
        fixed (T* pa = ap, pb = bp, pc = c) kernel(kc, pa, pb, ldb, pc, rs, mr, nr, accumulate);
        Assert.Equal(expected, c);
    }
}
