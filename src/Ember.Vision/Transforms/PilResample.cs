namespace Ember.Vision.Transforms;

/// <summary>
/// Pillow's bilinear resampling of 8-bit images (libImaging/Resample.c, Pillow 9), which torchvision's
/// <c>Resize</c> calls on PIL images: a triangle filter widened by the scale when shrinking (so always
/// antialiased), coefficients rounded to 22-bit fixed point, a horizontal pass into an 8-bit image, then a
/// vertical pass, each rounding and clamping to bytes.
/// </summary>
internal static class PilResample
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static byte[] Bilinear(byte[] src, int h, int w, int c, int outH, int outW)
    {
        byte[] image = src;
        int curW = w;
        if (outW != w)
        {
            var (bounds, k, ksize) = Coefficients(w, outW);
            var tmp = new byte[h * outW * c];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < outW; x++)
                {
                    int xmin = bounds[2 * x], xn = bounds[2 * x + 1];
                    for (int ch = 0; ch < c; ch++)
                    {
                        int ss = 1 << (PrecisionBits - 1);
                        for (int i = 0; i < xn; i++) ss += image[(y * w + xmin + i) * c + ch] * k[x * ksize + i];
                        tmp[(y * outW + x) * c + ch] = Clip8(ss);
                    }
                }
            image = tmp;
            curW = outW;
        }
        if (outH != h)
        {
            var (bounds, k, ksize) = Coefficients(h, outH);
            var tmp = new byte[outH * curW * c];
            for (int y = 0; y < outH; y++)
            {
                int ymin = bounds[2 * y], yn = bounds[2 * y + 1];
                for (int x = 0; x < curW; x++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        int ss = 1 << (PrecisionBits - 1);
                        for (int i = 0; i < yn; i++) ss += image[((ymin + i) * curW + x) * c + ch] * k[y * ksize + i];
                        tmp[(y * curW + x) * c + ch] = Clip8(ss);
                    }
            }
            image = tmp;
        }
        return ReferenceEquals(image, src) ? (byte[])src.Clone() : image;
    }

    // Pillow's clip8 lookup: the value's integer part, clamped to a byte (the shift floors negatives).
    private static byte Clip8(int v) => (byte)Math.Clamp(v >> PrecisionBits, 0, 255);

    // precompute_coeffs with the bilinear filter (support 1) over the whole axis, then normalize_coeffs_8bpc.
    private static (int[] Bounds, int[] K, int KSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var k = new int[outSize * ksize];
        var pre = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ww = 0, ss = 1.0 / filterScale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            Array.Clear(pre);
            for (int x = 0; x < xmax; x++)
            {
                double t = Math.Abs((x + xmin - center + 0.5) * ss);
                double wgt = t < 1.0 ? 1.0 - t : 0.0;
                pre[x] = wgt;
                ww += wgt;
            }
            for (int x = 0; x < xmax; x++)
                if (ww != 0.0) pre[x] /= ww;
            for (int x = 0; x < ksize; x++)
                k[xx * ksize + x] = pre[x] < 0 ? (int)(-0.5 + pre[x] * (1 << PrecisionBits)) : (int)(0.5 + pre[x] * (1 << PrecisionBits));
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = Math.Max(xmax, 0);
        }
        return (bounds, k, ksize);
    }
}
