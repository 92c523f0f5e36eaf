using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ember.Backends.Cpu.Conv;

/// <summary>
/// Max and average pooling as direct loops over planes; planes run in parallel when the work is large.
/// Windows come precomputed per output row and column (<see cref="PoolWindows"/>), so the inner loops
/// carry no bounds tests.
/// </summary>
internal static class PoolKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Input elements from which planes are split over the worker team (LeNet's second pooling at
    // batch 64 reads 102,400).
    private const long ParallelWork = 1 << 16;

    public static void Max(T[] x, int xo, T[] y, int yo, long[] idx, int io, PoolWindows p)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
        if (IsTwoByTwo(p)) { MaxTwoByTwo(x, xo, y, yo, idx, io, p); return; }
        Planes(p.Planes, (long)p.Planes * inPlane, plane =>
        {
            int xb = xo + plane * inPlane, yb = yo + plane * outPlane, ib = io + plane * outPlane;
            for (int i = 0; i < p.OH; i++)
            {
                int h0 = p.HStart[i], h1 = p.HEnd[i];
                for (int j = 0; j < p.OW; j++)
                {
                    int w0 = p.WStart[j], w1 = p.WEnd[j];
                    T best = T.NegativeInfinity;
                    int at = h0 * p.W + w0;
                    for (int h = h0; h < h1; h += p.HStep)
                    {
                        int row = h * p.W;
                        for (int w = w0; w < w1; w += p.WStep)
                        {
                            T v = x[xb + row + w];
                            if (v > best || T.IsNaN(v)) { best = v; at = row + w; }
                        }
                    }
                    y[yb + i * p.OW + j] = best;
                    idx[ib + i * p.OW + j] = at;
                }
            }
        });
    }

    /// <summary>True for the common 2 x 2 window with stride 2 and no padding or dilation.</summary>
    private static bool IsTwoByTwo(PoolWindows p)
    {
        if (p.HStep != 1 || p.WStep != 1) return false;
        for (int i = 0; i < p.OH; i++) if (p.HStart[i] != 2 * i || p.HEnd[i] != 2 * i + 2) return false;
        for (int j = 0; j < p.OW; j++) if (p.WStart[j] != 2 * j || p.WEnd[j] != 2 * j + 2) return false;
        return true;
    }

    /// <summary>
    /// The 2 x 2, stride-2 window without bounds tables or data-dependent branches (on real activations
    /// the general loop mispredicts about once per window). Same scan order and NaN rule as the general
    /// loop, so values and indices are identical.
    /// </summary>
    private static void MaxTwoByTwo(T[] x, int xo, T[] y, int yo, long[] idx, int io, PoolWindows p)
    {
        int w = p.W, inPlane = p.H * p.W, outPlane = p.OH * p.OW, oh = p.OH, ow = p.OW;
        Planes(p.Planes, (long)p.Planes * inPlane, plane =>
        {
            int xb = xo + plane * inPlane, yb = yo + plane * outPlane, ib = io + plane * outPlane;
            for (int i = 0; i < oh; i++)
            {
                int top = 2 * i * w;
                var r0 = x.AsSpan(xb + top, 2 * ow);
                var r1 = x.AsSpan(xb + top + w, 2 * ow);
                var yRow = y.AsSpan(yb + i * ow, ow);
                var iRow = idx.AsSpan(ib + i * ow, ow);
                int j = typeof(T) != typeof(float) ? 0
                    : Avx512F.IsSupported ? MaxTwoByTwoFloat16(MemoryMarshal.Cast<T, float>(r0), MemoryMarshal.Cast<T, float>(r1), MemoryMarshal.Cast<T, float>(yRow), iRow, top, w)
                    : Avx2.IsSupported ? MaxTwoByTwoFloat8(MemoryMarshal.Cast<T, float>(r0), MemoryMarshal.Cast<T, float>(r1), MemoryMarshal.Cast<T, float>(yRow), iRow, top, w)
                    : 0;
                for (; j < ow; j++)
                {
                    int c = 2 * j;
                    T best = r0[c];
                    int at = top + c;
                    T v = r0[c + 1];
                    bool take = v > best || T.IsNaN(v);
                    best = take ? v : best; at = take ? top + c + 1 : at;
                    v = r1[c];
                    take = v > best || T.IsNaN(v);
                    best = take ? v : best; at = take ? top + w + c : at;
                    v = r1[c + 1];
                    take = v > best || T.IsNaN(v);
                    best = take ? v : best; at = take ? top + w + c + 1 : at;
                    yRow[j] = best;
                    iRow[j] = at;
                }
            }
        });
    }

    /// <summary>
    /// Sixteen float windows at a time with AVX-512: each row pair's even and odd columns are separated
    /// with a two-source permute, and the scalar loop's four steps (take a candidate if it is greater
    /// or NaN) become compares and blends on values and int32 indices. Returns the first column left
    /// for the scalar loop.
    /// </summary>
    internal static int MaxTwoByTwoFloat16(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, Span<float> y, Span<long> idx, int top, int w)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = even + Vector512<int>.One;
        int j = 0;
        for (; j + 16 <= y.Length; j += 16)
        {
            int c = 2 * j;
            var a0 = Vector512.Create(r0.Slice(c, 16)); var a1 = Vector512.Create(r0.Slice(c + 16, 16));
            var b0 = Vector512.Create(r1.Slice(c, 16)); var b1 = Vector512.Create(r1.Slice(c + 16, 16));
            var at = Vector512.Create(top + c) + even;
            var best = Avx512F.PermuteVar16x32x2(a0, even, a1);
            Take(Avx512F.PermuteVar16x32x2(a0, odd, a1), Vector512.Create(top + c + 1) + even, ref best, ref at);
            Take(Avx512F.PermuteVar16x32x2(b0, even, b1), Vector512.Create(top + w + c) + even, ref best, ref at);
            Take(Avx512F.PermuteVar16x32x2(b0, odd, b1), Vector512.Create(top + w + c + 1) + even, ref best, ref at);
            best.CopyTo(y.Slice(j, 16));
            var (lo, hi) = Vector512.Widen(at);
            lo.CopyTo(idx.Slice(j, 8));
            hi.CopyTo(idx.Slice(j + 8, 8));
        }
        return j;
    }

    /// <summary>
    /// Eight float windows at a time with AVX2: the same steps as <see cref="MaxTwoByTwoFloat16"/>, the
    /// even and odd columns separated by an in-lane shuffle and a cross-lane permute of 64-bit pairs.
    /// Internal so that tests run it on AVX-512 machines too.
    /// </summary>
    internal static int MaxTwoByTwoFloat8(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, Span<float> y, Span<long> idx, int top, int w)
    {
        var even = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        int j = 0;
        for (; j + 8 <= y.Length; j += 8)
        {
            int c = 2 * j;
            var a0 = Vector256.Create(r0.Slice(c, 8)); var a1 = Vector256.Create(r0.Slice(c + 8, 8));
            var b0 = Vector256.Create(r1.Slice(c, 8)); var b1 = Vector256.Create(r1.Slice(c + 8, 8));
            var at = Vector256.Create(top + c) + even;
            var best = Even(a0, a1);
            Take(Odd(a0, a1), Vector256.Create(top + c + 1) + even, ref best, ref at);
            Take(Even(b0, b1), Vector256.Create(top + w + c) + even, ref best, ref at);
            Take(Odd(b0, b1), Vector256.Create(top + w + c + 1) + even, ref best, ref at);
            best.CopyTo(y.Slice(j, 8));
            var (lo, hi) = Vector256.Widen(at);
            lo.CopyTo(idx.Slice(j, 4));
            hi.CopyTo(idx.Slice(j + 4, 4));
        }
        return j;
    }

    // Elements 0, 2, ..., 14 (Even) or 1, 3, ..., 15 (Odd) of the sixteen in a and b: the shuffle picks
    // them per 128-bit lane as (a0 a2 b0 b2 | a4 a6 b4 b6), the permute puts the 64-bit pairs in order.
    private static Vector256<float> Even(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();

    private static Vector256<float> Odd(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector256<float> v, Vector256<int> at, ref Vector256<float> best, ref Vector256<int> bestAt)
    {
        var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
        best = Vector256.ConditionalSelect(take, v, best);
        bestAt = Vector256.ConditionalSelect(take.AsInt32(), at, bestAt);
    }

    /// <summary>Lanes where <paramref name="v"/> is greater than the best so far, or NaN, take it and its index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector512<float> v, Vector512<int> at, ref Vector512<float> best, ref Vector512<int> bestAt)
    {
        var take = Vector512.GreaterThan(v, best) | ~Vector512.Equals(v, v);
        best = Vector512.ConditionalSelect(take, v, best);
        bestAt = Vector512.ConditionalSelect(take.AsInt32(), at, bestAt);
    }

    public static void MaxBackward(T[] gy, int gyo, long[] idx, int io, T[] gx, int gxo, int planes, int inPlane, int outPlane)
    {
        // Each plane is cleared by whoever scatters into it, so the clearing is split too.
        Planes(planes, (long)planes * inPlane, plane =>
        {
            int gb = gyo + plane * outPlane, ib = io + plane * outPlane, xb = gxo + plane * inPlane;
            gx.AsSpan(xb, inPlane).Clear();
            // A window lying wholly in the padding (possible with a large dilation) keeps PyTorch's
            // out-of-plane index; its gradient has nowhere to go and is dropped rather than written into a neighbour.
            for (int q = 0; q < outPlane; q++)
            {
                long at = idx[ib + q];
                if ((ulong)at < (ulong)inPlane) gx[xb + (int)at] += gy[gb + q];
            }
        });
    }

    public static void Avg(T[] x, int xo, T[] y, int yo, PoolWindows p)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
        Planes(p.Planes, (long)p.Planes * inPlane, plane =>
        {
            int xb = xo + plane * inPlane, yb = yo + plane * outPlane;
            for (int i = 0; i < p.OH; i++)
            {
                int h0 = p.HStart[i], h1 = p.HEnd[i];
                for (int j = 0; j < p.OW; j++)
                {
                    int w0 = p.WStart[j], w1 = p.WEnd[j];
                    T sum = T.Zero;
                    for (int h = h0; h < h1; h++)
                    {
                        int row = xb + h * p.W;
                        for (int w = w0; w < w1; w++) sum += x[row + w];
                    }
                    y[yb + i * p.OW + j] = h0 >= h1 || w0 >= w1 ? T.Zero : Divide(sum, p, i, j);
                }
            }
        });
    }

    public static void AvgBackward(T[] gy, int gyo, T[] gx, int gxo, PoolWindows p)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
        gx.AsSpan(gxo, p.Planes * inPlane).Clear();
        Planes(p.Planes, (long)p.Planes * inPlane, plane =>
        {
            int xb = gxo + plane * inPlane, yb = gyo + plane * outPlane;
            for (int i = 0; i < p.OH; i++)
            {
                int h0 = p.HStart[i], h1 = p.HEnd[i];
                for (int j = 0; j < p.OW; j++)
                {
                    int w0 = p.WStart[j], w1 = p.WEnd[j];
                    if (h0 >= h1 || w0 >= w1) continue;
                    T g = Divide(gy[yb + i * p.OW + j], p, i, j);
                    for (int h = h0; h < h1; h++)
                    {
                        int row = xb + h * p.W;
                        for (int w = w0; w < w1; w++) gx[row + w] += g;
                    }
                }
            }
        });
    }

    private static T Divide(T v, PoolWindows p, int i, int j)
    {
        if (p.DivisorOverride > 0) return v / T.CreateChecked(p.DivisorOverride);
        if (p.DivideSeparately) return v / T.CreateChecked(p.HCount[i]) / T.CreateChecked(p.WCount[j]);
        return v / T.CreateChecked((long)p.HCount[i] * p.WCount[j]);
    }

    private static void Planes(int count, long work, Action<int> body)
    {
        if (count > 1 && work >= ParallelWork && Threads.Count > 1) WorkerTeam.Run(count, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
