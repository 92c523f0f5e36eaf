using StbImageWriteSharp;
using ReadComponents = StbImageSharp.ColorComponents;

namespace Ember.Vision;

/// <summary>Image grids and PNG output (<c>torchvision.utils.make_grid</c>, <c>save_image</c>).</summary>
public static class ImageIO
{
    /// <summary>
    /// Tiles a batch of images [B, C, H, W] (or one [C, H, W] image) into one [3, H', W'] image
    /// (<c>make_grid</c>): <paramref name="nrow"/> images per row, <paramref name="padding"/> pixels
    /// of <paramref name="padValue"/> around each. One-channel images are repeated to three channels.
    /// With <paramref name="normalize"/> the values are shifted and scaled to [0, 1] using
    /// <paramref name="valueRange"/> (or the batch's own min and max; per image with <paramref name="scaleEach"/>).
    /// The result is float32. A single image is returned without padding, as torchvision does.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not 3-d or 4-d, or the channel count is not 1 or 3.</exception>
    public static Tensor MakeGrid(Tensor images, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (nrow <= 0) throw new ArgumentException($"make_grid: nrow must be positive, got {nrow}.", nameof(nrow));
        if (padding < 0) throw new ArgumentException($"make_grid: padding must be non-negative, got {padding}.", nameof(padding));
        int[] shape = images.Shape.ToArray();
        if (shape.Length == 2) shape = [1, 1, shape[0], shape[1]];
        else if (shape.Length == 3) shape = [1, .. shape];
        else if (shape.Length != 4)
            throw new ArgumentException($"make_grid: expected a [B, C, H, W] batch or a [C, H, W] image, got shape {images.Shape}.", nameof(images));
        int b = shape[0], c = shape[1], h = shape[2], w = shape[3];
        if (c != 1 && c != 3)
            throw new ArgumentException($"make_grid: images must have 1 or 3 channels, got {c} (shape {images.Shape}).", nameof(images));
        float[] v = images.ToArray<float>();
        if (normalize)
        {
            int per = c * h * w;
            for (int n = 0; n < (scaleEach ? b : 1); n++)
            {
                var span = scaleEach ? v.AsSpan(n * per, per) : v.AsSpan();
                double lo, hi;
                if (valueRange is { } r) (lo, hi) = r;
                else { lo = span.Length > 0 ? span[0] : 0; hi = lo; foreach (float x in span) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); } }
                double scale = Math.Max(hi - lo, 1e-5);
                for (int i = 0; i < span.Length; i++) span[i] = (float)(Math.Clamp(span[i], lo, hi) - lo) / (float)scale;
            }
        }
        if (b == 1)
        {
            // As torchvision: a single image comes back as it is (grey repeated to RGB), without padding.
            var one = new float[3 * h * w];
            for (int ch = 0; ch < 3; ch++) v.AsSpan((c == 1 ? 0 : ch) * h * w, h * w).CopyTo(one.AsSpan(ch * h * w));
            return Tensor.From<float>(one, [3, h, w]);
        }
        int xmaps = Math.Min(nrow, b), ymaps = (b + xmaps - 1) / xmaps;
        int cellH = h + padding, cellW = w + padding;
        int gh = cellH * ymaps + padding, gw = cellW * xmaps + padding;
        var grid = new float[3 * gh * gw];
        Array.Fill(grid, (float)padValue);
        for (int n = 0; n < b; n++)
        {
            int gy = n / xmaps, gx = n % xmaps;
            for (int ch = 0; ch < 3; ch++)
            {
                int sc = c == 1 ? 0 : ch;
                for (int y = 0; y < h; y++)
                    v.AsSpan(((n * c + sc) * h + y) * w, w)
                        .CopyTo(grid.AsSpan((ch * gh + gy * cellH + padding + y) * gw + gx * cellW + padding, w));
            }
        }
        return Tensor.From<float>(grid, [3, gh, gw]);
    }

    /// <summary>
    /// Writes images to a PNG file (<c>save_image</c>): a batch is tiled with <see cref="MakeGrid"/>
    /// first, then float values in [0, 1] become bytes as torchvision rounds them (x * 255 + 0.5,
    /// clamped). A [1, H, W] or [H, W] image is saved as grayscale.
    /// </summary>
    public static void SaveImage(Tensor images, string path, int nrow = 8, int padding = 2, bool normalize = false,
        (double Min, double Max)? valueRange = null, bool scaleEach = false, double padValue = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(path);
        bool gray = images.NDim == 2 || (images.NDim == 3 && images.Size(0) == 1);
        Tensor grid = gray
            ? (normalize ? MakeGrid(images, 1, 0, normalize, valueRange, scaleEach) : images)
            : MakeGrid(images, nrow, padding, normalize, valueRange, scaleEach, padValue);
        int h = grid.Size(-2), w = grid.Size(-1), c = gray ? 1 : 3;
        float[] v = grid.ToArray<float>();
        var bytes = new byte[h * w * c];
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < h * w; i++)
                bytes[i * c + ch] = (byte)Math.Clamp(Math.Floor(v[ch * h * w + i] * 255 + 0.5), 0, 255);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(bytes, w, h, gray ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream);
    }

    /// <summary>
    /// Decodes an image file (PNG, JPEG, BMP, TGA, GIF, PSD, HDR) into a [H, W, C] uint8 tensor, RGB
    /// unless <paramref name="grayscale"/> (then C = 1): the layout of the vision datasets' raw images,
    /// ready for <see cref="Transforms.ToTensor"/>. (torchvision.io.read_image instead returns CHW.)
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an image Ember can decode.</exception>
    public static Tensor LoadImage(string path, bool grayscale = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        StbImageSharp.ImageResult img;
        try { img = StbImageSharp.ImageResult.FromMemory(bytes, grayscale ? ReadComponents.Grey : ReadComponents.RedGreenBlue); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"LoadImage: cannot decode {path}: {e.Message}", e);
        }
        return Tensor.From<byte>(img.Data, [img.Height, img.Width, grayscale ? 1 : 3]);
    }
}
