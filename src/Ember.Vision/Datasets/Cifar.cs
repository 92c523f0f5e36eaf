using System.Text;
using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// CIFAR-10 (<c>torchvision.datasets.CIFAR10</c>): 60,000 32x32 colour images in 10 classes, 50,000 for
/// training and 10,000 for testing. Reads the binary distribution (<c>cifar-10-batches-bin</c>) or the
/// Python one that torchvision downloads (<c>cifar-10-batches-py</c>, read with a restricted pickle
/// reader), whichever is found under <c>root</c>, so an existing torchvision copy can be reused.
/// </summary>
public sealed class Cifar10 : InMemoryVisionDataset
{
    internal static readonly string[] DefaultMirrors = ["https://www.cs.toronto.edu/~kriz/"];
    internal const string PythonArchive = "cifar-10-python.tar.gz";
    internal const string PythonMd5 = "c58f30108f718f92721af3b95e74349a";
    private static readonly string[] Names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Loads CIFAR-10 from <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding <c>cifar-10-batches-py</c> or <c>cifar-10-batches-bin</c>.</param>
    /// <param name="train">The 50,000 training images, or else the 10,000 test images.</param>
    /// <param name="transform">Applied to each [32, 32, 3] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Fetch the Python distribution (163 MB) into <paramref name="root"/> when no copy is found.</param>
    /// <param name="downloadOptions">Mirrors, checksums and progress reporting for the download.</param>
    /// <exception cref="DatasetNotFoundException">No copy was found and <paramref name="download"/> is false.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or not in the expected format.</exception>
    public Cifar10(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null,
        bool download = false, DownloadOptions? downloadOptions = null)
        : this(CifarReader.Load(CifarReader.Ten, root, train, download, downloadOptions), root, transform, targetTransform) { }

    private Cifar10(CifarReader.Loaded d, string root, ITransform? t, Func<long, long>? tt)
        : base(root, d.Pixels, d.Labels, 32, 32, 3, t, tt) { Classes = d.Classes ?? Names; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes { get; }
}

/// <summary>
/// CIFAR-100 (<c>torchvision.datasets.CIFAR100</c>): like CIFAR-10 with 100 fine classes grouped into
/// 20 coarse ones. Labels are the fine classes, as torchvision's; <see cref="CoarseTargets"/> has the others.
/// </summary>
public sealed class Cifar100 : InMemoryVisionDataset
{
    internal const string PythonArchive = "cifar-100-python.tar.gz";
    internal const string PythonMd5 = "eb9058c3a382ffc7106e4002c42a8d85";

    /// <summary>Loads CIFAR-100 from <paramref name="root"/> (<c>cifar-100-python</c> or <c>cifar-100-binary</c>).</summary>
    /// <param name="root">The folder holding the dataset folder.</param>
    /// <param name="train">The 50,000 training images, or else the 10,000 test images.</param>
    /// <param name="transform">Applied to each [32, 32, 3] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Fetch the Python distribution (161 MB) into <paramref name="root"/> when no copy is found.</param>
    /// <param name="downloadOptions">Mirrors, checksums and progress reporting for the download.</param>
    /// <exception cref="DatasetNotFoundException">No copy was found and <paramref name="download"/> is false.</exception>
    public Cifar100(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null,
        bool download = false, DownloadOptions? downloadOptions = null)
        : this(CifarReader.Load(CifarReader.Hundred, root, train, download, downloadOptions), root, transform, targetTransform) { }

    private Cifar100(CifarReader.Loaded d, string root, ITransform? t, Func<long, long>? tt)
        : base(root, d.Pixels, d.Labels, 32, 32, 3, t, tt)
    {
        Classes = d.Classes ?? Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        CoarseTargets = d.Coarse ?? [];
        CoarseClasses = d.CoarseClasses ?? [];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes { get; }

    /// <summary>The coarse (superclass) label of each sample.</summary>
    public IReadOnlyList<long> CoarseTargets { get; }

    /// <summary>The 20 superclass names, when the files include them.</summary>
    public IReadOnlyList<string> CoarseClasses { get; }
}

/// <summary>Reads both CIFAR distributions into HWC pixels and labels.</summary>
internal static class CifarReader
{
    internal sealed record Spec(string Name, string PyFolder, string BinFolder, string[] PyTrain, string PyTest, string PyMeta,
        string[] BinTrain, string BinTest, int LabelBytes, string Archive, string Md5, string LabelKey, string NamesKey);

    public static readonly Spec Ten = new("Cifar10", "cifar-10-batches-py", "cifar-10-batches-bin",
        ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"], "test_batch", "batches.meta",
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"], "test_batch.bin", 1,
        Cifar10.PythonArchive, Cifar10.PythonMd5, "labels", "label_names");

    public static readonly Spec Hundred = new("Cifar100", "cifar-100-python", "cifar-100-binary",
        ["train"], "test", "meta", ["train.bin"], "test.bin", 2,
        Cifar100.PythonArchive, Cifar100.PythonMd5, "fine_labels", "fine_label_names");

    internal sealed record Loaded(byte[] Pixels, long[] Labels, string[]? Classes, long[]? Coarse, string[]? CoarseClasses);

    private const int ImageBytes = 3072;

    public static Loaded Load(Spec spec, string root, bool train, bool download, DownloadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(root);
        string bin = Path.Combine(root, spec.BinFolder), py = Path.Combine(root, spec.PyFolder);
        if (Directory.Exists(bin)) return LoadBinary(spec, bin, train);
        if (Directory.Exists(py)) return LoadPython(spec, py, train);
        if (!download)
            throw new DatasetNotFoundException(spec.Name, [Path.GetFullPath(py), Path.GetFullPath(bin)], $"{spec.Name}: dataset not found. Ember looked in:\n  {py}\n  {bin}\n" +
                $"Pass download: true to fetch {spec.Archive} from {Cifar10.DefaultMirrors[0]} into {Path.GetFullPath(root)}, " +
                $"or unpack the Python or binary distribution there (a copy torchvision downloaded works as it is).");
        Loaded? result = null;
        Downloader.InstallAtomically(py, tmp =>
        {
            var mirrors = options?.Mirrors ?? Cifar10.DefaultMirrors;
            string md5 = options?.Md5 is { } m && m.TryGetValue(spec.Archive, out var given) ? given : spec.Md5;
            string archive = Downloader.Fetch(spec.Name, spec.Archive, mirrors, md5, tmp, options);
            string extracted = Path.Combine(tmp, "extract");
            Downloader.ExtractTarGz(archive, extracted);
            string folder = Path.Combine(extracted, spec.PyFolder);
            if (!Directory.Exists(folder))
                throw new InvalidDataException($"{spec.Name}: {spec.Archive} does not contain the folder '{spec.PyFolder}'.");
            // Check the content before it is moved into place, so a bad archive leaves nothing behind.
            result = LoadPython(spec, folder, train);
            Directory.Move(folder, Path.Combine(tmp, spec.PyFolder));
        });
        return result!;
    }

    private static byte[] ReadAll(string path, string dataset)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{dataset}: {path} is missing; the dataset folder is incomplete.");
        return File.ReadAllBytes(path);
    }

    private static Loaded LoadBinary(Spec spec, string folder, bool train)
    {
        var files = train ? spec.BinTrain : [spec.BinTest];
        var pixels = new List<byte[]>(); var labels = new List<long>(); var coarse = new List<long>();
        int record = spec.LabelBytes + ImageBytes;
        foreach (var f in files)
        {
            byte[] b = ReadAll(Path.Combine(folder, f), spec.Name);
            if (b.Length % record != 0)
                throw new InvalidDataException($"{spec.Name}: {Path.Combine(folder, f)} has {b.Length} bytes, not a whole number of {record}-byte records; the file is truncated or not CIFAR binary.");
            int n = b.Length / record;
            var px = new byte[n * ImageBytes];
            for (int i = 0; i < n; i++)
            {
                int o = i * record;
                if (spec.LabelBytes == 2) { coarse.Add(b[o]); labels.Add(b[o + 1]); } else labels.Add(b[o]);
                ChwToHwc(b.AsSpan(o + spec.LabelBytes, ImageBytes), px.AsSpan(i * ImageBytes, ImageBytes));
            }
            pixels.Add(px);
        }
        string[]? classes = null, coarseNames = null;
        string meta = spec.LabelBytes == 1 ? "batches.meta.txt" : "fine_label_names.txt";
        if (File.Exists(Path.Combine(folder, meta))) classes = ReadNames(Path.Combine(folder, meta));
        if (spec.LabelBytes == 2 && File.Exists(Path.Combine(folder, "coarse_label_names.txt"))) coarseNames = ReadNames(Path.Combine(folder, "coarse_label_names.txt"));
        return new Loaded(pixels.SelectMany(p => p).ToArray(), labels.ToArray(), classes, spec.LabelBytes == 2 ? coarse.ToArray() : null, coarseNames);
    }

    private static string[] ReadNames(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    private static Loaded LoadPython(Spec spec, string folder, bool train)
    {
        var files = train ? spec.PyTrain : [spec.PyTest];
        var pixels = new List<byte[]>(); var labels = new List<long>(); var coarse = new List<long>();
        foreach (var f in files)
        {
            string path = Path.Combine(folder, f);
            var dict = RestrictedUnpickler.Load(ReadAll(path, spec.Name), path) as Dictionary<string, object?>
                ?? throw new InvalidDataException($"{spec.Name}: {path} does not hold a dict.");
            var data = dict.GetValueOrDefault("data") as NpArray
                ?? throw new InvalidDataException($"{spec.Name}: {path} has no 'data' array.");
            if (data.Shape.Length != 2 || data.Shape[1] != ImageBytes || data.DType != "u1" || data.Fortran)
                throw new InvalidDataException($"{spec.Name}: 'data' in {path} is a {data.DType} array of shape ({string.Join(", ", data.Shape)}); expected uint8 (N, 3072) in C order.");
            var lab = Ints(dict, spec.LabelKey, path, spec.Name);
            if (lab.Length != data.Shape[0])
                throw new InvalidDataException($"{spec.Name}: {path} has {data.Shape[0]} images but {lab.Length} labels.");
            labels.AddRange(lab);
            if (spec.LabelBytes == 2) coarse.AddRange(Ints(dict, "coarse_labels", path, spec.Name));
            var px = new byte[data.Data.Length];
            for (int i = 0; i < data.Shape[0]; i++)
                ChwToHwc(data.Data.AsSpan(i * ImageBytes, ImageBytes), px.AsSpan(i * ImageBytes, ImageBytes));
            pixels.Add(px);
        }
        string[]? classes = null, coarseNames = null;
        string metaPath = Path.Combine(folder, spec.PyMeta);
        if (File.Exists(metaPath) && RestrictedUnpickler.Load(File.ReadAllBytes(metaPath), metaPath) is Dictionary<string, object?> meta)
        {
            classes = Strings(meta.GetValueOrDefault(spec.NamesKey));
            coarseNames = Strings(meta.GetValueOrDefault("coarse_label_names"));
        }
        return new Loaded(pixels.SelectMany(p => p).ToArray(), labels.ToArray(), classes, spec.LabelBytes == 2 ? coarse.ToArray() : null, coarseNames);
    }

    private static long[] Ints(Dictionary<string, object?> d, string key, string path, string dataset) =>
        (d.GetValueOrDefault(key) as List<object?> ?? throw new InvalidDataException($"{dataset}: {path} has no '{key}' list."))
        .Select(o => o is long l ? l : throw new InvalidDataException($"{dataset}: '{key}' in {path} holds a non-integer.")).ToArray();

    private static string[]? Strings(object? o) => o is List<object?> l
        ? l.Select(x => x switch { string s => s, byte[] b => Encoding.Latin1.GetString(b), _ => "" }).ToArray()
        : null;

    // CIFAR stores each image as 1024 red, 1024 green, 1024 blue bytes; Ember's raw images are HWC like torchvision's dataset.data.
    private static void ChwToHwc(ReadOnlySpan<byte> chw, Span<byte> hwc)
    {
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 1024; i++)
                hwc[i * 3 + c] = chw[c * 1024 + i];
    }
}
