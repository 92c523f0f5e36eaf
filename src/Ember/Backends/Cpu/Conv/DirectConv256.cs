using System.Numerics;
using System.Runtime.Intrinsics;

namespace Ember.Backends.Cpu.Conv;

// The AVX2 kernels of the direct convolution: the AVX-512 ones with 256-bit vectors (eight
// accumulators, the input vector and a broadcast use ten of the sixteen ymm registers), and for the
// forward pass a second tile of six output channels times two vectors of a row (twelve
// accumulators, two input vectors, one broadcast: fifteen registers, as the GEMM's 6 x 16 kernel).
// The second tile wastes fewer lanes on layers with six channels and rows of 9-16 or 25-32
// (LeNet's first convolution, 6 channels of 28 columns, and its input gradient, 6 of 14):
// see UseWideTile.
internal static unsafe partial class DirectConv<T> where T : unmanaged, INumber<T>
{
    private static void Sample256(T[] x, int xo, T[] wt, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
    {
        int plane = ph * pw;
        CopyPadded(x, xo, g, s, scratch, ph, pw);
        int vw = Vector256<T>.Count, taps = g.C * g.KH * g.KW;
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
                        Vector256<T> a0 = Init256(bias, bo, b, 0, live), a1 = Init256(bias, bo, b, 1, live);
                        Vector256<T> a2 = Init256(bias, bo, b, 2, live), a3 = Init256(bias, bo, b, 3, live);
                        Vector256<T> a4 = Init256(bias, bo, b, 4, live), a5 = Init256(bias, bo, b, 5, live);
                        Vector256<T> a6 = Init256(bias, bo, b, 6, live), a7 = Init256(bias, bo, b, 7, live);
                        T* wp = wb;
                        for (int c = 0; c < g.C; c++)
                        {
                            for (int kh = 0; kh < g.KH; kh++)
                            {
                                T* row = sp + c * plane + (oh + kh * g.DH) * pw + ow0;
                                for (int kw = 0; kw < g.KW; kw++, wp += Block)
                                {
                                    var v = Vector256.Load(row + kw * g.DW);
                                    a0 = Simd.Fma(v, Vector256.Create(wp[0]), a0); a1 = Simd.Fma(v, Vector256.Create(wp[1]), a1);
                                    a2 = Simd.Fma(v, Vector256.Create(wp[2]), a2); a3 = Simd.Fma(v, Vector256.Create(wp[3]), a3);
                                    a4 = Simd.Fma(v, Vector256.Create(wp[4]), a4); a5 = Simd.Fma(v, Vector256.Create(wp[5]), a5);
                                    a6 = Simd.Fma(v, Vector256.Create(wp[6]), a6); a7 = Simd.Fma(v, Vector256.Create(wp[7]), a7);
                                }
                            }
                        }
                        int valid = Math.Min(vw, g.OW - ow0);
                        T* yAt = yp0 + yo + (((long)s * g.O + b * Block) * g.OH + oh) * g.OW + ow0;
                        long chan = (long)g.OH * g.OW;
                        if (valid == vw)
                        {
                            Store256(a0, yAt, 0, live, chan); Store256(a1, yAt, 1, live, chan); Store256(a2, yAt, 2, live, chan); Store256(a3, yAt, 3, live, chan);
                            Store256(a4, yAt, 4, live, chan); Store256(a5, yAt, 5, live, chan); Store256(a6, yAt, 6, live, chan); Store256(a7, yAt, 7, live, chan);
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
    /// True where the 6-channel x 2-vector tile wastes fewer lanes than the 8-channel x 1-vector one
    /// (both count the channels and row columns their last, partial block computes for nothing).
    /// </summary>
    internal static bool UseWideTile(ConvGeometry g)
    {
        int vw = Vector256<T>.Count;
        static double Fill(int n, int block) => (double)n / ((n + block - 1) / block * block);
        return Fill(g.O, WideTileChannels) * Fill(g.OW, 2 * vw) > Fill(g.O, Block) * Fill(g.OW, vw);
    }

    /// <summary>Output channels of the 6 x 2-vector tile.</summary>
    internal const int WideTileChannels = 6;

    /// <summary>
    /// One sample with the 6 x 2-vector tile; <paramref name="wt"/> holds the weights regrouped as
    /// [block of 6][tap][6].
    /// </summary>
    private static void Sample256x2(T[] x, int xo, T[] wt, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
    {
        const int B = WideTileChannels;
        int plane = ph * pw;
        CopyPadded(x, xo, g, s, scratch, ph, pw);
        int vw = Vector256<T>.Count, taps = g.C * g.KH * g.KW;
        int blocks = (g.O + B - 1) / B;
        T* tail = stackalloc T[B * 2 * 8];
        long chan = (long)g.OH * g.OW;
        fixed (T* sp = scratch, wp0 = wt, yp0 = y)
        {
            for (int b = 0; b < blocks; b++)
            {
                int live = Math.Min(B, g.O - b * B);
                T* wb = wp0 + (long)b * taps * B;
                for (int oh = 0; oh < g.OH; oh++)
                {
                    for (int ow0 = 0; ow0 < g.OW; ow0 += 2 * vw)
                    {
                        int first = bo + b * B;
                        Vector256<T> a00 = InitAt256(bias, first, 0, live), a10 = InitAt256(bias, first, 1, live), a20 = InitAt256(bias, first, 2, live);
                        Vector256<T> a30 = InitAt256(bias, first, 3, live), a40 = InitAt256(bias, first, 4, live), a50 = InitAt256(bias, first, 5, live);
                        Vector256<T> a01 = a00, a11 = a10, a21 = a20, a31 = a30, a41 = a40, a51 = a50;
                        T* wp = wb;
                        for (int c = 0; c < g.C; c++)
                        {
                            for (int kh = 0; kh < g.KH; kh++)
                            {
                                T* row = sp + c * plane + (oh + kh * g.DH) * pw + ow0;
                                for (int kw = 0; kw < g.KW; kw++, wp += B)
                                {
                                    T* at = row + kw * g.DW;
                                    var v0 = Vector256.Load(at);
                                    var v1 = Vector256.Load(at + vw);
                                    var w = Vector256.Create(wp[0]); a00 = Simd.Fma(v0, w, a00); a01 = Simd.Fma(v1, w, a01);
                                    w = Vector256.Create(wp[1]); a10 = Simd.Fma(v0, w, a10); a11 = Simd.Fma(v1, w, a11);
                                    w = Vector256.Create(wp[2]); a20 = Simd.Fma(v0, w, a20); a21 = Simd.Fma(v1, w, a21);
                                    w = Vector256.Create(wp[3]); a30 = Simd.Fma(v0, w, a30); a31 = Simd.Fma(v1, w, a31);
                                    w = Vector256.Create(wp[4]); a40 = Simd.Fma(v0, w, a40); a41 = Simd.Fma(v1, w, a41);
                                    w = Vector256.Create(wp[5]); a50 = Simd.Fma(v0, w, a50); a51 = Simd.Fma(v1, w, a51);
                                }
                            }
                        }
                        int valid = Math.Min(2 * vw, g.OW - ow0);
                        T* yAt = yp0 + yo + (((long)s * g.O + b * B) * g.OH + oh) * g.OW + ow0;
                        if (valid == 2 * vw && live == B)
                        {
                            a00.Store(yAt); a01.Store(yAt + vw);
                            a10.Store(yAt + chan); a11.Store(yAt + chan + vw);
                            a20.Store(yAt + 2 * chan); a21.Store(yAt + 2 * chan + vw);
                            a30.Store(yAt + 3 * chan); a31.Store(yAt + 3 * chan + vw);
                            a40.Store(yAt + 4 * chan); a41.Store(yAt + 4 * chan + vw);
                            a50.Store(yAt + 5 * chan); a51.Store(yAt + 5 * chan + vw);
                        }
                        else
                        {
                            // A partial tile: spill, then copy only the channels and columns that exist.
                            int r = 2 * vw;
                            a00.Store(tail); a01.Store(tail + vw); a10.Store(tail + r); a11.Store(tail + r + vw);
                            a20.Store(tail + 2 * r); a21.Store(tail + 2 * r + vw); a30.Store(tail + 3 * r); a31.Store(tail + 3 * r + vw);
                            a40.Store(tail + 4 * r); a41.Store(tail + 4 * r + vw); a50.Store(tail + 5 * r); a51.Store(tail + 5 * r + vw);
                            for (int o = 0; o < live; o++)
                                for (int q = 0; q < valid; q++) yAt[o * chan + q] = tail[o * r + q];
                        }
                    }
                }
            }
        }
    }

    private static void WeightGradSample256(T[] x, int xo, T[] gy, int gyo, ConvGeometry g, int s, T[] xs, T[] gs, int gyLen,
        T[] accArr, int ph, int pw, int rowPad)
    {
        int vw = Vector256<T>.Count, taps = g.C * g.KH * g.KW, blocks = (g.O + Block - 1) / Block;
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
                            Vector256<T> a0 = Vector256.Load(acc), a1 = Vector256.Load(acc + vw), a2 = Vector256.Load(acc + 2 * vw), a3 = Vector256.Load(acc + 3 * vw);
                            Vector256<T> a4 = Vector256.Load(acc + 4 * vw), a5 = Vector256.Load(acc + 5 * vw), a6 = Vector256.Load(acc + 6 * vw), a7 = Vector256.Load(acc + 7 * vw);
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                T* xr = xp + c * plane + (oh + kh * g.DH) * pw + kw * g.DW;
                                T* gr = gb + oh * rowPad;
                                for (int q = 0; q < rowPad; q += vw)
                                {
                                    var v = Vector256.Load(xr + q);
                                    T* gq = gr + q;
                                    a0 = Simd.Fma(v, Vector256.Load(gq), a0); a1 = Simd.Fma(v, Vector256.Load(gq + gPlane), a1);
                                    a2 = Simd.Fma(v, Vector256.Load(gq + 2 * gPlane), a2); a3 = Simd.Fma(v, Vector256.Load(gq + 3 * gPlane), a3);
                                    a4 = Simd.Fma(v, Vector256.Load(gq + 4 * gPlane), a4); a5 = Simd.Fma(v, Vector256.Load(gq + 5 * gPlane), a5);
                                    a6 = Simd.Fma(v, Vector256.Load(gq + 6 * gPlane), a6); a7 = Simd.Fma(v, Vector256.Load(gq + 7 * gPlane), a7);
                                }
                            }
                            a0.Store(acc); a1.Store(acc + vw); a2.Store(acc + 2 * vw); a3.Store(acc + 3 * vw);
                            a4.Store(acc + 4 * vw); a5.Store(acc + 5 * vw); a6.Store(acc + 6 * vw); a7.Store(acc + 7 * vw);
                        }
            }
        }
    }

    /// <summary>The bias of channel <paramref name="first"/> + <paramref name="i"/> in every lane (zero past the live channels or without bias).</summary>
    private static Vector256<T> InitAt256(T[]? bias, int first, int i, int live) =>
        bias is null || i >= live ? Vector256<T>.Zero : Vector256.Create(bias[first + i]);

    private static Vector256<T> Init256(T[]? bias, int bo, int block, int i, int live) =>
        bias is null || i >= live ? Vector256<T>.Zero : Vector256.Create(bias[bo + block * Block + i]);

    private static void Store256(Vector256<T> v, T* yAt, int i, int live, long chan)
    {
        if (i < live) v.Store(yAt + i * chan);
    }
}
