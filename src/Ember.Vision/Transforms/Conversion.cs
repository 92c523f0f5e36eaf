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
public sealed class Grayscale : ITransform
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
}
