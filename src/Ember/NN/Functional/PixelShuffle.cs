namespace Ember.NN;

// Pixel shuffle and its inverse (sub-pixel convolution), and local response normalisation: pure
// compositions of views, permutes and reductions, differentiable through the ops they use.
public static partial class F
{
    /// <summary>
    /// Rearranges [*, C r², H, W] into [*, C, H r, W r] (<c>F.pixel_shuffle</c>): each group of r²
    /// channels becomes an r × r block of pixels (the sub-pixel convolution of Shi et al., 2016).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, a factor that is not positive, or channels not divisible by r².</exception>
    public static Tensor PixelShuffle(Tensor input, int upscaleFactor)
    {
        const string op = "pixel_shuffle";
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim < 3)
            throw new ArgumentException($"{op} expects input to have at least 3 dimensions, but got input with {input.NDim} dimension(s) (size {input.Shape}).", nameof(input));
        if (upscaleFactor <= 0) throw new ArgumentException($"{op} expects a positive upscale_factor, but got {upscaleFactor}.", nameof(upscaleFactor));
        int r = upscaleFactor, nd = input.NDim, c = input.Size(-3), h = input.Size(-2), w = input.Size(-1);
        if (c % (r * r) != 0)
            throw new ArgumentException($"{op} expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r} (input size {input.Shape}).", nameof(input));
        var batch = input.Shape.ToArray()[..(nd - 3)];
        int b = batch.Length;
        // [*, C, r, r, H, W] -> [*, C, H, r, W, r]
        var x = input.Reshape([.. batch, c / (r * r), r, r, h, w]);
        var perm = Enumerable.Range(0, b).Concat([b, b + 3, b + 1, b + 4, b + 2]).ToArray();
        return x.Permute(perm).Reshape([.. batch, c / (r * r), h * r, w * r]);
    }

    /// <summary>
    /// Rearranges [*, C, H r, W r] into [*, C r², H, W] (<c>F.pixel_unshuffle</c>), the inverse of
    /// <see cref="PixelShuffle"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, a factor that is not positive, or a height or width not divisible by it.</exception>
    public static Tensor PixelUnshuffle(Tensor input, int downscaleFactor)
    {
        const string op = "pixel_unshuffle";
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim < 3)
            throw new ArgumentException($"{op} expects input to have at least 3 dimensions, but got input with {input.NDim} dimension(s) (size {input.Shape}).", nameof(input));
        if (downscaleFactor <= 0) throw new ArgumentException($"{op} expects a positive downscale_factor, but got {downscaleFactor}.", nameof(downscaleFactor));
        int r = downscaleFactor, nd = input.NDim, c = input.Size(-3), h = input.Size(-2), w = input.Size(-1);
        if (h % r != 0)
            throw new ArgumentException($"{op} expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {r} (input size {input.Shape}).", nameof(input));
        if (w % r != 0)
            throw new ArgumentException($"{op} expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {r} (input size {input.Shape}).", nameof(input));
        var batch = input.Shape.ToArray()[..(nd - 3)];
        int b = batch.Length;
        // [*, C, H, r, W, r] -> [*, C, r, r, H, W]
        var x = input.Reshape([.. batch, c, h / r, r, w / r, r]);
        var perm = Enumerable.Range(0, b).Concat([b, b + 2, b + 4, b + 1, b + 3]).ToArray();
        return x.Permute(perm).Reshape([.. batch, c * r * r, h / r, w / r]);
    }

    /// <summary>
    /// Local response normalisation across channels (<c>F.local_response_norm</c>, AlexNet's LRN):
    /// x / (k + alpha * mean of x² over a window of <paramref name="size"/> channels)^beta, the window
    /// running from size/2 channels before to (size-1)/2 after, zero beyond the edges (PyTorch's
    /// average pool with padding counted). The input is [N, C, *] with at least 3 dims.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 dims, or a size that is not positive.</exception>
    public static Tensor LocalResponseNorm(Tensor input, int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        const string op = "local_response_norm";
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim < 3)
            throw new ArgumentException($"{op}: Expected 3D or higher dimensionality input (got {input.NDim} dimensions, size {input.Shape}).", nameof(input));
        if (size <= 0) throw new ArgumentException($"{op}: size must be positive, got {size}.", nameof(size));
        if (input.Numel() == 0) return input;
        int c = input.Size(1);
        var sq = input * input;
        // Zero-pad the channel dim (dim 1), then add the size shifted windows.
        var padShape = input.Shape.ToArray();
        Tensor Zeros(int n) { padShape[1] = n; return Tensor.Zeros(padShape, input.DType, input.Device); }
        var parts = new List<Tensor>(3);
        if (size / 2 > 0) parts.Add(Zeros(size / 2));
        parts.Add(sq);
        if ((size - 1) / 2 > 0) parts.Add(Zeros((size - 1) / 2));
        var padded = parts.Count == 1 ? sq : Tensor.Cat(parts, 1);
        var sum = padded.Narrow(1, 0, c);
        for (int j = 1; j < size; j++) sum = sum + padded.Narrow(1, j, c);
        var div = (sum * (alpha / size) + k).Pow(beta);
        return input / div;
    }

    /// <summary>
    /// Splits the channels (dim 1) of an [N, C, *] input into <paramref name="groups"/> groups and
    /// interleaves them (<c>F.channel_shuffle</c>, ShuffleNet): reshape to [N, g, C/g, *], swap dims 1 and 2, reshape back.
    /// </summary>
    /// <exception cref="ArgumentException">The input has fewer than 3 dims, groups is not positive, or C is not divisible by groups.</exception>
    public static Tensor ChannelShuffle(Tensor input, int groups)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim <= 2)
            throw new ArgumentException($"channel_shuffle: expects input with > 2 dims, but got input with sizes {input.Shape}.", nameof(input));
        if (groups <= 0)
            throw new ArgumentException($"channel_shuffle: Number of groups to divide channels in must be positive. Value of groups:{groups}.", nameof(groups));
        int n = input.Shape[0], c = input.Shape[1];
        if (c % groups != 0)
            throw new ArgumentException($"channel_shuffle: Number of channels must be divisible by groups. Got {c} channels and {groups} groups (input {input.Shape}).", nameof(groups));
        int[] rest = input.Shape.ToArray()[2..];
        return input.Reshape([n, groups, c / groups, .. rest]).Transpose(1, 2).Reshape([n, c, .. rest]);
    }
}
