using System.Numerics;
using System.Numerics.Tensors;
using Ember.Backends.Cpu.Gemm;

namespace Ember.Backends.Cpu.Conv;

/// <summary>
/// Unfolds the input patches of one sample and one group into a matrix (im2col) and folds such a
/// matrix back, accumulating (col2im). Row r = (c·KH + kh)·KW + kw of the matrix holds, for every
/// output position (oh, ow), the input element under kernel tap (kh, kw) of channel c, or zero in
/// the padding. Rows are <c>ld</c> elements apart so the weight gradient can lay several samples
/// side by side. Unit-stride rows copy whole runs; the zero edges are cut off once per row.
/// </summary>
internal static class Im2Col<T> where T : unmanaged, INumber<T>
{
    /// <summary>
    /// Writes the Cg·KH·KW x OH·OW matrix of the Cg channels starting at <paramref name="xo"/> to
    /// <paramref name="col"/> at <paramref name="co"/>, with rows <paramref name="ld"/> apart.
    /// </summary>
    public static void Unfold(T[] x, int xo, ConvGeometry g, T[] col, int co, int ld)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW;
        for (int c = 0; c < g.Cg; c++)
        {
            int plane = xo + c * h * w;
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int dst = co + ((c * g.KH + kh) * g.KW + kw) * ld;
                    int iw0 = kw * g.DW - g.PW;
                    // Output columns whose input column is inside [0, W): lo <= ow < hi.
                    int lo = iw0 >= 0 ? 0 : Math.Min(ow, (-iw0 + g.SW - 1) / g.SW);
                    int hi = w - iw0 <= 0 ? 0 : Math.Min(ow, (w - iw0 + g.SW - 1) / g.SW);
                    if (hi < lo) hi = lo;
                    for (int r = 0; r < oh; r++, dst += ow)
                    {
                        int ih = r * g.SH - g.PH + kh * g.DH;
                        var row = col.AsSpan(dst, ow);
                        if ((uint)ih >= (uint)h) { row.Clear(); continue; }
                        int src = plane + ih * w + iw0;
                        row[..lo].Clear();
                        if (g.SW == 1) x.AsSpan(src + lo, hi - lo).CopyTo(row[lo..hi]);
                        else for (int q = lo; q < hi; q++) row[q] = x[src + q * g.SW];
                        row[hi..].Clear();
                    }
                }
            }
        }
    }

    /// <summary>
    /// Writes the same Cg·KH·KW x OH·OW matrix as <see cref="Unfold"/>, but directly in the packed order
    /// the GEMM reads B in (<see cref="Gemm{T}.PackedBIndex"/>), so the product needs no packing pass
    /// of its own: one write of the unfolded data instead of a write, a read and a second write.
    /// Occupies <see cref="Gemm{T}.PackedBSize"/>(rows, OH·OW) elements from <paramref name="co"/>.
    /// </summary>
    public static void UnfoldPacked(T[] x, int xo, ConvGeometry g, T[] col, int co)
    {
        int h = g.H, w = g.W, ow = g.OW, k = g.ColRows, l = g.OutPlane;
        int nr = Gemm<T>.PanelWidth, nc = Gemm<T>.NC, kc = Gemm<T>.KC;
        for (int c = 0; c < g.Cg; c++)
        {
            int plane = xo + c * h * w;
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int row = (c * g.KH + kh) * g.KW + kw;
                    int pc = row - row % kc, kcur = Math.Min(kc, k - pc);
                    int iw0 = kw * g.DW - g.PW;
                    int lo = iw0 >= 0 ? 0 : Math.Min(ow, (-iw0 + g.SW - 1) / g.SW);
                    int hi = w - iw0 <= 0 ? 0 : Math.Min(ow, (w - iw0 + g.SW - 1) / g.SW);
                    if (hi < lo) hi = lo;
                    int oh = 0, oc = 0; // output position of the panel's first column
                    for (int jc = 0; jc < l; jc += nc)
                    {
                        int ncur = Math.Min(nc, l - jc), ncPad = (ncur + nr - 1) / nr * nr;
                        long block = co + (long)jc * k + (long)pc * ncPad + (long)(row - pc) * nr;
                        for (int j0 = 0; j0 < ncur; j0 += nr)
                        {
                            var dst = col.AsSpan((int)(block + (long)j0 * kcur), nr);
                            int t = 0, valid = Math.Min(nr, ncur - j0);
                            int rOh = oh, rOc = oc;
                            while (t < valid)
                            {
                                int len = Math.Min(valid - t, ow - rOc);
                                FillRow(x, plane, g, kh, rOh, rOc, len, lo, hi, iw0, dst.Slice(t, len));
                                t += len;
                                rOc += len;
                                if (rOc == ow) { rOc = 0; rOh++; }
                            }
                            if (valid < nr) dst[valid..].Clear();
                            oh = rOh; oc = rOc;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output columns [oc, oc+len) of output row oh for one kernel tap: input values, or zero in the padding.</summary>
    private static void FillRow(T[] x, int plane, ConvGeometry g, int kh, int oh, int oc, int len, int lo, int hi, int iw0, Span<T> dst)
    {
        int ih = oh * g.SH - g.PH + kh * g.DH;
        if ((uint)ih >= (uint)g.H) { dst.Clear(); return; }
        int a = Math.Clamp(lo, oc, oc + len), b = Math.Clamp(hi, a, oc + len);
        int src = plane + ih * g.W + iw0;
        for (int q = oc; q < a; q++) dst[q - oc] = T.Zero;
        if (g.SW == 1)
        {
            var from = x.AsSpan(src + a, b - a);
            var to = dst.Slice(a - oc, b - a);
            if (from.Length >= 16) from.CopyTo(to);
            else for (int q = 0; q < from.Length; q++) to[q] = from[q];
        }
        else for (int q = a; q < b; q++) dst[q - oc] = x[src + q * g.SW];
        for (int q = b; q < oc + len; q++) dst[q - oc] = T.Zero;
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold"/>: adds each matrix element to the input element it was read
    /// from (padding taps are dropped). The destination is accumulated into, not overwritten.
    /// </summary>
    public static void Fold(T[] col, int co, int ld, ConvGeometry g, T[] x, int xo)
    {
        int h = g.H, w = g.W, oh = g.OH, ow = g.OW;
        for (int c = 0; c < g.Cg; c++)
        {
            int plane = xo + c * h * w;
            for (int kh = 0; kh < g.KH; kh++)
            {
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int src = co + ((c * g.KH + kh) * g.KW + kw) * ld;
                    int iw0 = kw * g.DW - g.PW;
                    int lo = iw0 >= 0 ? 0 : Math.Min(ow, (-iw0 + g.SW - 1) / g.SW);
                    int hi = w - iw0 <= 0 ? 0 : Math.Min(ow, (w - iw0 + g.SW - 1) / g.SW);
                    if (hi <= lo) continue;
                    for (int r = 0; r < oh; r++, src += ow)
                    {
                        int ih = r * g.SH - g.PH + kh * g.DH;
                        if ((uint)ih >= (uint)h) continue;
                        int dst = plane + ih * w + iw0;
                        if (g.SW == 1)
                        {
                            var d = x.AsSpan(dst + lo, hi - lo);
                            TensorPrimitives.Add(d, col.AsSpan(src + lo, hi - lo), d);
                        }
                        else
                        {
                            for (int q = lo; q < hi; q++) x[dst + q * g.SW] += col[src + q];
                        }
                    }
                }
            }
        }
    }
}
