using Ember.Data;

namespace Ember.Vision.Transforms;

/// <summary>
/// An image transform (torchvision's <c>transforms.*</c> classes). <see cref="Apply"/> works on tensors as
/// torchvision's tensor transforms do: [..., C, H, W] (or [..., H, W]) of any dtype. Images from the
/// datasets and <see cref="ImageIO.LoadImage"/> are [H, W, C] uint8 tensors, Ember's PIL images: the
/// datasets apply their transform with <see cref="ImageTransforms.ApplyToImage"/>, so in a
/// <c>Compose</c> the transforms before <see cref="ToTensor"/> work on the image, as torchvision's do on
/// a PIL image (those that can implement <see cref="IImageTransform"/>), and those after it on the tensor.
/// </summary>
public interface ITransform
{
    /// <summary>Applies the transform.</summary>
    Tensor Apply(Tensor input);
}

/// <summary>Several transforms applied in turn (<c>transforms.Compose</c>).</summary>
public sealed class Compose : ITransform
{
    private readonly ITransform[] _transforms;

    /// <summary>Chains <paramref name="transforms"/>, applied first to last.</summary>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++) ArgumentNullException.ThrowIfNull(transforms[i], $"transforms[{i}]");
        _transforms = transforms;
    }

    /// <summary>The chained transforms.</summary>
    public IReadOnlyList<ITransform> Transforms => _transforms;

    /// <inheritdoc/>
    public Tensor Apply(Tensor input)
    {
        foreach (var t in _transforms) input = t.Apply(input);
        return input;
    }
}

/// <summary>A transform from a function (<c>transforms.Lambda</c>).</summary>
public sealed class Lambda(Func<Tensor, Tensor> function) : ITransform
{
    private readonly Func<Tensor, Tensor> _f = function ?? throw new ArgumentNullException(nameof(function));

    /// <inheritdoc/>
    public Tensor Apply(Tensor input) => _f(input);
}

/// <summary>
/// Base of the random transforms: one seeded stream shared by all calls, locked because DataLoader
/// workers call a dataset's transform from several threads. With workers the order in which samples
/// draw from the stream depends on scheduling, so augmentations are reproducible by seed only with
/// numWorkers = 0 (PyTorch instead seeds each worker process separately).
/// </summary>
public abstract class RandomTransform : ITransform
{
    private readonly IRandomSource _random;

    /// <summary>A private stream seeded with <paramref name="seed"/>; null draws from the default generator, as torchvision's transforms do.</summary>
    protected RandomTransform(int? seed) { _random = RandomSources.From(seed, null, GetType().Name); }

    /// <summary>A uniform double in [0, 1) (<c>torch.rand(1)</c>).</summary>
    protected double Rand() { lock (_random) return _random.Rand(); }

    /// <summary>A uniform integer in [low, high) (<c>torch.randint(low, high, (1,))</c>).</summary>
    protected int RandInt(int low, int high) { lock (_random) return (int)_random.RandInt(low, high); }

    /// <inheritdoc/>
    public abstract Tensor Apply(Tensor input);
}
