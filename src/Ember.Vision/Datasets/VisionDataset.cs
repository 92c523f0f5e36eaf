using Ember.Data;
using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// Base of the image-classification datasets: all images of one size held as one uint8 array in
/// HWC order, labels as int64. Sample i is <c>(image, label)</c> where the image is a [H, W, C] uint8
/// tensor (C = 1 for MNIST) passed through <see cref="Transform"/> when one is set
/// (<c>ToTensor</c> makes it a float [C, H, W] tensor in [0, 1]).
/// </summary>
public abstract class VisionDataset : Dataset<(Tensor Image, long Label)>
{
    private readonly byte[] _pixels;
    private readonly long[] _labels;

    private protected VisionDataset(string root, byte[] pixelsHwc, long[] labels, int height, int width, int channels,
        ITransform? transform, Func<long, long>? targetTransform)
    {
        Root = root;
        _pixels = pixelsHwc;
        _labels = labels;
        Height = height;
        Width = width;
        Channels = channels;
        Transform = transform;
        TargetTransform = targetTransform;
    }

    /// <summary>The folder the dataset was asked to use.</summary>
    public string Root { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Channels per pixel (3 for CIFAR, 1 for MNIST).</summary>
    public int Channels { get; }

    /// <summary>Applied to each image tensor (<c>transform=</c>).</summary>
    public ITransform? Transform { get; }

    /// <summary>Applied to each label (<c>target_transform=</c>).</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The class names, by label (<c>dataset.classes</c>).</summary>
    public abstract IReadOnlyList<string> Classes { get; }

    /// <summary>All labels, in sample order (<c>dataset.targets</c>).</summary>
    public IReadOnlyList<long> Targets => _labels;

    /// <summary>All images as one [N, H, W, C] uint8 tensor (<c>dataset.data</c>; a copy).</summary>
    public Tensor Data => Tensor.From<byte>(_pixels, [_labels.Length, Height, Width, Channels]);

    /// <inheritdoc/>
    public override int Count => _labels.Length;

    /// <summary>The raw [H, W, C] uint8 image at <paramref name="index"/>, without the transform.</summary>
    public Tensor RawImage(int index)
    {
        CheckIndex(index);
        int size = Height * Width * Channels;
        return Tensor.From<byte>(_pixels.AsSpan(index * size, size), [Height, Width, Channels]);
    }

    /// <inheritdoc/>
    public override (Tensor Image, long Label) this[int index]
    {
        get
        {
            var img = RawImage(index);
            long label = _labels[index];
            return (Transform is null ? img : Transform.Apply(img), TargetTransform is null ? label : TargetTransform(label));
        }
    }

    private protected static InvalidOperationException NotFound(string dataset, IEnumerable<string> looked, string how) =>
        new($"{dataset}: dataset not found. Ember looked in:\n  {string.Join("\n  ", looked)}\n{how}");
}
