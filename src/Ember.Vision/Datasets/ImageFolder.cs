using Ember.Data;
using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// Images arranged one folder per class, <c>root/dog/xxx.png</c>, <c>root/cat/123.jpg</c>
/// (<c>torchvision.datasets.ImageFolder</c>). Classes are the sub-folder names in ordinal order,
/// labelled 0, 1, ...; samples are each class's files in ordinal order. Images are decoded when
/// indexed (PNG, JPEG, BMP, TGA, GIF, PSD, HDR through StbImageSharp) and converted to RGB, as
/// torchvision's default loader does, giving [H, W, 3] uint8 tensors before the transform.
/// </summary>
public sealed class ImageFolder : Dataset<(Tensor Image, long Label)>
{
    /// <summary>The extensions torchvision's ImageFolder accepts that Ember can decode.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tga", ".gif"];

    private readonly (string Path, long Label)[] _samples;

    /// <summary>Indexes the images under <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="transform">Applied to each [H, W, 3] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="extensions">File extensions to include (case-insensitive); default <see cref="DefaultExtensions"/>.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException">No class folder holds a matching file.</exception>
    public ImageFolder(string root, ITransform? transform = null, Func<long, long>? targetTransform = null, IEnumerable<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"ImageFolder: {Path.GetFullPath(root)} does not exist.");
        var ext = new HashSet<string>(extensions ?? DefaultExtensions, StringComparer.OrdinalIgnoreCase);
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
        Classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (Classes.Count == 0) throw new InvalidOperationException($"ImageFolder: couldn't find any class folder in {Path.GetFullPath(root)}.");
        var samples = new List<(string, long)>();
        for (int c = 0; c < Classes.Count; c++)
            foreach (var f in Directory.EnumerateFiles(Path.Combine(root, Classes[c]), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (ext.Contains(Path.GetExtension(f))) samples.Add((f, c));
        if (samples.Count == 0)
            throw new InvalidOperationException($"ImageFolder: found no valid file for the classes {string.Join(", ", Classes)} in {Path.GetFullPath(root)}. Supported extensions are: {string.Join(", ", ext)}.");
        _samples = samples.ToArray();
    }

    /// <summary>The folder indexed.</summary>
    public string Root { get; }

    /// <summary>The class names (sub-folder names), by label (<c>dataset.classes</c>).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Label of each class name (<c>dataset.class_to_idx</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx => Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

    /// <summary>Every sample's file and label (<c>dataset.samples</c>).</summary>
    public IReadOnlyList<(string Path, long Label)> Samples => _samples;

    /// <summary>Applied to each image tensor.</summary>
    public ITransform? Transform { get; }

    /// <summary>Applied to each label.</summary>
    public Func<long, long>? TargetTransform { get; }

    /// <inheritdoc/>
    public override int Count => _samples.Length;

    /// <inheritdoc/>
    public override (Tensor Image, long Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            var (path, label) = _samples[index];
            var img = ImageIO.LoadImage(path);
            return (Transform is null ? img : Transform.Apply(img), TargetTransform is null ? label : TargetTransform(label));
        }
    }
}
