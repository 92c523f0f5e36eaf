namespace Ember.Vision.Transforms;

/// <summary>Flips the image left-right with probability <see cref="P"/> (<c>transforms.RandomHorizontalFlip</c>).</summary>
public sealed class RandomHorizontalFlip : RandomTransform, IImageTransform
{
    /// <summary>Flips with probability <paramref name="p"/>.</summary>
    /// <param name="p">Probability of a flip.</param>
    /// <param name="seed">Seed of the transform's own random stream; null draws from the default generator, as torchvision does.</param>
    public RandomHorizontalFlip(double p = 0.5, int? seed = null) : base(seed)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomHorizontalFlip: p should be a probability in [0, 1], got {p}.", nameof(p));
        P = p;
    }

    /// <summary>Probability of a flip.</summary>
    public double P { get; }

    /// <summary>Mirrors a [..., H, W] tensor along its last dimension (<c>F.hflip</c>).</summary>
    public static Tensor HFlip(Tensor img)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "hflip");
        return ImageTensor.Remap(img, "hflip", h, w, Enumerable.Range(0, h).ToArray(), Enumerable.Range(0, w).Select(x => w - 1 - x).ToArray());
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        ImageTensor.Split(input, "RandomHorizontalFlip");
        return Rand() < P ? HFlip(input) : input;
    }

    /// <summary>Flips an [H, W, C] image left-right with probability <see cref="P"/>, drawing as on a tensor.</summary>
    public Tensor ApplyToImage(Tensor image) => ImageTensor.OnImage(image, "RandomHorizontalFlip", Apply);
}

/// <summary>Crop helpers shared by the crop transforms (torchvision's <c>F.crop</c>, <c>F.pad</c>).</summary>
public static class Crop
{
    /// <summary>
    /// The region of height <paramref name="height"/> and width <paramref name="width"/> whose top-left
    /// corner is (<paramref name="top"/>, <paramref name="left"/>) (<c>F.crop</c>); parts outside the
    /// image are filled with zeros, as torchvision pads them.
    /// </summary>
    public static Tensor Apply(Tensor img, int top, int left, int height, int width)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "crop");
        if (height < 0 || width < 0) throw new ArgumentException($"crop: height and width must be non-negative, got ({height}, {width}).");
        var rows = Enumerable.Range(top, height).Select(y => y >= 0 && y < h ? y : -1).ToArray();
        var cols = Enumerable.Range(left, width).Select(x => x >= 0 && x < w ? x : -1).ToArray();
        return ImageTensor.Remap(img, "crop", height, width, rows, cols);
    }

    /// <summary>
    /// Pads the last two dims by <paramref name="left"/>, <paramref name="top"/>, <paramref name="right"/>,
    /// <paramref name="bottom"/> pixels (<c>F.pad</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Reflect padding as large as the image, or a negative amount.</exception>
    public static Tensor Pad(Tensor img, int left, int top, int right, int bottom, double fill = 0, PaddingMode mode = PaddingMode.Constant)
    {
        var (_, h, w, _) = ImageTensor.Split(img, "pad");
        if (left < 0 || top < 0 || right < 0 || bottom < 0)
            throw new ArgumentException($"pad: padding must be non-negative, got (left={left}, top={top}, right={right}, bottom={bottom}).");
        if (mode == PaddingMode.Reflect && (Math.Max(left, right) >= w || Math.Max(top, bottom) >= h))
            throw new ArgumentException($"pad: reflect padding ({left}, {top}, {right}, {bottom}) must be smaller than the image size (H={h}, W={w}).");
        if (mode != PaddingMode.Constant && (h == 0 || w == 0))
            throw new ArgumentException($"pad: {mode} padding needs a non-empty image, got H={h}, W={w}.");
        var rows = Enumerable.Range(-top, h + top + bottom).Select(y => ImageTensor.PadIndex(y, h, mode)).ToArray();
        var cols = Enumerable.Range(-left, w + left + right).Select(x => ImageTensor.PadIndex(x, w, mode)).ToArray();
        return ImageTensor.Remap(img, "pad", rows.Length, cols.Length, rows, cols, fill);
    }

    internal static (int H, int W) Size(int[] size, string op)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (size.Length is not (1 or 2) || size.Any(s => s <= 0))
            throw new ArgumentException($"{op}: size should be one positive int or a sequence of two (h, w), got [{string.Join(", ", size)}].");
        return size.Length == 1 ? (size[0], size[0]) : (size[0], size[1]);
    }

    internal static (int L, int T, int R, int B) Padding(int[] padding, string op)
    {
        return padding.Length switch
        {
            1 => (padding[0], padding[0], padding[0], padding[0]),
            2 => (padding[0], padding[1], padding[0], padding[1]),
            4 => (padding[0], padding[1], padding[2], padding[3]),
            _ => throw new ArgumentException($"{op}: padding must be one int or a sequence of 2 (left/right, top/bottom) or 4 (left, top, right, bottom) ints, got {padding.Length} values."),
        };
    }
}

/// <summary>
/// Crops the centre of the image (<c>transforms.CenterCrop</c>); an image smaller than the crop is
/// padded with zeros first, as torchvision does.
/// </summary>
public sealed class CenterCrop : IImageTransform
{
    /// <summary>Crops to <paramref name="size"/>: one int for a square, or (h, w).</summary>
    public CenterCrop(params int[] size) { (Height, Width) = Crop.Size(size, "CenterCrop"); }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        var (_, h, w, _) = ImageTensor.Split(input, "CenterCrop");
        // torchvision: int(round((h - th) / 2.0)), Python rounding half to even; padding shifts it to negative.
        int top = (int)Math.Round((h - Height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((w - Width) / 2.0, MidpointRounding.ToEven);
        if (Height > h || Width > w)
        {
            int pl = Width > w ? (Width - w) / 2 : 0, pt = Height > h ? (Height - h) / 2 : 0;
            int pr = Width > w ? (Width - w + 1) / 2 : 0, pb = Height > h ? (Height - h + 1) / 2 : 0;
            input = Crop.Pad(input, pl, pt, pr, pb);
            (h, w) = (h + pt + pb, w + pl + pr);
            if (h == Height && w == Width) return input;
            top = (int)Math.Round((h - Height) / 2.0, MidpointRounding.ToEven);
            left = (int)Math.Round((w - Width) / 2.0, MidpointRounding.ToEven);
        }
        return Crop.Apply(input, top, left, Height, Width);
    }

    /// <summary>Crops the centre of an [H, W, C] image (PIL's <c>img.crop</c>, padded with zeros when smaller).</summary>
    public Tensor ApplyToImage(Tensor image) => ImageTensor.OnImage(image, "CenterCrop", Apply);
}

/// <summary>
/// Crops a random region after optional padding (<c>transforms.RandomCrop(size, padding,
/// pad_if_needed, fill, padding_mode)</c>), the classic CIFAR augmentation <c>RandomCrop(32, padding: [4])</c>.
/// </summary>
public sealed class RandomCrop : RandomTransform, IImageTransform
{
    private readonly (int L, int T, int R, int B)? _padding;

    /// <summary>A random crop.</summary>
    /// <param name="size">One int for a square crop, or (h, w).</param>
    /// <param name="padding">Border added first: one int for all sides, (left/right, top/bottom), or (left, top, right, bottom).</param>
    /// <param name="padIfNeeded">Pad an image smaller than the crop up to its size.</param>
    /// <param name="fill">Fill value for constant padding.</param>
    /// <param name="paddingMode">How the border is filled.</param>
    /// <param name="seed">Seed of the transform's own random stream; null draws from the default generator, as torchvision does.</param>
    public RandomCrop(int[] size, int[]? padding = null, bool padIfNeeded = false, double fill = 0,
        PaddingMode paddingMode = PaddingMode.Constant, int? seed = null) : base(seed)
    {
        (Height, Width) = Crop.Size(size, "RandomCrop");
        if (padding is not null) _padding = Crop.Padding(padding, "RandomCrop");
        PadIfNeeded = padIfNeeded;
        Fill = fill;
        PaddingMode = paddingMode;
    }

    /// <summary>A square random crop of side <paramref name="size"/> after padding every side by <paramref name="padding"/>.</summary>
    public RandomCrop(int size, int padding = 0, int? seed = null) : this([size], padding == 0 ? null : [padding], seed: seed) { }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <summary>Whether small images are padded up to the crop size.</summary>
    public bool PadIfNeeded { get; }

    /// <summary>Fill value for constant padding.</summary>
    public double Fill { get; }

    /// <summary>How the border is filled.</summary>
    public PaddingMode PaddingMode { get; }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        ImageTensor.Split(input, "RandomCrop");
        if (_padding is { } p) input = Crop.Pad(input, p.L, p.T, p.R, p.B, Fill, PaddingMode);
        var (_, h, w, _) = ImageTensor.Split(input, "RandomCrop");
        if (PadIfNeeded && w < Width) { input = Crop.Pad(input, Width - w, 0, Width - w, 0, Fill, PaddingMode); w = input.Size(-1); }
        if (PadIfNeeded && h < Height) { input = Crop.Pad(input, 0, Height - h, 0, Height - h, Fill, PaddingMode); h = input.Size(-2); }
        if (h < Height || w < Width)
            throw new ArgumentException($"RandomCrop: Required crop size ({Height}, {Width}) is larger than input image size ({h}, {w}).");
        if (h == Height && w == Width) return input;
        int top = RandInt(0, h - Height + 1);
        int left = RandInt(0, w - Width + 1);
        return Crop.Apply(input, top, left, Height, Width);
    }

    /// <summary>Crops a random region of an [H, W, C] image, drawing as on a tensor (so as torchvision on a PIL image).</summary>
    public Tensor ApplyToImage(Tensor image) => ImageTensor.OnImage(image, "RandomCrop", Apply);
}

/// <summary>
/// Pads every side of the image (<c>transforms.Pad(padding, fill, padding_mode)</c>), on a tensor's last
/// two dims or on an image before ToTensor (the same pixels as torchvision's PIL path).
/// </summary>
public sealed class Pad : IImageTransform
{
    private readonly (int L, int T, int R, int B) _padding;

    /// <summary>Pads by <paramref name="padding"/>: one int for all sides, (left/right, top/bottom), or (left, top, right, bottom).</summary>
    /// <param name="padding">The border widths.</param>
    /// <param name="fill">Fill value for constant padding (every channel).</param>
    /// <param name="paddingMode">How the border is filled.</param>
    /// <exception cref="ArgumentException">A negative width or a padding of another length.</exception>
    public Pad(int[] padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant)
    {
        ArgumentNullException.ThrowIfNull(padding);
        _padding = Crop.Padding(padding, "Pad");
        if (padding.Any(p => p < 0)) throw new ArgumentException($"Pad: padding must be non-negative, got [{string.Join(", ", padding)}].", nameof(padding));
        Padding = padding.ToArray();
        Fill = fill;
        PaddingMode = paddingMode;
    }

    /// <summary>Pads every side by <paramref name="padding"/> pixels.</summary>
    public Pad(int padding, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant) : this([padding], fill, paddingMode) { }

    /// <summary>The padding as given.</summary>
    public IReadOnlyList<int> Padding { get; }

    /// <summary>Fill value for constant padding.</summary>
    public double Fill { get; }

    /// <summary>How the border is filled.</summary>
    public PaddingMode PaddingMode { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor input) => Crop.Pad(input, _padding.L, _padding.T, _padding.R, _padding.B, Fill, PaddingMode);

    /// <summary>Pads an [H, W, C] image.</summary>
    public Tensor ApplyToImage(Tensor image) => ImageTensor.OnImage(image, "Pad", Apply);
}
