namespace Ember.Vision.Transforms;

/// <summary>
/// Resizes with bilinear interpolation (<c>transforms.Resize</c>). On a tensor (<see cref="Apply"/>, after
/// ToTensor) it is torchvision's tensor path: <c>interpolate(mode="bilinear", align_corners=False,
/// antialias=True)</c>, torchvision's default since 0.17 (0.14 defaulted to no antialias for tensors);
/// integer images are computed in floating point and rounded back. On an image before ToTensor
/// (<see cref="ApplyToImage"/>, what the datasets do) it is torchvision's PIL path, Pillow's own bilinear
/// resampling in 8-bit fixed point, which gives Pillow's bytes exactly and differs from the tensor path by
/// up to a few levels. Pillow premultiplies alpha for RGBA images; Ember resizes the four channels independently.
/// </summary>
public sealed class Resize : IImageTransform
{
    /// <summary>
    /// Resizes to <paramref name="size"/>: (h, w) exactly, or with one int the smaller edge becomes
    /// that size and the other keeps the aspect ratio (truncated, as torchvision computes it), capped
    /// by <paramref name="maxSize"/>.
    /// </summary>
    public Resize(int[] size, int? maxSize = null, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size.Length is not (1 or 2) || size.Any(s => s <= 0))
            throw new ArgumentException($"Resize: size should be one positive int or a sequence of two (h, w), got [{string.Join(", ", size)}].", nameof(size));
        if (maxSize is not null && size.Length != 1)
            throw new ArgumentException($"Resize: max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int, got [{string.Join(", ", size)}].", nameof(maxSize));
        if (maxSize is { } m && m <= size[0])
            throw new ArgumentException($"Resize: max_size = {m} must be strictly greater than the requested size for the smaller edge size = {size[0]}.", nameof(maxSize));
        Size = size;
        MaxSize = maxSize;
        Antialias = antialias;
    }

    /// <summary>Resizes the smaller edge to <paramref name="size"/>.</summary>
    public Resize(int size) : this([size]) { }

    /// <summary>The requested size.</summary>
    public IReadOnlyList<int> Size { get; }

    /// <summary>The cap on the longer edge, for a one-int size.</summary>
    public int? MaxSize { get; }

    /// <summary>Whether downscaling averages over the covered pixels (torchvision's default) rather than sampling 2x2.</summary>
    public bool Antialias { get; }

    /// <summary>The output (h, w) for an input of (h, w).</summary>
    public (int H, int W) OutputSize(int h, int w)
    {
        if (Size.Count == 2) return (Size[0], Size[1]);
        bool wide = w > h;
        int shortSide = wide ? h : w, longSide = wide ? w : h;
        int newShort = Size[0], newLong = (int)((long)newShort * longSide / shortSide);
        if (MaxSize is { } m && newLong > m) { newShort = (int)((long)m * newShort / newLong); newLong = m; }
        return wide ? (newShort, newLong) : (newLong, newShort);
    }

    /// <summary>Resizes an [H, W, C] uint8 image as Pillow's <c>Image.resize(size, BILINEAR)</c> does (torchvision's PIL path; antialiasing always on).</summary>
    public Tensor ApplyToImage(Tensor image)
    {
        ImageTensor.CheckImage(image, "Resize");
        int h = image.Size(0), w = image.Size(1), c = image.NDim == 3 ? image.Size(2) : 1;
        if (h == 0 || w == 0) throw new ArgumentException($"Resize: input image is empty (shape {image.Shape}).");
        var (oh, ow) = OutputSize(h, w);
        byte[] resized = PilResample.Bilinear(image.ToArray<byte>(), h, w, c, oh, ow);
        return Tensor.From<byte>(resized, image.NDim == 3 ? [oh, ow, c] : [oh, ow]);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        var (planes, h, w, lead) = ImageTensor.Split(input, "Resize");
        var (oh, ow) = OutputSize(h, w);
        if (h == 0 || w == 0) throw new ArgumentException($"Resize: input image is empty (shape {input.Shape}).");
        if (oh == h && ow == w) return input;
        double[] v = ImageTensor.ToDoubles(input, "Resize");
        var (xi, xw) = Weights(w, ow, Antialias);
        var (yi, yw) = Weights(h, oh, Antialias);
        var tmp = new double[planes * h * ow];
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < h; y++)
            {
                int row = (p * h + y) * w;
                for (int x = 0; x < ow; x++)
                {
                    double s = 0;
                    for (int k = 0; k < xw[x].Length; k++) s += xw[x][k] * v[row + xi[x] + k];
                    tmp[(p * h + y) * ow + x] = s;
                }
            }
        var o = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    double s = 0;
                    for (int k = 0; k < yw[y].Length; k++) s += yw[y][k] * tmp[(p * h + yi[y] + k) * ow + x];
                    o[(p * oh + y) * ow + x] = s;
                }
        return ImageTensor.FromDoubles(o, ImageTensor.WithHw(lead, oh, ow), input.DType, round: true);
    }

    // PyTorch's _upsample_bilinear2d_aa weights (PIL's triangle filter); without antialias the
    // support stays 1, which is plain bilinear interpolation with align_corners=False.
    private static (int[] Start, double[][] W) Weights(int inSize, int outSize, bool antialias)
    {
        double scale = (double)inSize / outSize;
        double support = antialias && scale >= 1 ? scale : 1.0;
        double invScale = antialias && scale >= 1 ? 1.0 / scale : 1.0;
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int i = 0; i < outSize; i++)
        {
            double center = scale * (i + 0.5);
            if (!antialias)
            {
                double src = Math.Max(center - 0.5, 0);
                int x0 = Math.Min((int)src, inSize - 1);
                int x1 = Math.Min(x0 + 1, inSize - 1);
                double l = src - x0;
                start[i] = x0;
                weights[i] = x1 == x0 ? [1.0] : [1 - l, l];
                continue;
            }
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xsize = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var wts = new double[Math.Max(xsize, 0)];
            double total = 0;
            for (int j = 0; j < wts.Length; j++)
            {
                double t = Math.Abs((j + xmin - center + 0.5) * invScale);
                wts[j] = t < 1 ? 1 - t : 0;
                total += wts[j];
            }
            if (total != 0) for (int j = 0; j < wts.Length; j++) wts[j] /= total;
            start[i] = xmin;
            weights[i] = wts;
        }
        return (start, weights);
    }
}
