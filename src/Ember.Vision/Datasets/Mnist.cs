using System.Buffers.Binary;
using System.IO.Compression;
using Ember.Vision.Transforms;

namespace Ember.Vision.Datasets;

/// <summary>
/// MNIST handwritten digits (<c>torchvision.datasets.MNIST</c>): 28x28 grayscale images, 60,000 for
/// training and 10,000 for testing, in the IDX format, gzipped or not. Files are looked for in
/// <c>root/MNIST/raw</c> (torchvision's layout), <c>root/MNIST</c> and <c>root</c>.
/// </summary>
public class Mnist : InMemoryVisionDataset
{
    internal static readonly MnistSpec Spec = new("Mnist", "MNIST",
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        },
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"],
        []);

    /// <summary>Loads MNIST from <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding <c>MNIST/raw</c> (or the IDX files themselves).</param>
    /// <param name="train">The 60,000 training images, or else the 10,000 test images.</param>
    /// <param name="transform">Applied to each [28, 28, 1] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Fetch the four .gz files into <c>root/MNIST/raw</c> when they are not found.</param>
    /// <param name="downloadOptions">Mirrors, checksums and progress reporting for the download.</param>
    /// <exception cref="DatasetNotFoundException">The files were not found and <paramref name="download"/> is false.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or not in the IDX format.</exception>
    public Mnist(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null,
        bool download = false, DownloadOptions? downloadOptions = null)
        : this(Spec, root, train, transform, targetTransform, download, downloadOptions) { }

    private protected Mnist(MnistSpec spec, string root, bool train, ITransform? transform, Func<long, long>? targetTransform,
        bool download, DownloadOptions? downloadOptions)
        : this(spec, IdxReader.Load(spec, root, train, download, downloadOptions), root, transform, targetTransform) { }

    private Mnist(MnistSpec spec, IdxReader.Loaded d, string root, ITransform? t, Func<long, long>? tt)
        : base(root, d.Pixels, d.Labels, d.Height, d.Width, 1, t, tt)
    {
        Classes = spec.Classes;
        SourceFolder = d.Folder;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Classes { get; }

    /// <summary>The folder the IDX files were read from.</summary>
    public string SourceFolder { get; }

    /// <summary>All images as one [N, 28, 28] uint8 tensor (<c>dataset.data</c>, as torchvision's; a copy).</summary>
    public override Tensor Data => Pixels([Count, Height, Width]);

    /// <summary>
    /// All labels as one int64 tensor [N] (<c>dataset.targets</c>, a tensor for the MNIST family as in
    /// torchvision; a copy). It hides the list form of <see cref="InMemoryVisionDataset.Targets"/>, which a
    /// reference typed as the base class still gives.
    /// </summary>
    public new Tensor Targets => Labels();
}

/// <summary>
/// Fashion-MNIST (<c>torchvision.datasets.FashionMNIST</c>): 28x28 grayscale images of 10 kinds of
/// clothing, a drop-in replacement for MNIST. Besides MNIST's places (with <c>FashionMNIST</c> for the
/// folder name) Ember also looks in <c>/usr/share/datasets/fashion-mnist</c>, where Debian's
/// <c>dataset-fashion-mnist</c> package installs the files.
/// </summary>
public sealed class FashionMnist : Mnist
{
    internal static new readonly MnistSpec Spec = new("FashionMnist", "FashionMNIST",
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ["train-labels-idx1-ubyte.gz"] = "25c81989df183df01b3e8a0aad5dffbe",
            ["t10k-images-idx3-ubyte.gz"] = "bef4ecab320f06d8554ea6380940ec79",
            ["t10k-labels-idx1-ubyte.gz"] = "bb300cfdad3c16e7a12a480ee83cd310",
        },
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        [DebianFolder]);

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Loads Fashion-MNIST from <paramref name="root"/> or the Debian package's folder.</summary>
    /// <param name="root">The folder holding <c>FashionMNIST/raw</c> (or the IDX files themselves).</param>
    /// <param name="train">The 60,000 training images, or else the 10,000 test images.</param>
    /// <param name="transform">Applied to each [28, 28, 1] uint8 image.</param>
    /// <param name="targetTransform">Applied to each label.</param>
    /// <param name="download">Fetch the four .gz files into <c>root/FashionMNIST/raw</c> when they are not found.</param>
    /// <param name="downloadOptions">Mirrors, checksums and progress reporting for the download.</param>
    /// <exception cref="DatasetNotFoundException">The files were not found and <paramref name="download"/> is false.</exception>
    public FashionMnist(string root, bool train = true, ITransform? transform = null, Func<long, long>? targetTransform = null,
        bool download = false, DownloadOptions? downloadOptions = null)
        : base(Spec, root, train, transform, targetTransform, download, downloadOptions) { }
}

internal sealed record MnistSpec(string Name, string Folder, string[] Mirrors, IReadOnlyDictionary<string, string> Md5,
    string[] Classes, string[] ExtraFolders);

/// <summary>Reads the IDX files of the MNIST family.</summary>
internal static class IdxReader
{
    internal sealed record Loaded(byte[] Pixels, long[] Labels, int Height, int Width, string Folder);

    private static readonly string[] Files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    public static Loaded Load(MnistSpec spec, string root, bool train, bool download, DownloadOptions? options)
    {
        ArgumentNullException.ThrowIfNull(root);
        string images = train ? Files[0] : Files[2], labels = train ? Files[1] : Files[3];
        string raw = Path.Combine(root, spec.Folder, "raw");
        string[] places = [raw, Path.Combine(root, spec.Folder), root, .. spec.ExtraFolders];
        foreach (string folder in places)
            if (Find(folder, images) is { } img && Find(folder, labels) is { } lab)
                return Read(spec.Name, img, lab, folder);
        if (!download)
            throw new DatasetNotFoundException(spec.Name, [.. places.Select(Path.GetFullPath)], $"{spec.Name}: dataset not found: no {images}[.gz] with {labels}[.gz]. Ember looked in:\n  {string.Join("\n  ", places)}\n" +
                $"Pass download: true to fetch the four .gz files from {spec.Mirrors[0]} into {Path.GetFullPath(raw)}, or copy them there yourself." +
                (spec.ExtraFolders.Length > 0 ? " On Debian, `apt-get install dataset-fashion-mnist` installs them system-wide." : ""));
        Loaded? result = null;
        Downloader.InstallAtomically(raw, tmp =>
        {
            string staging = Path.Combine(tmp, "raw");
            Directory.CreateDirectory(staging);
            foreach (string f in Files)
            {
                string name = f + ".gz";
                string? md5 = options?.Md5 is { } m && m.TryGetValue(name, out var given) ? given : spec.Md5.GetValueOrDefault(name);
                Downloader.Fetch(spec.Name, name, options?.Mirrors ?? spec.Mirrors, md5, staging, options);
            }
            // Parse before moving into place, so a file that passes its checksum but not the format leaves nothing behind.
            result = Read(spec.Name, Path.Combine(staging, images + ".gz"), Path.Combine(staging, labels + ".gz"), raw);
        });
        return result!;
    }

    private static string? Find(string folder, string name)
    {
        foreach (string candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    private static Loaded Read(string dataset, string imagesPath, string labelsPath, string folder)
    {
        var (imgDims, pixels) = ReadIdx(dataset, imagesPath);
        var (labDims, labelBytes) = ReadIdx(dataset, labelsPath);
        if (imgDims.Length != 3) throw new InvalidDataException($"{dataset}: {imagesPath} holds a {imgDims.Length}-d array; expected 3 dims (N, H, W).");
        if (labDims.Length != 1) throw new InvalidDataException($"{dataset}: {labelsPath} holds a {labDims.Length}-d array; expected 1 dim (N).");
        if (imgDims[0] != labDims[0]) throw new InvalidDataException($"{dataset}: {imagesPath} has {imgDims[0]} images but {labelsPath} has {labDims[0]} labels.");
        return new Loaded(pixels, labelBytes.Select(b => (long)b).ToArray(), imgDims[1], imgDims[2], folder);
    }

    /// <summary>Reads an unsigned-byte IDX file (magic 0x00 0x00 0x08 ndim, big-endian int32 dims, data), gzipped or not.</summary>
    internal static (int[] Dims, byte[] Data) ReadIdx(string dataset, string path)
    {
        byte[] bytes;
        using (var file = File.OpenRead(path))
        {
            var head = new byte[2];
            int got = file.Read(head);
            file.Position = 0;
            Stream s = got == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var ms = new MemoryStream();
            try { s.CopyTo(ms); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{dataset}: {path} is not a valid gzip file: {e.Message}", e); }
            bytes = ms.ToArray();
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{dataset}: {path} is not an IDX file (bad magic number).");
        if (bytes[2] != 0x08)
            throw new InvalidDataException($"{dataset}: {path} holds IDX type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are expected.");
        int nd = bytes[3];
        if (bytes.Length < 4 + 4 * nd) throw new InvalidDataException($"{dataset}: {path} is truncated (header).");
        var dims = new int[nd];
        long n = 1;
        for (int i = 0; i < nd; i++) { dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i)); n *= dims[i]; }
        long payload = bytes.Length - 4 - 4 * nd;
        if (payload != n)
            throw new InvalidDataException($"{dataset}: {path} should hold {n} bytes of data for shape ({string.Join(", ", dims)}) but holds {payload}; the file is truncated or corrupt.");
        return (dims, bytes.AsSpan(4 + 4 * nd).ToArray());
    }
}
