using System.Numerics;
using System.Runtime.Intrinsics;

namespace Ember.Backends.Cpu.Conv;

// The AVX-512 kernels of the direct convolution: one 512-bit vector of an output row (or of a
// weight-gradient row) for each of eight output channels.
internal static unsafe partial class DirectConv<T> where T : unmanaged, INumber<T>
{
    private static void Sample512(T[] x, int xo, T[] wt, T[]? bias, int bo, T[] y, int yo, ConvGeometry g, int s, T[] scratch, int ph, int pw)
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
                        Vector512<T> a0 = Init512(bias, bo, b, 0, live), a1 = Init512(bias, bo, b, 1, live);
                        Vector512<T> a2 = Init512(bias, bo, b, 2, live), a3 = Init512(bias, bo, b, 3, live);
                        Vector512<T> a4 = Init512(bias, bo, b, 4, live), a5 = Init512(bias, bo, b, 5, live);
                        Vector512<T> a6 = Init512(bias, bo, b, 6, live), a7 = Init512(bias, bo, b, 7, live);
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
                            Store512(a0, yAt, 0, live, chan); Store512(a1, yAt, 1, live, chan); Store512(a2, yAt, 2, live, chan); Store512(a3, yAt, 3, live, chan);
                            Store512(a4, yAt, 4, live, chan); Store512(a5, yAt, 5, live, chan); Store512(a6, yAt, 6, live, chan); Store512(a7, yAt, 7, live, chan);
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

    private static void WeightGradSample512(T[] x, int xo, T[] gy, int gyo, ConvGeometry g, int s, T[] xs, T[] gs, int gyLen,
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

    private static Vector512<T> Init512(T[]? bias, int bo, int block, int i, int live) =>
        bias is null || i >= live ? Vector512<T>.Zero : Vector512.Create(bias[bo + block * Block + i]);

    private static void Store512(Vector512<T> v, T* yAt, int i, int live, long chan)
    {
        if (i < live) v.Store(yAt + i * chan);
    }
}
