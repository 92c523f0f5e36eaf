using System.Buffers.Binary;
using System.Text;
using Ember.NN;
using Ember.Serialization;
using Ember.Serialization.Torch;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// A corrupt PyTorch-format file (Ember's own or PyTorch's) is refused with the name of the damaged
/// record, never loaded with changed values: every record's CRC-32 is verified as it is read, and the
/// zip directory must agree with the local headers and data descriptors.
/// </summary>
public class IntegrityTests
{
    private static readonly string Scratch = Fixtures.TempDir();

    internal static ZipRecord Record(byte[] file, string name) =>
        ZipDirectory.Read(new MemoryStream(file), "test").Single(r => r.Name == name);

    private static byte[] EmberFile()
    {
        var ms = new MemoryStream();
        TorchFile.Save(new Dictionary<string, object?> { ["w"] = Tensor.From(new[] { -0.00223f, 1f, 2f, 3f }), ["b"] = Tensor.From(new[] { 5L }) }, ms);
        return ms.ToArray();
    }

    private static string Write(byte[] bytes, string name = "x.pt")
    {
        string p = Path.Combine(Scratch, Guid.NewGuid().ToString("N") + "-" + name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void AFlippedByteInATensorIsRefusedWithTheRecordName()
    {
        byte[] f = EmberFile();
        var r = Record(f, "archive/data/0");
        f[r.DataOffset + 3] ^= 0x40; // -0.00223 becomes a huge number if this loads
        string path = Write(f);
        var e = TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(path), path, "archive/data/0: CRC-32 mismatch (stored 0x", "computed 0x", "the file is corrupt");
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void AFlippedByteInAPyTorchWrittenFileIsRefusedWithTheRecordName()
    {
        byte[] f = File.ReadAllBytes(Fixtures.Path_("lenet.pt"));
        var r = Record(f, "lenet/data/4");
        f[r.DataOffset + r.Size / 2] ^= 1;
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "lenet.pt"), "lenet.pt: lenet/data/4: CRC-32 mismatch");
    }

    [Fact]
    public void AFlippedCheckpointIsRefusedByCheckpointLoad()
    {
        // `ember eval` loads through Checkpoint.Load; before CRC checks a flipped weight loaded and evaluated to 10 %.
        Tensor.ManualSeed(1);
        var model = new Linear(4, 3);
        string path = Path.Combine(Scratch, "ck-" + Guid.NewGuid().ToString("N") + ".pt");
        Checkpoint.Save(path, model, values: new Dictionary<string, object?> { ["epoch"] = 3 });
        byte[] f = File.ReadAllBytes(path);
        var weight = ZipDirectory.Read(new MemoryStream(f), path).Where(r => r.Name.StartsWith("archive/data/", StringComparison.Ordinal)).MaxBy(r => r.Size)!;
        f[weight.DataOffset + 5] ^= 0x10;
        File.WriteAllBytes(path, f);
        TensorAssert.Throws<TensorFileException>(() => Checkpoint.Load(path), path, weight.Name, "CRC-32 mismatch");
    }

    [Fact]
    public void RecordsTheValueDoesNotUseAreVerifiedToo()
    {
        byte[] f = EmberFile();
        var r = Record(f, "archive/version");
        f[r.DataOffset] ^= 2; // "3\n" -> "1\n": nothing reads the version, but the file is corrupt all the same
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "v.pt"), "archive/version: CRC-32 mismatch");
    }

    [Fact]
    public void AFlippedPickleIsRefusedBeforeItIsUnpickled()
    {
        byte[] f = File.ReadAllBytes(Fixtures.Path_("tensor.pt"));
        var r = Record(f, "tensor/data.pkl");
        f[r.DataOffset + r.Size - 3] ^= 4;
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "tensor.pt"), "tensor/data.pkl: CRC-32 mismatch");
    }

    [Fact]
    public void ALocalHeaderThatNamesAnotherRecordIsRefused()
    {
        byte[] f = EmberFile();
        var r = Record(f, "archive/data/1");
        int local = IndexOf(f, Encoding.ASCII.GetBytes("archive/data/1"), 0); // the local header's copy comes first
        Assert.True(local < r.DataOffset);
        f[local + "archive/data/".Length] = (byte)'0';
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "n.pt"), "archive/data/1: the local header names it 'archive/data/0'");
    }

    [Fact]
    public void ACentralEntryWithAnotherRecordsNameIsRefused()
    {
        byte[] f = EmberFile();
        int central = IndexOf(f, [0x50, 0x4b, 0x01, 0x02], 0);
        int name = IndexOf(f, Encoding.ASCII.GetBytes("archive/data/1"), central);
        f[name + "archive/data/".Length] = (byte)'0'; // two records now claim to be archive/data/0
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "n.pt"), "damaged zip archive");
    }

    [Fact]
    public void ARepeatedRecordNameIsRefused()
    {
        var records = new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = Encoding.Latin1.GetBytes("\u0080\u0002}."),
            ["archive/version"] = "3\n"u8.ToArray(),
        };
        var ms = new MemoryStream();
        var w = new StoredZipWriter(ms);
        foreach (var (k, v) in records) w.Add(k, v);
        w.Add("archive/version", "4\n"u8);
        w.Finish();
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(ms.ToArray()), "dup.pt"), "the record name 'archive/version' appears twice");
    }

    [Fact]
    public void LocalAndCentralSizesMustAgree()
    {
        byte[] f = EmberFile();
        var r = Record(f, "archive/data/0");
        int local = IndexOf(f, Encoding.ASCII.GetBytes("archive/data/0"), 0) - 30;
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(local + 22), (uint)r.Size - 4); // uncompressed size
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "s.pt"), "archive/data/0: the local header says");
    }

    [Fact]
    public void APyTorchDataDescriptorMustMatchTheCentralDirectory()
    {
        byte[] f = File.ReadAllBytes(Fixtures.Path_("tensor.pt"));
        var r = Record(f, "tensor/data/0");
        long d = r.DataOffset + r.CompressedSize;
        Assert.Equal(0x08074b50u, BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan((int)d)));
        f[d + 4] ^= 1; // the descriptor's CRC-32
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "t.pt"), "tensor/data/0: the data descriptor says CRC-32");
    }

    [Fact]
    public void EveryFixtureStillLoadsAndItsRecordsCarryValidCrcs()
    {
        foreach (var name in Fixtures.All().Where(n => n.EndsWith(".pt", StringComparison.Ordinal)))
            Assert.NotNull(TorchFile.Load(Fixtures.Path_(name)));
        foreach (var name in EmberWrittenFiles.Names.Where(n => n.EndsWith(".pt", StringComparison.Ordinal)))
            Assert.NotNull(TorchFile.Load(Path.Combine(Fixtures.Dir, "from_ember", name)));
    }

    [Fact]
    public void DeflatedRecordsAreVerifiedToo()
    {
        // PyTorch stores records uncompressed, but an archive repacked by a zip tool may deflate them.
        var records = new Dictionary<string, byte[]>();
        using (var z = new System.IO.Compression.ZipArchive(new MemoryStream(EmberFile())))
            foreach (var e in z.Entries) { using var s = e.Open(); var ms = new MemoryStream(); s.CopyTo(ms); records[e.FullName] = ms.ToArray(); }
        var packed = new MemoryStream();
        using (var z = new System.IO.Compression.ZipArchive(packed, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (k, v) in records) { using var s = z.CreateEntry(k, System.IO.Compression.CompressionLevel.SmallestSize).Open(); s.Write(v); }
        byte[] f = packed.ToArray();
        var original = TorchFile.Load(new MemoryStream(EmberFile()));
        Assert.Null(LoadedValues.Difference(original, TorchFile.Load(new MemoryStream(f), "deflated.pt")));
        var r = Record(f, "archive/data/0");
        Assert.Equal(8, r.Method);
        f[r.DataOffset + r.CompressedSize / 2] ^= 0x08;
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "deflated.pt"), "deflated.pt: archive/data/0");
    }

    internal static int IndexOf(byte[] hay, byte[] needle, int from)
    {
        int i = hay.AsSpan(from).IndexOf(needle);
        Assert.True(i >= 0, "pattern not found");
        return from + i;
    }
}
