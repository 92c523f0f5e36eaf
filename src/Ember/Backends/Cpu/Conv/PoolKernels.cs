using System.Numerics;

namespace Ember.Backends.Cpu.Conv;

/// <summary>
/// Max and average pooling as direct loops over planes; planes run in parallel when the work is large.
/// Windows come precomputed per output row and column (<see cref="PoolWindows"/>), so the inner loops
/// carry no bounds tests.
/// </summary>
internal static class PoolKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const long ParallelWork = 1 << 16;

    public static void Max(T[] x, int xo, T[] y, int yo, long[] idx, int io, PoolWindows p)
    {
        int inPlane = p.H * p.W, outPlane = p.OH * p.OW;
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

    public static void MaxBackward(T[] gy, int gyo, long[] idx, int io, T[] gx, int gxo, int planes, int inPlane, int outPlane)
    {
        gx.AsSpan(gxo, planes * inPlane).Clear();
        Planes(planes, (long)planes * outPlane, plane =>
        {
            int gb = gyo + plane * outPlane, ib = io + plane * outPlane, xb = gxo + plane * inPlane;
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
        if (count > 1 && work >= ParallelWork && Threads.Count > 1) Parallel.For(0, count, Threads.Options, body);
        else for (int i = 0; i < count; i++) body(i);
    }
}
