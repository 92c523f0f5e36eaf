namespace Ember.Vision.Transforms;

/// <summary>
/// Randomly changes brightness, contrast, saturation and hue, in a random order
/// (<c>transforms.ColorJitter</c>, tensor semantics). Each factor is drawn uniformly from
/// [max(0, 1 - x), 1 + x] for brightness, contrast and saturation and from [-hue, hue] for hue; 0
/// leaves that property alone. Works on [..., 3, H, W] (saturation and hue) or [..., 1 or 3, H, W]
/// tensors, float in [0, 1] or uint8 (results truncated back to uint8, as torchvision's casts do).
/// </summary>
public sealed class ColorJitter : RandomTransform
{
    private readonly (double Lo, double Hi)? _b, _c, _s, _h;
    private readonly object _gate = new();

    /// <summary>A colour jitter.</summary>
    /// <param name="brightness">How much to jitter brightness (non-negative).</param>
    /// <param name="contrast">How much to jitter contrast (non-negative).</param>
    /// <param name="saturation">How much to jitter saturation (non-negative).</param>
    /// <param name="hue">How much to jitter hue, in [0, 0.5].</param>
    /// <param name="seed">Seed of the transform's own random stream; null draws from the default generator, as torchvision does.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0, int? seed = null) : base(seed)
    {
        _b = Range(brightness, "brightness");
        _c = Range(contrast, "contrast");
        _s = Range(saturation, "saturation");
        if (!(hue >= 0 && hue <= 0.5)) throw new ArgumentException($"ColorJitter: hue values should be between (-0.5, 0.5), but got hue={hue}.", nameof(hue));
        _h = hue == 0 ? null : (-hue, hue);
    }

    private static (double, double)? Range(double v, string name)
    {
        if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"ColorJitter: If {name} is a single number, it must be non negative (got {v}).", name);
        return v == 0 ? null : (Math.Max(0, 1 - v), 1 + v);
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        ImageTensor.Split(input, "ColorJitter", minRank: 3);
        int[] order;
        double? b, c, s, h;
        lock (_gate)
        {
            order = Perm4();
            b = Draw(_b); c = Draw(_c); s = Draw(_s); h = Draw(_h);
        }
        foreach (int fn in order)
        {
            if (fn == 0 && b is { } bf) input = AdjustBrightness(input, bf);
            else if (fn == 1 && c is { } cf) input = AdjustContrast(input, cf);
            else if (fn == 2 && s is { } sf) input = AdjustSaturation(input, sf);
            else if (fn == 3 && h is { } hf) input = AdjustHue(input, hf);
        }
        return input;
    }

    private int[] Perm4()
    {
        int[] p = [0, 1, 2, 3];
        for (int i = 3; i > 0; i--) { int j = RandInt(0, i + 1); (p[i], p[j]) = (p[j], p[i]); }
        return p;
    }

    private double? Draw((double Lo, double Hi)? r) => r is { } v ? v.Lo + (v.Hi - v.Lo) * Rand() : null;

    private static int Channels(Tensor img) => img.Size(-3);

    // torchvision's _blend: ratio * a + (1 - ratio) * b, clamped to the dtype's range, cast back.
    private static Tensor Blend(Tensor img, Func<int, int, double> other, double ratio)
    {
        double bound = img.DType.IsFloatingPoint() ? 1.0 : 255.0;
        double[] v = ImageTensor.ToDoubles(img, "ColorJitter");
        int hwc = Channels(img) * img.Size(-2) * img.Size(-1);
        var o = new double[v.Length];
        if (img.DType == DType.Float64)
            for (int i = 0; i < v.Length; i++) o[i] = Math.Clamp(ratio * v[i] + (1 - ratio) * other(i / hwc, i % hwc), 0, bound);
        else // PyTorch computes a uint8 or float32 image times a Python float in float32
            for (int i = 0; i < v.Length; i++) o[i] = Math.Clamp((float)ratio * (float)v[i] + (float)(1 - ratio) * (float)other(i / hwc, i % hwc), 0f, (float)bound);
        return ImageTensor.FromDoubles(o, img.Shape.ToArray(), img.DType, round: false);
    }

    /// <summary>Scales brightness by <paramref name="factor"/> (<c>F.adjust_brightness</c>).</summary>
    public static Tensor AdjustBrightness(Tensor img, double factor)
    {
        ImageTensor.Split(img, "adjust_brightness", minRank: 3);
        if (factor < 0) throw new ArgumentException($"adjust_brightness: brightness_factor ({factor}) is not non-negative.");
        return Blend(img, (_, _) => 0, factor);
    }

    /// <summary>Blends with the mean grey level of each image (<c>F.adjust_contrast</c>).</summary>
    public static Tensor AdjustContrast(Tensor img, double factor)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "adjust_contrast", minRank: 3);
        if (factor < 0) throw new ArgumentException($"adjust_contrast: contrast_factor ({factor}) is not non-negative.");
        int c = Channels(img);
        Tensor grey = c == 3 ? new Grayscale().Apply(img) : img;
        double[] g = ImageTensor.ToDoubles(grey, "adjust_contrast");
        int per = h * w * (c == 3 ? 1 : c), images = g.Length / Math.Max(per, 1);
        var means = new double[images];
        for (int n = 0; n < images; n++)
        {
            double sum = 0;
            for (int i = 0; i < per; i++) sum += g[n * per + i];
            means[n] = img.DType == DType.Float64 ? sum / per : (float)(sum / per);
        }
        return Blend(img, (n, _) => means[n], factor);
    }

    /// <summary>Blends with the grayscale image (<c>F.adjust_saturation</c>); 1-channel images are returned as they are.</summary>
    public static Tensor AdjustSaturation(Tensor img, double factor)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "adjust_saturation", minRank: 3);
        if (factor < 0) throw new ArgumentException($"adjust_saturation: saturation_factor ({factor}) is not non-negative.");
        if (Channels(img) == 1) return img;
        double[] g = ImageTensor.ToDoubles(new Grayscale().Apply(img), "adjust_saturation");
        int hw = h * w;
        return Blend(img, (n, i) => g[n * hw + i % hw], factor);
    }

    /// <summary>
    /// Rotates hue by <paramref name="factor"/> of a full turn, in [-0.5, 0.5] (<c>F.adjust_hue</c>):
    /// RGB to HSV, shift, back. uint8 images go through float as torchvision's convert_image_dtype does.
    /// </summary>
    public static Tensor AdjustHue(Tensor img, double factor)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "adjust_hue", minRank: 3);
        if (!(factor >= -0.5 && factor <= 0.5)) throw new ArgumentException($"adjust_hue: hue_factor ({factor}) is not in [-0.5, 0.5].");
        int c = Channels(img);
        if (c == 1) return img;
        if (c != 3) throw new ArgumentException($"adjust_hue: input image tensor permitted channel values are [1, 3], but found {c}.");
        bool isByte = !img.DType.IsFloatingPoint();
        double[] v = ImageTensor.ToDoubles(img, "adjust_hue");
        int hw = h * w, images = v.Length / (3 * hw);
        var o = new double[v.Length];
        for (int n = 0; n < images; n++)
            for (int i = 0; i < hw; i++)
            {
                int k = n * 3 * hw + i;
                double r = v[k], g = v[k + hw], b = v[k + 2 * hw];
                if (isByte) { r /= 255; g /= 255; b /= 255; }
                var (hh, s, vv) = RgbToHsv(r, g, b);
                hh = (hh + factor) % 1.0;
                if (hh < 0) hh += 1; // Python's % is non-negative for a positive divisor
                (r, g, b) = HsvToRgb(hh, s, vv);
                if (isByte) { r = Math.Truncate(r * (256 - 1e-3)); g = Math.Truncate(g * (256 - 1e-3)); b = Math.Truncate(b * (256 - 1e-3)); }
                o[k] = r; o[k + hw] = g; o[k + 2 * hw] = b;
            }
        return ImageTensor.FromDoubles(o, img.Shape.ToArray(), img.DType, round: false);
    }

    // torchvision's _rgb2hsv, element by element.
    private static (double H, double S, double V) RgbToHsv(double r, double g, double b)
    {
        double maxc = Math.Max(r, Math.Max(g, b)), minc = Math.Min(r, Math.Min(g, b));
        bool eqc = maxc == minc;
        double cr = maxc - minc;
        double s = cr / (eqc ? 1 : maxc);
        double div = eqc ? 1 : cr;
        double rc = (maxc - r) / div, gc = (maxc - g) / div, bc = (maxc - b) / div;
        double h = maxc == r ? bc - gc : maxc == g ? 2.0 + rc - bc : 4.0 + gc - rc;
        h = (h / 6.0 + 1.0) % 1.0;
        return (h, s, maxc);
    }

    // torchvision's _hsv2rgb.
    private static (double R, double G, double B) HsvToRgb(double h, double s, double v)
    {
        double i = Math.Floor(h * 6.0);
        double f = h * 6.0 - i;
        int sector = (((int)i % 6) + 6) % 6;
        double p = Math.Clamp(v * (1 - s), 0, 1), q = Math.Clamp(v * (1 - s * f), 0, 1), t = Math.Clamp(v * (1 - s * (1 - f)), 0, 1);
        return sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }
}
