namespace Ember.Vision.Transforms;

/// <summary>
/// Converts an HWC image (a [H, W, C] or [H, W] tensor, as the datasets return) into a CHW tensor
/// (<c>transforms.ToTensor</c>): uint8 values are scaled to float32 in [0, 1]; other dtypes are
/// only permuted, as torchvision leaves non-byte arrays unscaled.
/// </summary>
public sealed class ToTensor : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim is not (2 or 3))
            throw new ArgumentException($"ToTensor: pic should be 2 or 3 dimensional (H, W[, C]). Got {input.NDim} dimensions (shape {input.Shape}).");
        int h = input.Size(0), w = input.Size(1), c = input.NDim == 3 ? input.Size(2) : 1;
        int[] shape = [c, h, w];
        if (input.DType == DType.UInt8)
        {
            byte[] src = input.ToArray<byte>();
            var dst = new float[src.Length];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        dst[(ch * h + y) * w + x] = src[(y * w + x) * c + ch] / 255f;
            return Tensor.From<float>(dst, shape);
        }
        double[] v = ImageTensor.ToDoubles(input, "ToTensor");
        var o = new double[v.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    o[(ch * h + y) * w + x] = v[(y * w + x) * c + ch];
        return ImageTensor.FromDoubles(o, shape, input.DType, round: false);
    }
}

/// <summary>
/// Normalizes each channel: (x - mean[c]) / std[c] (<c>transforms.Normalize</c>). Needs a float
/// [..., C, H, W] tensor; one mean/std value applies to all channels.
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly double[] _mean, _std;

    /// <summary>Normalizes with per-channel <paramref name="mean"/> and <paramref name="std"/>.</summary>
    /// <exception cref="ArgumentException">The lists are empty or a std is zero.</exception>
    public Normalize(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || std.Length == 0) throw new ArgumentException("Normalize: mean and std must not be empty.");
        if (std.Any(s => s == 0))
            throw new ArgumentException($"Normalize: std evaluated to zero after conversion to float, leading to division by zero (std = [{string.Join(", ", std)}]).", nameof(std));
        _mean = mean;
        _std = std;
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        var (planes, h, w, lead) = ImageTensor.Split(input, "Normalize", minRank: 3);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"Normalize: Input tensor should be a float tensor. Got {input.DType.TorchName()}.");
        int c = lead[^1];
        foreach (var (name, v) in new[] { ("mean", _mean), ("std", _std) })
            if (v.Length != 1 && v.Length != c)
                throw new ArgumentException($"Normalize: {name} has {v.Length} values but the image (shape {input.Shape}) has {c} channels.");
        int hw = h * w;
        if (input.DType == DType.Float32)
        {
            float[] d = input.ToArray<float>();
            for (int p = 0; p < planes; p++)
            {
                int ch = p % c;
                float m = (float)_mean[_mean.Length == 1 ? 0 : ch], s = (float)_std[_std.Length == 1 ? 0 : ch];
                var span = d.AsSpan(p * hw, hw);
                for (int i = 0; i < span.Length; i++) span[i] = (span[i] - m) / s;
            }
            return Tensor.From<float>(d, input.Shape.ToArray());
        }
        double[] e = input.ToArray<double>();
        for (int p = 0; p < planes; p++)
        {
            int ch = p % c;
            double m = _mean[_mean.Length == 1 ? 0 : ch], s = _std[_std.Length == 1 ? 0 : ch];
            for (int i = p * hw; i < (p + 1) * hw; i++) e[i] = (e[i] - m) / s;
        }
        return Tensor.From<double>(e, input.Shape.ToArray());
    }
}

/// <summary>
/// Converts RGB images to grayscale, l = 0.2989 R + 0.587 G + 0.114 B (<c>transforms.Grayscale</c>),
/// on [..., 3, H, W] tensors; integer images are truncated back to their dtype as torchvision does.
/// A 1-channel image is returned as it is.
/// </summary>
public sealed class Grayscale : IImageTransform
{
    /// <summary>Converts to <paramref name="numOutputChannels"/> (1, or 3 identical) channels.</summary>
    /// <exception cref="ArgumentException"><paramref name="numOutputChannels"/> is not 1 or 3.</exception>
    public Grayscale(int numOutputChannels = 1)
    {
        if (numOutputChannels is not (1 or 3))
            throw new ArgumentException($"Grayscale: num_output_channels should be either 1 or 3, got {numOutputChannels}.", nameof(numOutputChannels));
        NumOutputChannels = numOutputChannels;
    }

    /// <summary>Channels in the output.</summary>
    public int NumOutputChannels { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        var (planes, h, w, lead) = ImageTensor.Split(input, "Grayscale", minRank: 3);
        int c = lead[^1];
        if (c == 1 && NumOutputChannels == 1) return input.Clone();
        if (c != 3 && c != 1)
            throw new ArgumentException($"Grayscale: input image tensor permitted channel values are [1, 3], but found {c} (shape {input.Shape}).");
        double[] v = ImageTensor.ToDoubles(input, "Grayscale");
        int hw = h * w, images = planes / c, oc = NumOutputChannels;
        var o = new double[images * oc * hw];
        for (int n = 0; n < images; n++)
            for (int i = 0; i < hw; i++)
            {
                int b = n * c * hw + i;
                // Integer and float32 images are weighted in float32, as PyTorch multiplies them by Python floats.
                double l = c == 1 ? v[b] : 0.2989 * v[b] + 0.587 * v[b + hw] + 0.114 * v[b + 2 * hw];
                if (c == 3 && input.DType != DType.Float64) l = (float)(0.2989f * (float)v[b] + 0.587f * (float)v[b + hw] + 0.114f * (float)v[b + 2 * hw]);
                for (int k = 0; k < oc; k++) o[(n * oc + k) * hw + i] = l;
            }
        int[] shape = [.. lead[..^1], oc, h, w];
        return ImageTensor.FromDoubles(o, shape, input.DType, round: false);
    }

    /// <summary>
    /// Converts an [H, W, C] image as PIL's <c>convert("L")</c> does (torchvision's PIL path):
    /// L = (19595 R + 38470 G + 7471 B + 32768) &gt;&gt; 16, rounded to the nearest level rather than the
    /// tensor path's truncated 0.2989 R + 0.587 G + 0.114 B; with 3 output channels L is repeated.
    /// </summary>
    public Tensor ApplyToImage(Tensor image)
    {
        ImageTensor.CheckImage(image, "Grayscale");
        int h = image.Size(0), w = image.Size(1), c = image.NDim == 3 ? image.Size(2) : 1, oc = NumOutputChannels;
        byte[] src = image.ToArray<byte>();
        var dst = new byte[h * w * oc];
        for (int i = 0; i < h * w; i++)
        {
            byte l = c < 3 ? src[i * c] : (byte)((src[i * c] * 19595 + src[i * c + 1] * 38470 + src[i * c + 2] * 7471 + 0x8000) >> 16);
            for (int k = 0; k < oc; k++) dst[i * oc + k] = l;
        }
        return Tensor.From<byte>(dst, [h, w, oc]);
    }
}

/// <summary>
/// Converts an [H, W, C] uint8 image into a [C, H, W] uint8 tensor without scaling (<c>transforms.PILToTensor</c>).
/// </summary>
public sealed class PilToTensor : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        ImageTensor.CheckImage(input, "PILToTensor");
        return input.NDim == 2 ? input.Unsqueeze(0).Contiguous() : input.Permute(2, 0, 1).Contiguous();
    }
}

/// <summary>
/// Converts a [C, H, W] (or [H, W]) tensor into an [H, W, C] uint8 image (<c>transforms.ToPILImage</c>):
/// floating-point values are multiplied by 255 and cast to bytes as PyTorch's <c>.byte()</c> casts (values
/// outside [0, 1] wrap around, as on x86), uint8 tensors are only permuted. In a <see cref="Compose"/>
/// applied to an image, the transforms after it see an image again.
/// </summary>
public sealed class ToPilImage : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim is not (2 or 3))
            throw new ArgumentException($"ToPILImage: pic should be 2 or 3 dimensional. Got {input.NDim} dimensions (shape {input.Shape}).");
        Tensor chw = input.NDim == 2 ? input.Unsqueeze(0) : input;
        int c = chw.Size(0), h = chw.Size(1), w = chw.Size(2);
        if (c > 4) throw new ArgumentException($"ToPILImage: pic should not have > 4 channels. Got {c} channels (shape {input.Shape}).");
        byte[] bytes = input.DType switch
        {
            DType.UInt8 => chw.ToArray<byte>(),
            DType.Float32 => Array.ConvertAll(chw.ToArray<float>(), x => unchecked((byte)(int)(x * 255f))),
            DType.Float64 => Array.ConvertAll(chw.ToArray<double>(), x => unchecked((byte)(long)(x * 255.0))),
            _ => throw new ArgumentException($"ToPILImage: expected a float or uint8 tensor, got {input.DType.TorchName()}."),
        };
        var hwc = new byte[bytes.Length];
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < h * w; i++) hwc[i * c + ch] = bytes[ch * h * w + i];
        return Tensor.From<byte>(hwc, [h, w, c]);
    }
}
