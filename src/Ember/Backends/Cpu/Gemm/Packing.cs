using System.Runtime.Intrinsics;

namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// Copies blocks of A and B into the contiguous panel order the micro-kernel streams through. This is
/// where strides are paid for: a transposed or sliced operand costs one strided read per element per
/// block, after which the kernel only ever sees unit-stride panels.
/// </summary>
internal static unsafe class Packing<T> where T : unmanaged
{
    /// <summary>
    /// Packs the <paramref name="mc"/> x <paramref name="kc"/> block of A at <paramref name="src"/> as
    /// panels of <paramref name="mr"/> rows: element (i, p) of panel q lands at
    /// <c>dst[q*mr*kc + p*mr + i]</c>. Rows past the end of A are zero, so edge tiles need no special case.
    /// </summary>
    public static void PackA(T* src, int rs, int cs, int mc, int kc, int mr, T* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* d = dst + (long)ir * kc;
            T* s = src + (long)ir * rs;
            if (rs == 1 && cs != 1)
            {
                // Column-major A (a transposed operand): each k step is `rows` contiguous elements.
                for (int p = 0; p < kc; p++)
                {
                    T* col = s + (long)p * cs;
                    T* dp = d + p * mr;
                    for (int i = 0; i < rows; i++) dp[i] = col[i];
                }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                {
                    T* row = s + (long)i * rs;
                    if (cs == 1) for (int p = 0; p < kc; p++) d[p * mr + i] = row[p];
                    else for (int p = 0; p < kc; p++) d[p * mr + i] = row[(long)p * cs];
                }
            }
            if (rows < mr)
                for (int p = 0; p < kc; p++)
                    for (int i = rows; i < mr; i++) d[p * mr + i] = default;
        }
    }

    /// <summary>
    /// Packs the <paramref name="kc"/> x <paramref name="nc"/> block of B at <paramref name="src"/> as
    /// panels of <paramref name="nr"/> columns: element (p, j) of panel q lands at
    /// <c>dst[q*nr*kc + p*nr + j]</c>; columns past the end are zero.
    /// </summary>
    public static void PackB(T* src, int rs, int cs, int kc, int nc, int nr, T* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* d = dst + (long)jr * kc;
            T* s = src + (long)jr * cs;
            if (cs == 1 && cols == nr && nr == 2 * Vector512<T>.Count && Vector512.IsHardwareAccelerated)
            {
                for (int p = 0; p < kc; p++)
                {
                    T* row = s + (long)p * rs;
                    T* dp = d + p * nr;
                    Vector512.Store(Vector512.Load(row), dp);
                    Vector512.Store(Vector512.Load(row + Vector512<T>.Count), dp + Vector512<T>.Count);
                }
            }
            else if (cs == 1 && cols == nr && nr == 2 * Vector256<T>.Count)
            {
                // A full panel of a row-major B: each k step is two vectors, copied without a call.
                for (int p = 0; p < kc; p++)
                {
                    T* row = s + (long)p * rs;
                    T* dp = d + p * nr;
                    Vector256.Store(Vector256.Load(row), dp);
                    Vector256.Store(Vector256.Load(row + Vector256<T>.Count), dp + Vector256<T>.Count);
                }
            }
            else if (cs == 1)
            {
                for (int p = 0; p < kc; p++)
                {
                    new ReadOnlySpan<T>(s + (long)p * rs, cols).CopyTo(new Span<T>(d + p * nr, cols));
                    if (cols < nr) new Span<T>(d + p * nr + cols, nr - cols).Clear();
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    T* col = s + (long)j * cs;
                    if (rs == 1) for (int p = 0; p < kc; p++) d[p * nr + j] = col[p];
                    else for (int p = 0; p < kc; p++) d[p * nr + j] = col[(long)p * rs];
                }
                if (cols < nr)
                    for (int p = 0; p < kc; p++) new Span<T>(d + p * nr + cols, nr - cols).Clear();
            }
        }
    }
}
