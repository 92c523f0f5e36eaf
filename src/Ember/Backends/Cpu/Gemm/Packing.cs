using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
            if (cs == 1 && rows == mr && typeof(T) == typeof(float) && Avx.IsSupported && (mr == 6 || mr == 12))
            {
                PackRowMajorPanel((float*)s, rs, kc, mr, (float*)d);
                continue;
            }
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
    /// One full panel of a row-major float A (each row contiguous in k): eight k steps at a time, the
    /// panel's rows are loaded as vectors and transposed in registers (an 8 x 8 transpose), so each k
    /// step's <paramref name="mr"/> values are written together. The element-by-element loop wrote
    /// one float per store at a stride of <paramref name="mr"/> floats and took about 8 % of a large
    /// product's time on the AVX2 path; this takes a fifth of that.
    /// </summary>
    private static void PackRowMajorPanel(float* s, int rs, int kc, int mr, float* d)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            Transposed8(s, rs, p, Math.Min(mr, 8), d + p * mr, mr, mr == 6 ? 6 : 8);
            if (mr == 12) Transposed8(s + 8L * rs, rs, p, 4, d + p * mr + 8, mr, 4);
        }
        for (; p < kc; p++)
            for (int i = 0; i < mr; i++) d[p * mr + i] = s[(long)i * rs + p];
    }

    /// <summary>
    /// One panel of a column-major float B (a transposed operand, such as a linear layer's Wᵀ: each of
    /// its columns contiguous in k): eight columns and eight k steps at a time through the same 8 x 8
    /// register transpose as A's panels, instead of one strided store per element. Every linear
    /// layer's forward packs its weight this way; element by element it was about a tenth of a
    /// Transformer step.
    /// </summary>
    private static void PackTransposedPanel(float* s, int cs, int kc, int cols, int nr, float* d)
    {
        int j = 0;
        for (; j + 8 <= cols; j += 8)
        {
            float* col = s + (long)j * cs;
            int p = 0;
            for (; p + 8 <= kc; p += 8) Transposed8(col, cs, p, 8, d + p * nr + j, nr, 8);
            for (; p < kc; p++)
                for (int jj = 0; jj < 8; jj++) d[p * nr + j + jj] = col[(long)jj * cs + p];
        }
        for (; j < cols; j++)
        {
            float* col = s + (long)j * cs;
            for (int p = 0; p < kc; p++) d[p * nr + j] = col[p];
        }
    }

    /// <summary>
    /// Reads k steps [p, p+8) of <paramref name="rows"/> rows (at most 8) and writes, for each step, its
    /// first <paramref name="width"/> (4, 6 or 8) values to <paramref name="d"/> + step * <paramref name="ld"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transposed8(float* s, int rs, int p, int rows, float* d, int ld, int width)
    {
        var z = Vector256<float>.Zero;
        var r0 = Vector256.Load(s + p);
        var r1 = rows > 1 ? Vector256.Load(s + rs + p) : z;
        var r2 = rows > 2 ? Vector256.Load(s + 2L * rs + p) : z;
        var r3 = rows > 3 ? Vector256.Load(s + 3L * rs + p) : z;
        var r4 = rows > 4 ? Vector256.Load(s + 4L * rs + p) : z;
        var r5 = rows > 5 ? Vector256.Load(s + 5L * rs + p) : z;
        var r6 = rows > 6 ? Vector256.Load(s + 6L * rs + p) : z;
        var r7 = rows > 7 ? Vector256.Load(s + 7L * rs + p) : z;
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Put(d, width, Avx.Permute2x128(s0, s4, 0x20));
        Put(d + ld, width, Avx.Permute2x128(s1, s5, 0x20));
        Put(d + 2 * ld, width, Avx.Permute2x128(s2, s6, 0x20));
        Put(d + 3 * ld, width, Avx.Permute2x128(s3, s7, 0x20));
        Put(d + 4 * ld, width, Avx.Permute2x128(s0, s4, 0x31));
        Put(d + 5 * ld, width, Avx.Permute2x128(s1, s5, 0x31));
        Put(d + 6 * ld, width, Avx.Permute2x128(s2, s6, 0x31));
        Put(d + 7 * ld, width, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>The first <paramref name="width"/> (4, 6 or 8) floats of <paramref name="v"/>, never writing past them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* d, int width, Vector256<float> v)
    {
        if (width == 8) { v.Store(d); return; }
        v.GetLower().Store(d);
        if (width == 6) Sse2.StoreScalar((double*)(d + 4), v.GetUpper().AsDouble());
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
            else if (rs == 1 && typeof(T) == typeof(float) && Avx.IsSupported)
            {
                PackTransposedPanel((float*)s, cs, kc, cols, nr, (float*)d);
                if (cols < nr)
                    for (int p = 0; p < kc; p++) new Span<T>(d + p * nr + cols, nr - cols).Clear();
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
