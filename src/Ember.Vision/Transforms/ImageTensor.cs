namespace Ember.Vision.Transforms;

/// <summary>
/// Image tensors as torchvision sees them: shape [..., C, H, W] (or [..., H, W] for the geometric
/// transforms), any leading dims treated as a batch of planes. The helpers copy to a flat array,
/// work on it and build a new tensor, so the transforms run on any view and never need other op families.
/// </summary>
internal static class ImageTensor
{
    /// <summary>Planes (product of leading dims), height and width; checks rank.</summary>
    public static (int Planes, int H, int W, int[] Lead) Split(Tensor img, string op, int minRank = 2)
    {
        ArgumentNullException.ThrowIfNull(img);
        if (img.NDim < minRank)
            throw new ArgumentException(minRank >= 3
                ? $"{op}: expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {img.Shape}."
                : $"{op}: expected a tensor image of size (..., H, W) with at least 2 dimensions. Got tensor.size() = {img.Shape}.");
        int[] shape = img.Shape.ToArray();
        int h = shape[^2], w = shape[^1];
        int planes = 1;
        for (int i = 0; i < shape.Length - 2; i++) planes *= shape[i];
        return (planes, h, w, shape[..^2]);
    }

    public static int[] WithHw(int[] lead, int h, int w) => [.. lead, h, w];

    /// <summary>Checks that <paramref name="image"/> is an image as loaded: [H, W] or [H, W, C] uint8, C of 1, 3 or 4.</summary>
    public static void CheckImage(Tensor image, string op)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DType != DType.UInt8 || image.NDim is not (2 or 3) || (image.NDim == 3 && image.Size(2) is not (1 or 3 or 4)))
            throw new ArgumentException($"{op}: expected an image before ToTensor, an [H, W, C] uint8 tensor with 1, 3 or 4 channels as the datasets and LoadImage give; got a {image.DType.TorchName()} tensor of shape {image.Shape}.");
    }

    /// <summary>
    /// Runs a tensor transform on an image by viewing it as [C, H, W] and back: for transforms that only
    /// move pixels (crop, pad, flip), which give PIL's pixels exactly.
    /// </summary>
    public static Tensor OnImage(Tensor image, string op, Func<Tensor, Tensor> chw)
    {
        CheckImage(image, op);
        if (image.NDim == 2) return chw(image);
        return chw(image.Permute(2, 0, 1)).Permute(1, 2, 0).Contiguous();
    }

    /// <summary>Moves pixels: output (y, x) of each plane takes input (src(y), src(x)), or the fill where a source is -1.</summary>
    public static Tensor Remap(Tensor img, string op, int outH, int outW, int[] rowSrc, int[] colSrc, double fill = 0)
    {
        var (planes, h, w, lead) = Split(img, op);
        int[] shape = WithHw(lead, outH, outW);
        return img.DType switch
        {
            DType.Float32 => Remap(img.ToArray<float>(), planes, h, w, outH, outW, rowSrc, colSrc, (float)fill, shape),
            DType.Float64 => Remap(img.ToArray<double>(), planes, h, w, outH, outW, rowSrc, colSrc, fill, shape),
            DType.UInt8 => Remap(img.ToArray<byte>(), planes, h, w, outH, outW, rowSrc, colSrc, (byte)fill, shape),
            DType.Int32 => Remap(img.ToArray<int>(), planes, h, w, outH, outW, rowSrc, colSrc, (int)fill, shape),
            DType.Int64 => Remap(img.ToArray<long>(), planes, h, w, outH, outW, rowSrc, colSrc, (long)fill, shape),
            _ => throw new ArgumentException($"{op}: images of dtype {img.DType.TorchName()} are not supported (expected uint8, int32, int64, float32 or float64)."),
        };
    }

    private static Tensor Remap<T>(T[] src, int planes, int h, int w, int outH, int outW, int[] rowSrc, int[] colSrc, T fill, int[] shape) where T : unmanaged
    {
        var dst = new T[planes * outH * outW];
        for (int p = 0; p < planes; p++)
            for (int y = 0; y < outH; y++)
            {
                int sy = rowSrc[y];
                int o = (p * outH + y) * outW;
                for (int x = 0; x < outW; x++)
                {
                    int sx = colSrc[x];
                    dst[o + x] = sy < 0 || sx < 0 ? fill : src[(p * h + sy) * w + sx];
                }
            }
        return Tensor.From<T>(dst, shape);
    }

    /// <summary>Index of padded coordinate <paramref name="i"/> (may be outside [0, n)) in an axis of <paramref name="n"/>, or -1 for the fill.</summary>
    public static int PadIndex(int i, int n, PaddingMode mode)
    {
        if (i >= 0 && i < n) return i;
        switch (mode)
        {
            case PaddingMode.Constant: return -1;
            case PaddingMode.Edge: return Math.Clamp(i, 0, n - 1);
            case PaddingMode.Reflect:
            {
                if (n == 1) return 0;
                int period = 2 * (n - 1);
                int m = ((i % period) + period) % period;
                return m < n ? m : period - m;
            }
            default: // Symmetric
            {
                int period = 2 * n;
                int m = ((i % period) + period) % period;
                return m < n ? m : period - 1 - m;
            }
        }
    }

    /// <summary>Values as doubles plus a way back to the tensor's dtype (rounding half to even and saturating for integers, as torchvision casts).</summary>
    public static double[] ToDoubles(Tensor img, string op) => img.DType switch
    {
        DType.Float32 or DType.Float64 or DType.UInt8 or DType.Int32 or DType.Int64 => img.ToArray<double>(),
        _ => throw new ArgumentException($"{op}: images of dtype {img.DType.TorchName()} are not supported (expected uint8, int32, int64, float32 or float64)."),
    };

    public static Tensor FromDoubles(double[] v, int[] shape, DType dtype, bool round)
    {
        switch (dtype)
        {
            case DType.Float32: return Tensor.From<float>(Array.ConvertAll(v, x => (float)x), shape);
            case DType.Float64: return Tensor.From<double>(v, shape);
            case DType.UInt8: return Tensor.From<byte>(Array.ConvertAll(v, x => (byte)Math.Clamp(round ? Math.Round(x) : Math.Truncate(x), 0, 255)), shape);
            case DType.Int32: return Tensor.From<int>(Array.ConvertAll(v, x => (int)(round ? Math.Round(x) : x)), shape);
            default: return Tensor.From<long>(Array.ConvertAll(v, x => (long)(round ? Math.Round(x) : x)), shape);
        }
    }
}

/// <summary>How padding fills the border (torchvision's <c>padding_mode</c>).</summary>
public enum PaddingMode
{
    /// <summary>A constant fill value.</summary>
    Constant,
    /// <summary>Repeat the last pixel on the edge.</summary>
    Edge,
    /// <summary>Mirror without repeating the edge pixel: [1, 2, 3] padded by 2 is [3, 2, 1, 2, 3, 2, 1].</summary>
    Reflect,
    /// <summary>Mirror repeating the edge pixel: [1, 2, 3] padded by 2 is [2, 1, 1, 2, 3, 3, 2].</summary>
    Symmetric,
}
