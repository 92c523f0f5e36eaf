using System.Text;
using Ember.Data;
using Ember.Vision;
using Ember.Vision.Datasets;
using Ember.Vision.Transforms;
using Xunit;

namespace Ember.Tests.Data;

public sealed class VisionDatasetTests : IDisposable
{
    private readonly string _root = FakeData.TempDir();

    public void Dispose() { try { Directory.Delete(_root, recursive: true); } catch (IOException) { } }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    /// <summary>The HWC bytes Ember should return for generated image i.</summary>
    private static byte[] Hwc(int i)
    {
        var chw = FakeData.CifarChw(i);
        var hwc = new byte[3072];
        for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) hwc[p * 3 + c] = chw[c * 1024 + p];
        return hwc;
    }

    private static void AssertCifar10(Cifar10 train, Cifar10 test, int perBatch)
    {
        Assert.Equal(5 * perBatch, train.Count);
        Assert.Equal(perBatch, test.Count);
        Assert.Equal(FakeData.Cifar10Names, train.Classes);
        var (img, label) = train[perBatch + 1]; // second image of batch 2
        Assert.Equal(new[] { 32, 32, 3 }, img.Shape.ToArray());
        Assert.Equal(DType.UInt8, img.DType);
        Assert.Equal(Hwc(perBatch + 1), img.ToArray<byte>());
        Assert.Equal(FakeData.Label(perBatch + 1), label);
        Assert.Equal(Hwc(1000), test[0].Image.ToArray<byte>());
        Assert.Equal(new[] { 5 * perBatch, 32, 32, 3 }, train.Data.Shape.ToArray());
    }

    [Fact]
    public void Cifar10ReadsThePythonDistribution()
    {
        FakeData.WriteFolder(Path.Combine(_root, "cifar-10-batches-py"), FakeData.Cifar10Python(3));
        AssertCifar10(new Cifar10(_root), new Cifar10(_root, train: false), 3);
    }

    [Fact]
    public void Cifar10ReadsTheBinaryDistribution()
    {
        FakeData.WriteFolder(Path.Combine(_root, "cifar-10-batches-bin"), FakeData.Cifar10Binary(3));
        AssertCifar10(new Cifar10(_root), new Cifar10(_root, train: false), 3);
    }

    [Fact]
    public void Cifar100ReadsFineAndCoarseLabels()
    {
        var data = new byte[2 * 3072];
        data[3072] = 9;
        string folder = Path.Combine(_root, "cifar-100-python");
        FakeData.WriteFolder(folder, new()
        {
            ["test"] = Py2Pickle.Dict(("data", p => p.UInt8Array(2, 3072, data)), ("fine_labels", p => p.IntList([42, 99])), ("coarse_labels", p => p.IntList([3, 19]))),
            ["meta"] = Py2Pickle.Dict(("fine_label_names", p => p.StrList(Enumerable.Range(0, 100).Select(i => $"c{i}").ToArray())),
                ("coarse_label_names", p => p.StrList(Enumerable.Range(0, 20).Select(i => $"s{i}").ToArray()))),
        });
        var ds = new Cifar100(_root, train: false);
        Assert.Equal(2, ds.Count);
        Assert.Equal(99, ds[1].Label);
        Assert.Equal(new long[] { 3, 19 }, ds.CoarseTargets);
        Assert.Equal("c42", ds.Classes[42]);
        Assert.Equal("s19", ds.CoarseClasses[19]);
        Assert.Equal(9, ds[1].Image.ToArray<byte>()[0]);
    }

    [Theory]
    [InlineData("cifar_py3_protocol2.pickle")]
    [InlineData("cifar_py3_protocol4.pickle")]
    public void RestrictedUnpicklerReadsNumpyPicklesFromPython3(string file)
    {
        var d = (Dictionary<string, object?>)RestrictedUnpickler.Load(File.ReadAllBytes(Fixture(file)), file)!;
        var arr = (NpArray)d["data"]!;
        Assert.Equal(new[] { 2, 3072 }, arr.Shape);
        Assert.Equal("u1", arr.DType);
        Assert.Equal(Enumerable.Range(0, 2 * 3072).Select(i => (byte)(i % 251)), arr.Data);
        Assert.Equal(new object?[] { 3L, 8L }, (List<object?>)d["labels"]!);
        Assert.Equal("testing batch 1 of 1", d["batch_label"]);
    }

    [Fact]
    public void RestrictedUnpicklerRefusesOtherGlobalsByName()
    {
        var ex = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(File.ReadAllBytes(Fixture("evil.pickle")), "evil.pickle"));
        Assert.Contains("refusing global 'posix.system'", ex.Message);
        Assert.Contains("evil.pickle", ex.Message);
        var op = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load([0x80, 0x02, (byte)'i', (byte)'o', (byte)'s', (byte)'\n'], "inst.pickle"));
        Assert.Contains("refusing opcode 0x69 ('i')", op.Message);
        var trunc = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load([0x80, 0x02, (byte)'}'], "short.pickle"));
        Assert.Contains("unexpected end of the pickle", trunc.Message);
    }

    [Fact]
    public void MissingDataNamesWhereEmberLookedAndHowToSupplyIt()
    {
        var ex = Assert.Throws<DatasetNotFoundException>(() => new Cifar10(_root));
        Assert.Equal([Path.Combine(_root, "cifar-10-batches-py"), Path.Combine(_root, "cifar-10-batches-bin")], ex.SearchedPaths);
        Assert.Contains(Path.Combine(_root, "cifar-10-batches-py"), ex.Message);
        Assert.Contains(Path.Combine(_root, "cifar-10-batches-bin"), ex.Message);
        Assert.Contains("download: true", ex.Message);
        var m = Assert.Throws<DatasetNotFoundException>(() => new Mnist(_root));
        Assert.Equal(Path.Combine(_root, "MNIST", "raw"), m.SearchedPaths[0]);
        Assert.Contains(Path.Combine(_root, "MNIST", "raw"), m.Message);
        Assert.Contains("train-images-idx3-ubyte", m.Message);
    }

    [Fact]
    public void MnistReadsRawAndGzippedIdx()
    {
        var files = FakeData.MnistGz(5, 3);
        string raw = Path.Combine(_root, "MNIST", "raw");
        Directory.CreateDirectory(raw);
        foreach (var (name, bytes) in files)
        {
            // Train files gzipped, test files decompressed: both must be read.
            if (name.StartsWith("train")) File.WriteAllBytes(Path.Combine(raw, name), bytes);
            else
            {
                using var gz = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
                using var f = File.Create(Path.Combine(raw, name[..^3]));
                gz.CopyTo(f);
            }
        }
        var train = new Mnist(_root);
        var test = new Mnist(_root, train: false, transform: new ToTensor());
        Assert.Equal(5, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal(new[] { 28, 28, 1 }, train[0].Image.Shape.ToArray());
        Assert.Equal(new[] { 1, 28, 28 }, test[0].Image.Shape.ToArray());
        Assert.Equal(3L, test[1].Label);
        Assert.Equal(unchecked((byte)(784 * 2 * 13 + 1)), train[2].Image.ToArray<byte>()[0]);
        // dataset.data and dataset.targets as torchvision's MNIST has them: uint8 [N, 28, 28], int64 [N].
        Assert.Equal(new[] { 5, 28, 28 }, train.Data.Shape.ToArray());
        Assert.Equal(DType.UInt8, train.Data.DType);
        Assert.Equal(train[2].Image.ToArray<byte>(), train.Data[2].ToArray<byte>());
        Assert.Equal(DType.Int64, test.Targets.DType);
        Assert.Equal(new[] { 3 }, test.Targets.Shape.ToArray());
        Assert.Equal(3L, test.Targets[1].Item<long>());
        Assert.Equal(3L, ((InMemoryVisionDataset)test).Targets[1]); // the base class keeps the list form
        Assert.Equal(5, train.ClassToIdx["5 - five"]);
    }

    [Fact]
    public void IdxReaderRejectsTruncatedFiles()
    {
        string path = Path.Combine(_root, "bad-idx");
        File.WriteAllBytes(path, FakeData.Idx([4, 28, 28], new byte[100]));
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadIdx("Mnist", path));
        Assert.Contains("should hold 3136 bytes", ex.Message);
        Assert.Contains("holds 100", ex.Message);
    }

    [Fact]
    public void FashionMnistReadsTheDebianPackageFiles()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DebianFolder, "t10k-images-idx3-ubyte.gz")))
            return; // dataset-fashion-mnist is not installed here: nothing to read
        var test = new FashionMnist(_root, train: false);
        Assert.Equal(FashionMnist.DebianFolder, test.SourceFolder);
        Assert.Equal(10000, test.Count);
        Assert.Equal("Ankle boot", test.Classes[9]);
        Assert.Equal(9L, test[0].Label); // the first Fashion-MNIST test image is an ankle boot
        Assert.Equal(Enumerable.Repeat(1000, 10), test.Targets.ToArray<long>().GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
        var loader = DataLoader.Create(new Subset<(Tensor, long)>(test, Enumerable.Range(0, 64)), batchSize: 16);
        var (x, y) = loader.First();
        Assert.Equal(new[] { 16, 28, 28, 1 }, x.Shape.ToArray());
        Assert.Equal(DType.Int64, y.DType);
    }

    [Fact]
    public void TransformsAndLoaderWorkTogetherOnCifar()
    {
        FakeData.WriteFolder(Path.Combine(_root, "cifar-10-batches-py"), FakeData.Cifar10Python(4));
        var transform = new Compose(new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
        var ds = new Cifar10(_root, transform: transform);
        var loader = DataLoader.Create(ds, batchSize: 4, shuffle: true, numWorkers: 2, seed: 0);
        var batches = loader.ToList();
        Assert.Equal(5, batches.Count);
        Assert.Equal(new[] { 4, 3, 32, 32 }, batches[0].Item1.Shape.ToArray());
        Assert.All(batches.SelectMany(b => b.Item1.ToArray<float>()), v => Assert.InRange(v, -1f, 1f));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)FakeData.Label(i)).Order(), batches.SelectMany(b => b.Item2.ToArray<long>()).Order());
    }

    [Fact]
    public void MakeGridAndSaveImage()
    {
        var batch = Tensor.From<float>(Enumerable.Range(0, 5 * 3 * 4 * 4).Select(i => i % 2 == 0 ? 1f : 0f).ToArray(), [5, 3, 4, 4]);
        var grid = ImageIO.MakeGrid(batch, nrow: 2, padding: 1);
        Assert.Equal(new[] { 3, 3 * 5 + 1, 2 * 5 + 1 }, grid.Shape.ToArray());
        Assert.Equal(0f, grid.ToArray<float>()[0]); // padding
        Assert.Equal(1f, grid.ToArray<float>()[1 * 11 + 1]); // first pixel of image 0
        var gray = ImageIO.MakeGrid(Tensor.Ones(2, 1, 2, 2), padding: 0);
        Assert.Equal(new[] { 3, 2, 4 }, gray.Shape.ToArray());
        string path = Path.Combine(_root, "out", "grid.png");
        ImageIO.SaveImage(batch, path, nrow: 2);
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        int height = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        Assert.Equal((2 * 6 + 2, 3 * 6 + 2), (width, height));
        TensorAssert.Throws<ArgumentException>(() => ImageIO.MakeGrid(Tensor.Zeros(2, 4, 3, 3)), "make_grid", "1 or 3 channels, got 4");
    }

    [Fact]
    public void ImageFolderDecodesPngAndJpegPerClassFolder()
    {
        string root = Path.Combine(_root, "folder");
        // 2x3 RGB image: red, green, blue / white, black, grey.
        var px = Tensor.From<float>(new float[] { 1, 0, 0, 1, 0, 0.5f, 0, 1, 0, 1, 0, 0.5f, 0, 0, 1, 1, 0, 0.5f }, [3, 2, 3]);
        ImageIO.SaveImage(px, Path.Combine(root, "b_dog", "1.png"));
        ImageIO.SaveImage(px, Path.Combine(root, "a_cat", "2.png"));
        Directory.CreateDirectory(Path.Combine(root, "a_cat"));
        using (var f = File.Create(Path.Combine(root, "a_cat", "1.jpg")))
            new StbImageWriteSharp.ImageWriter().WriteJpg(Enumerable.Repeat((byte)200, 8 * 8 * 3).ToArray(), 8, 8, StbImageWriteSharp.ColorComponents.RedGreenBlue, f, 95);
        File.WriteAllText(Path.Combine(root, "a_cat", "notes.txt"), "skip me");
        var ds = new ImageFolder(root);
        Assert.Equal(new[] { "a_cat", "b_dog" }, ds.Classes);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new long[] { 0, 0, 1 }, ds.Samples.Select(s => s.Label));
        var (jpg, l0) = ds[0];
        Assert.Equal(0, l0);
        Assert.Equal(new[] { 8, 8, 3 }, jpg.Shape.ToArray());
        Assert.All(jpg.ToArray<byte>(), b => Assert.InRange(b, 195, 205));
        var (png, l2) = ds[2];
        Assert.Equal(1, l2);
        Assert.Equal(new[] { 2, 3, 3 }, png.Shape.ToArray());
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128 }, png.ToArray<byte>());
        var roundTrip = new ToTensor().Apply(png);
        Assert.Equal(new[] { 3, 2, 3 }, roundTrip.Shape.ToArray());
        Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(Path.Combine(_root, "nope")));
        File.WriteAllText(Path.Combine(root, "b_dog", "broken.png"), "not a png");
        var bad = new ImageFolder(root);
        var ex = Assert.Throws<InvalidDataException>(() => bad[3]);
        Assert.Contains("broken.png", ex.Message);
    }

    [Fact]
    public void ImageFolderIsAVisionDatasetWithTorchvisionsOptions()
    {
        string root = Path.Combine(_root, "folder2");
        var px = Tensor.From<float>(new float[] { 1, 0, 0, 1, 0, 0.5f, 0, 1, 0, 1, 0, 0.5f, 0, 0, 1, 1, 0, 0.5f }, [3, 2, 3]);
        ImageIO.SaveImage(px, Path.Combine(root, "cat", "a.png"));
        ImageIO.SaveImage(px, Path.Combine(root, "cat", "skip.png"));
        ImageIO.SaveImage(px, Path.Combine(root, "dog", "b.png"));
        VisionDataset ds = new ImageFolder(root, transform: new Compose(new CenterCrop(2), new ToTensor()),
            targetTransform: t => t + 10, isValidFile: f => !f.EndsWith("skip.png", StringComparison.Ordinal));
        Assert.Equal(2, ds.Count);
        Assert.Equal(new Dictionary<string, int> { ["cat"] = 0, ["dog"] = 1 }, ds.ClassToIdx);
        var folder = (ImageFolder)ds;
        Assert.Equal(new long[] { 0, 1 }, folder.Targets);
        var (img, label) = ds[1];
        Assert.Equal(11, label);
        Assert.Equal(new[] { 3, 2, 2 }, img.Shape.ToArray()); // CenterCrop ran on the [2, 3, 3] image before ToTensor
        Assert.Equal(new[] { 2, 3, 3 }, ds.RawImage(1).Shape.ToArray());
        Assert.Contains("Both extensions and is_valid_file", Assert.Throws<ArgumentException>(() =>
            new ImageFolder(root, isValidFile: _ => true, extensions: [".png"])).Message);
        int loads = 0;
        var custom = new ImageFolder(root, loader: p => { loads++; return ImageIO.LoadImage(p, grayscale: true); });
        Assert.Equal(new[] { 2, 3, 1 }, custom[0].Image.Shape.ToArray());
        Assert.Equal(1, loads);
        var (classes, toIdx) = ImageFolder.FindClasses(root);
        Assert.Equal(new[] { "cat", "dog" }, classes);
        Assert.Equal(1, toIdx["dog"]);
    }
}
