using Ember.Vision.Datasets;
using Xunit;

namespace Ember.Tests.Data;

/// <summary>Downloads from a local HTTP server bound to 127.0.0.1 serving archives generated here.</summary>
public sealed class VisionDownloadTests : IDisposable
{
    private readonly string _root = FakeData.TempDir();
    private readonly LocalHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private DownloadOptions Options(IReadOnlyDictionary<string, string> md5, List<DownloadProgress>? progress = null) => new()
    {
        Mirrors = [_server.BaseUrl],
        Md5 = md5,
        Progress = p => { lock (md5) progress?.Add(p); },
    };

    /// <summary>Nothing but the root itself may remain: no dataset folder, no temporary folder.</summary>
    private void AssertNothingLeft() => Assert.Empty(Directory.EnumerateFileSystemEntries(_root));

    [Fact]
    public void Cifar10DownloadsVerifiesExtractsAndMovesIntoPlace()
    {
        byte[] archive = FakeData.TarGz("cifar-10-batches-py", FakeData.Cifar10Python(2));
        _server.Serve("cifar-10-python.tar.gz", new(archive));
        var progress = new List<DownloadProgress>();
        var opts = Options(new Dictionary<string, string> { ["cifar-10-python.tar.gz"] = FakeData.Md5(archive) }, progress);
        var ds = new Cifar10(_root, train: false, download: true, downloadOptions: opts);
        Assert.Equal(2, ds.Count);
        Assert.Equal(FakeData.Label(1001), ds[1].Label);
        Assert.Equal(new[] { "cifar-10-batches-py" }, Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(_root, "cifar-10-batches-py", "data_batch_5")));
        Assert.Equal(archive.Length, progress[^1].BytesReceived);
        Assert.Equal(archive.Length, progress[^1].TotalBytes);
        Assert.Equal(1.0, progress[^1].Fraction);
        // A second load finds the files and does not download again.
        int requests = _server.Requests;
        Assert.Equal(10, new Cifar10(_root, download: true, downloadOptions: opts).Count);
        Assert.Equal(requests, _server.Requests);
    }

    [Fact]
    public void ChecksumMismatchLeavesNothingBehind()
    {
        byte[] archive = FakeData.TarGz("cifar-10-batches-py", FakeData.Cifar10Python(1));
        _server.Serve("cifar-10-python.tar.gz", new(archive));
        var opts = Options(new Dictionary<string, string> { ["cifar-10-python.tar.gz"] = "0123456789abcdef0123456789abcdef" });
        var ex = Assert.Throws<InvalidDataException>(() => new Cifar10(_root, download: true, downloadOptions: opts));
        Assert.Contains("checksum mismatch for cifar-10-python.tar.gz", ex.Message);
        Assert.Contains("expected MD5 0123456789abcdef0123456789abcdef", ex.Message);
        Assert.Contains(FakeData.Md5(archive), ex.Message);
        AssertNothingLeft();
    }

    [Fact]
    public void ServerErrorMidTransferLeavesNothingBehind()
    {
        byte[] archive = FakeData.TarGz("cifar-10-batches-py", FakeData.Cifar10Python(2));
        _server.Serve("cifar-10-python.tar.gz", new(archive, CutAfter: archive.Length / 2));
        var opts = Options(new Dictionary<string, string> { ["cifar-10-python.tar.gz"] = FakeData.Md5(archive) });
        var ex = Assert.Throws<IOException>(() => new Cifar10(_root, download: true, downloadOptions: opts));
        Assert.Contains("could not download cifar-10-python.tar.gz", ex.Message);
        Assert.Contains("nothing was kept", ex.Message);
        AssertNothingLeft();
    }

    [Fact]
    public void HttpErrorStatusIsReportedAndLeavesNothingBehind()
    {
        _server.Serve("cifar-10-python.tar.gz", new("boom"u8.ToArray(), Status: 503));
        var ex = Assert.Throws<IOException>(() => new Cifar10(_root, download: true, downloadOptions: Options(new Dictionary<string, string>())));
        Assert.Contains("503", ex.Message);
        AssertNothingLeft();
    }

    [Fact]
    public void CorruptArchiveWithRightChecksumLeavesNothingBehind()
    {
        byte[] notGzip = "this is not a tar.gz"u8.ToArray();
        _server.Serve("cifar-10-python.tar.gz", new(notGzip));
        var opts = Options(new Dictionary<string, string> { ["cifar-10-python.tar.gz"] = FakeData.Md5(notGzip) });
        Assert.ThrowsAny<Exception>(() => new Cifar10(_root, download: true, downloadOptions: opts));
        AssertNothingLeft();
    }

    [Fact]
    public void MnistDownloadsIdxFilesIntoTorchvisionsLayout()
    {
        var files = FakeData.MnistGz(4, 2);
        foreach (var (name, bytes) in files) _server.Serve(name, new(bytes));
        string nested = Path.Combine(_root, "data");
        var opts = Options(files.ToDictionary(f => f.Key, f => FakeData.Md5(f.Value)));
        var ds = new Mnist(nested, train: true, download: true, downloadOptions: opts);
        Assert.Equal(4, ds.Count);
        Assert.Equal(Path.Combine(nested, "MNIST", "raw"), ds.SourceFolder);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(nested, "MNIST", "raw")).Length);
        Assert.Equal(new[] { "data" }, Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void MnistFailureOnTheLastFileLeavesNoPartialFolder()
    {
        var files = FakeData.MnistGz(4, 2);
        foreach (var (name, bytes) in files)
            _server.Serve(name, name.StartsWith("t10k-labels") ? new(bytes, CutAfter: 10) : new(bytes));
        var opts = Options(files.ToDictionary(f => f.Key, f => FakeData.Md5(f.Value)));
        var ex = Assert.Throws<IOException>(() => new Mnist(Path.Combine(_root, "data"), download: true, downloadOptions: opts));
        Assert.Contains("t10k-labels-idx1-ubyte.gz", ex.Message);
        AssertNothingLeft();
    }

    [Fact]
    public void Sha256MismatchLeavesNothingBehind()
    {
        var files = FakeData.MnistGz(2, 2);
        foreach (var (name, bytes) in files) _server.Serve(name, new(bytes));
        var opts = Options(files.ToDictionary(f => f.Key, f => FakeData.Md5(f.Value))) with
        {
            Sha256 = new Dictionary<string, string> { ["train-labels-idx1-ubyte.gz"] = new string('0', 64) },
        };
        var ex = Assert.Throws<InvalidDataException>(() => new Mnist(_root, download: true, downloadOptions: opts));
        Assert.Contains("expected SHA-256 0000", ex.Message);
        AssertNothingLeft();
    }
}
