using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// Random images for trying a pipeline without data (<c>torchvision.datasets.FakeData</c>). Image i is
/// made from a generator seeded with <c>i + randomOffset</c>, so an index always gives the same image and
/// label, and exactly torchvision's: <c>torch.randn(image_size)</c> then <c>torch.randint(0, num_classes,
/// (1,))</c> from that seed (Ember's generator is PyTorch's stream), then <c>ToPILImage</c>'s conversion to
/// bytes (<c>x * 255</c> cast to uint8, wrapping as PyTorch's cast does on x86). The default generator is
/// not touched (torchvision saves and restores its state).
/// </summary>
public sealed class FakeData : VisionDataset
{
    private readonly int[] _imageSize;
    private readonly string[] _classes;

    /// <summary>A dataset of <paramref name="size"/> random images.</summary>
    /// <param name="size">Number of samples.</param>
    /// <param name="imageSize">The image's (C, H, W), C being 1 (grayscale), 3 (RGB) or 4 (RGBA); default (3, 224, 224).</param>
    /// <param name="numClasses">Labels are drawn from 0 to numClasses - 1.</param>
    /// <param name="transform">Applied to each [H, W, C] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="randomOffset">Added to the index to seed each image.</param>
    /// <exception cref="ArgumentException">A size or count out of range.</exception>
    public FakeData(int size = 1000, int[]? imageSize = null, int numClasses = 10, ITransform? transform = null,
        Func<long, long>? targetTransform = null, int randomOffset = 0)
        : base("", transform, targetTransform)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        imageSize ??= [3, 224, 224];
        if (imageSize.Length != 3 || imageSize[0] is not (1 or 3 or 4) || imageSize[1] <= 0 || imageSize[2] <= 0)
            throw new ArgumentException($"FakeData: image_size should be (C, H, W) with C of 1, 3 or 4 and positive H and W, got [{string.Join(", ", imageSize)}].", nameof(imageSize));
        if (numClasses <= 0) throw new ArgumentException($"FakeData: num_classes must be positive, got {numClasses}.", nameof(numClasses));
        Size = size;
        _imageSize = [.. imageSize];
        NumClasses = numClasses;
        RandomOffset = randomOffset;
        _classes = Enumerable.Range(0, numClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Number of samples (<c>dataset.size</c>).</summary>
    public int Size { get; }

    /// <summary>The images' (C, H, W) (<c>dataset.image_size</c>).</summary>
    public IReadOnlyList<int> ImageSize => _imageSize;

    /// <summary>Number of labels (<c>dataset.num_classes</c>).</summary>
    public int NumClasses { get; }

    /// <summary>Added to the index to seed each image (<c>dataset.random_offset</c>).</summary>
    public int RandomOffset { get; }

    /// <summary>The labels as names "0", "1", ... (torchvision's FakeData has no <c>classes</c>; Ember's vision datasets all do).</summary>
    public override IReadOnlyList<string> Classes => _classes;

    /// <inheritdoc/>
    public override int Count => Size;

    /// <inheritdoc/>
    public override Tensor RawImage(int index) => Draw(index).Image;

    /// <inheritdoc/>
    protected override long RawTarget(int index) => Draw(index).Target;

    /// <inheritdoc/>
    protected override (Tensor Image, long Label) RawSample(int index) => Draw(index);

    private (Tensor Image, long Target) Draw(int index)
    {
        CheckIndex(index);
        var g = new Generator().ManualSeed((ulong)((long)index + RandomOffset));
        float[] chw = Tensor.Randn(_imageSize, g).ToArray<float>();
        long target = Tensor.RandInt(0, NumClasses, [1], g).ToArray<long>()[0];
        int c = _imageSize[0], h = _imageSize[1], w = _imageSize[2];
        var hwc = new byte[chw.Length];
        for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < h * w; i++)
                hwc[i * c + ch] = unchecked((byte)(int)(chw[ch * h * w + i] * 255f));
        return (Tensor.From<byte>(hwc, [h, w, c]), target);
    }
}
