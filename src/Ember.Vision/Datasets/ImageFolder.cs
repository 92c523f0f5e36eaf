using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// Images arranged one folder per class, <c>root/dog/xxx.png</c>, <c>root/cat/123.jpg</c>
/// (<c>torchvision.datasets.ImageFolder</c>), a <see cref="VisionDataset"/> like the others. Classes are
/// the sub-folder names in ordinal order, labelled 0, 1, ...; samples are each class's files in ordinal
/// order. Images are read when indexed by <see cref="Loader"/>, by default <see cref="ImageIO.LoadImage"/>
/// (PNG, JPEG, BMP, TGA, GIF, PSD, HDR through StbImageSharp), converted to RGB as torchvision's
/// default loader does, giving [H, W, 3] uint8 images before the transform.
/// </summary>
public sealed class ImageFolder : VisionDataset
{
    /// <summary>The extensions torchvision's ImageFolder accepts that Ember can decode.</summary>
    public static readonly IReadOnlyList<string> DefaultExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tga", ".gif"];

    private readonly (string Path, long Label)[] _samples;
    private readonly string[] _classes;

    /// <summary>Indexes the images under <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="transform">Applied to each [H, W, 3] uint8 image (as to a PIL image in torchvision).</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="loader">Reads an image file (<c>loader=</c>); default <see cref="ImageIO.LoadImage"/>.</param>
    /// <param name="isValidFile">Chooses the files to include (<c>is_valid_file=</c>); excludes <paramref name="extensions"/>.</param>
    /// <param name="extensions">File extensions to include (case-insensitive); default <see cref="DefaultExtensions"/>.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="ArgumentException">Both <paramref name="isValidFile"/> and <paramref name="extensions"/> were given.</exception>
    /// <exception cref="InvalidOperationException">There is no class folder, or no class folder holds a valid file.</exception>
    public ImageFolder(string root, ITransform? transform = null, Func<long, long>? targetTransform = null,
        Func<string, Tensor>? loader = null, Func<string, bool>? isValidFile = null, IEnumerable<string>? extensions = null)
        : base(root ?? throw new ArgumentNullException(nameof(root)), transform, targetTransform)
    {
        if (isValidFile is not null && extensions is not null)
            throw new ArgumentException("ImageFolder: Both extensions and is_valid_file cannot be None or not None at the same time.", nameof(isValidFile));
        Loader = loader ?? (path => ImageIO.LoadImage(path));
        (_classes, _) = FindClasses(root);
        var ext = new HashSet<string>(extensions ?? DefaultExtensions, StringComparer.OrdinalIgnoreCase);
        Func<string, bool> valid = isValidFile ?? (f => ext.Contains(Path.GetExtension(f)));
        var samples = new List<(string, long)>();
        for (int c = 0; c < _classes.Length; c++)
            foreach (var f in Directory.EnumerateFiles(Path.Combine(root, _classes[c]), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (valid(f)) samples.Add((f, c));
        if (samples.Count == 0)
            throw new InvalidOperationException($"ImageFolder: found no valid file for the classes {string.Join(", ", _classes)} in {Path.GetFullPath(root)}." +
                (isValidFile is null ? $" Supported extensions are: {string.Join(", ", ext)}." : ""));
        _samples = samples.ToArray();
    }

    /// <summary>
    /// The class folders of <paramref name="directory"/> in ordinal order and the label of each
    /// (<c>DatasetFolder.find_classes</c>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="InvalidOperationException">It has no sub-folder.</exception>
    public static (string[] Classes, Dictionary<string, int> ClassToIdx) FindClasses(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"ImageFolder: {Path.GetFullPath(directory)} does not exist.");
        string[] classes = Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new InvalidOperationException($"ImageFolder: Couldn't find any class folder in {Path.GetFullPath(directory)}.");
        return (classes, classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i));
    }

    /// <summary>The class names (sub-folder names), by label (<c>dataset.classes</c>).</summary>
    public override IReadOnlyList<string> Classes => _classes;

    /// <summary>Every sample's file and label (<c>dataset.samples</c>, also <c>dataset.imgs</c>).</summary>
    public IReadOnlyList<(string Path, long Label)> Samples => _samples;

    /// <summary>Every sample's label, in sample order (<c>dataset.targets</c>).</summary>
    public IReadOnlyList<long> Targets => _samples.Select(s => s.Label).ToArray();

    /// <summary>Reads an image file into an [H, W, C] uint8 tensor (<c>dataset.loader</c>).</summary>
    public Func<string, Tensor> Loader { get; }

    /// <inheritdoc/>
    public override int Count => _samples.Length;

    /// <inheritdoc/>
    public override Tensor RawImage(int index)
    {
        CheckIndex(index);
        return Loader(_samples[index].Path);
    }

    /// <inheritdoc/>
    protected override long RawTarget(int index) => _samples[index].Label;
}
