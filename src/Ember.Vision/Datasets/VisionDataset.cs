using Ember.Data;
using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// Base of the image-classification datasets (<c>torchvision.datasets.VisionDataset</c>): sample i is
/// <c>(image, label)</c>, where the image is the dataset's raw image, an [H, W, C] uint8 tensor (what
/// torchvision holds as a PIL image), passed through <see cref="Transform"/> when one is set, and the
/// label passes through <see cref="TargetTransform"/>. The transform sees the image as torchvision's
/// transforms see a PIL image: geometric transforms before <see cref="ToTensor"/> work on it in HWC
/// layout (<see cref="IImageTransform"/>), and <c>ToTensor</c> makes it a float [C, H, W] tensor in [0, 1].
/// </summary>
public abstract class VisionDataset : Dataset<(Tensor Image, long Label)>
{
    /// <summary>A dataset under <paramref name="root"/> with the given transforms.</summary>
    protected VisionDataset(string root, ITransform? transform, Func<long, long>? targetTransform)
    {
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
    }

    /// <summary>The folder the dataset was asked to use (<c>dataset.root</c>; empty for <see cref="FakeData"/>).</summary>
    public string Root { get; }

    /// <summary>Applied to each image (<c>transform=</c>).</summary>
    public ITransform? Transform { get; }

    /// <summary>Applied to each label (<c>target_transform=</c>).</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <summary>The class names, by label (<c>dataset.classes</c>).</summary>
    public abstract IReadOnlyList<string> Classes { get; }

    /// <summary>The label of each class name (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx
    {
        get
        {
            var map = new Dictionary<string, int>();
            for (int i = 0; i < Classes.Count; i++) map[Classes[i]] = i;
            return map;
        }
    }

    /// <summary>The raw [H, W, C] uint8 image at <paramref name="index"/>, without the transform.</summary>
    public abstract Tensor RawImage(int index);

    /// <summary>The label at <paramref name="index"/>, without the target transform.</summary>
    protected abstract long RawTarget(int index);

    /// <summary>The raw image and label at <paramref name="index"/> together; override when making both at once is cheaper.</summary>
    protected virtual (Tensor Image, long Label) RawSample(int index) => (RawImage(index), RawTarget(index));

    /// <inheritdoc/>
    public sealed override (Tensor Image, long Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            var (img, label) = RawSample(index);
            return (Transform is null ? img : ImageTransforms.ApplyToImage(Transform, img), TargetTransform is null ? label : TargetTransform(label));
        }
    }
}

/// <summary>
/// A vision dataset whose images all have one size and are held in memory as one uint8 array in HWC
/// order, with int64 labels: the base of <see cref="Cifar10"/>, <see cref="Cifar100"/>, <see cref="Mnist"/>
/// and <see cref="FashionMnist"/>.
/// </summary>
public abstract class InMemoryVisionDataset : VisionDataset
{
    private readonly byte[] _pixels;
    private readonly long[] _labels;

    private protected InMemoryVisionDataset(string root, byte[] pixelsHwc, long[] labels, int height, int width, int channels,
        ITransform? transform, Func<long, long>? targetTransform)
        : base(root, transform, targetTransform)
    {
        _pixels = pixelsHwc;
        _labels = labels;
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Channels per pixel (3 for CIFAR, 1 for MNIST).</summary>
    public int Channels { get; }

    /// <summary>All labels, in sample order (<c>dataset.targets</c>, a list for CIFAR as in torchvision).</summary>
    public IReadOnlyList<long> Targets => _labels;

    /// <summary>All images as one uint8 tensor (<c>dataset.data</c>; a copy): [N, H, W, C] here, [N, H, W] for MNIST.</summary>
    public virtual Tensor Data => Tensor.From<byte>(_pixels, [_labels.Length, Height, Width, Channels]);

    /// <inheritdoc/>
    public override int Count => _labels.Length;

    /// <inheritdoc/>
    public override Tensor RawImage(int index)
    {
        CheckIndex(index);
        int size = Height * Width * Channels;
        return Tensor.From<byte>(_pixels.AsSpan(index * size, size), [Height, Width, Channels]);
    }

    /// <inheritdoc/>
    protected override long RawTarget(int index) => _labels[index];

    private protected Tensor Pixels(int[] shape) => Tensor.From<byte>(_pixels, shape);

    private protected Tensor Labels() => Tensor.From(_labels);
}
