using System.IO.Compression;
using System.Text;
using Ember.Serialization;
using Ember.Serialization.Torch;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// Damaged and hostile files: every fixture is truncated, bit-flipped and given huge lengths (fixed
/// seed, bounded count), and hostile pickles are planted in otherwise valid archives. Each load must
/// either succeed (the damage hit only tensor data) or throw <see cref="TensorFileException"/>:
/// never another exception, a crash, code execution or a huge allocation.
/// </summary>
public class FuzzTests
{
    private const int MutationsPerFile = 60;
    private const long AllocationBudget = 64L << 20; // far beyond what any fixture needs, far below what a lying length asks for

    private static IEnumerable<string> FixtureFiles() =>
        Fixtures.All().Select(Fixtures.Path_).Concat(Directory.GetFiles(Path.Combine(Fixtures.Dir, "from_ember")))
            .Where(f => f.EndsWith(".pt", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal));

    private static readonly string Scratch = Fixtures.TempDir();

    // Loads the bytes the way a user would; returns null on success, else the exception.
    private static Exception? TryLoad(byte[] bytes, string kind, string label)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            if (kind == ".safetensors")
            {
                string p = Path.Combine(Scratch, "fuzz.safetensors");
                File.WriteAllBytes(p, bytes);
                SafeTensors.Load(p);
            }
            else
            {
                using var ms = new MemoryStream(bytes, writable: false);
                TorchFile.Load(ms, label);
                if (label.Contains("checkpoint", StringComparison.Ordinal))
                {
                    string p = Path.Combine(Scratch, "fuzz.pt");
                    File.WriteAllBytes(p, bytes);
                    Checkpoint.Load(p);
                }
            }
        }
        catch (Exception e) { error = e; }
        long used = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(used < AllocationBudget + 4L * bytes.Length, $"{label}: loading allocated {used} bytes");
        if (error is not null && error is not TensorFileException)
            Assert.Fail($"{label}: expected success or TensorFileException, got {error.GetType().Name}: {error.Message}\n{error.StackTrace}");
        return error;
    }

    private static byte[] Mutate(byte[] src, Random rng, out string what)
    {
        var b = (byte[])src.Clone();
        // Aim a third of the damage at the start (headers, the pickle) and a third at the end (zip central directory).
        int Pos() => rng.Next(3) switch
        {
            0 => rng.Next(Math.Min(b.Length, 512)),
            1 => Math.Max(0, b.Length - 1 - rng.Next(Math.Min(b.Length, 512))),
            _ => rng.Next(b.Length),
        };
        switch (rng.Next(4))
        {
            case 0:
            {
                int n = rng.Next(3) == 0 ? rng.Next(Math.Min(b.Length, 16)) : rng.Next(b.Length);
                what = $"truncated to {n}";
                return b[..n];
            }
            case 1:
            {
                int k = 1 + rng.Next(8);
                var at = new List<int>();
                for (int i = 0; i < k; i++) { int p = Pos(); at.Add(p); b[p] ^= (byte)(1 << rng.Next(8)); }
                what = $"bits flipped at {string.Join(",", at)}";
                return b;
            }
            case 2:
            {
                int p = Pos();
                byte[] huge = rng.Next(3) switch { 0 => [0xFF, 0xFF, 0xFF, 0xFF], 1 => [0xFF, 0xFF, 0xFF, 0x7F], _ => [0, 0, 0, 0x40] };
                for (int i = 0; i < 4 && p + i < b.Length; i++) b[p + i] = huge[i];
                what = $"huge length at {p}";
                return b;
            }
            default:
            {
                int p = Pos();
                int n = 1 + rng.Next(Math.Min(64, b.Length - p));
                rng.NextBytes(b.AsSpan(p, Math.Min(n, b.Length - p)));
                what = $"{n} random bytes at {p}";
                return b;
            }
        }
    }

    [Fact]
    public void MutatedFixturesFailCleanly()
    {
        var rng = new Random(20240607);
        int refused = 0, total = 0;
        foreach (var file in FixtureFiles())
        {
            byte[] src = File.ReadAllBytes(file);
            string kind = Path.GetExtension(file);
            Assert.Null(TryLoad(src, kind, Path.GetFileName(file))); // the fixture itself loads
            for (int i = 0; i < MutationsPerFile; i++)
            {
                var m = Mutate(src, rng, out string what);
                if (TryLoad(m, kind, $"{Path.GetFileName(file)} ({what})") is not null) refused++;
                total++;
            }
        }
        Assert.True(refused > total / 3, $"only {refused} of {total} mutations were refused; the fuzzer is not reaching the parsers");
    }

    // Loads a PyTorch-format or safetensors file from bytes; null when refused with a TensorFileException.
    private static object? LoadOrRefuse(byte[] bytes, bool safetensors, string label)
    {
        try
        {
            if (!safetensors) return TorchFile.Load(new MemoryStream(bytes, writable: false), label);
            string p = Path.Combine(Scratch, "flip.safetensors");
            File.WriteAllBytes(p, bytes);
            return SafeTensors.Load(p);
        }
        catch (TensorFileException) { return null; }
        catch (Exception e) { Assert.Fail($"{label}: expected a load or a TensorFileException, got {e.GetType().Name}: {e.Message}\n{e.StackTrace}"); return null; }
    }

    // Which part of a file a byte is in, so the test can show every part was hit; Part names the record for tensor data.
    private static Func<long, (string Region, string Part)> Regions(byte[] file, bool safetensors)
    {
        if (safetensors)
        {
            long dataStart = 8 + BitConverter.ToInt64(file, 0);
            return i => i < 8 ? ("length", "") : i < dataStart ? ("header", "") : ("data", "");
        }
        var records = Ember.Serialization.Torch.ZipDirectory.Read(new MemoryStream(file), "fuzz");
        long cd = file.AsSpan().IndexOf((byte[])[0x50, 0x4b, 0x01, 0x02]);
        return i =>
        {
            if (i >= cd) return ("central directory and end records", "");
            var r = records.FirstOrDefault(r => i >= r.DataOffset && i < r.DataOffset + r.CompressedSize);
            return r is null ? ("local headers and descriptors", "") : r.Name.EndsWith("data.pkl", StringComparison.Ordinal) ? ("pickle", "") : ("data", r.Name);
        };
    }

    /// <summary>
    /// The guarantee of issue 12: flipped bits in a checkpoint are refused or change nothing. Every byte of
    /// every file outside the tensor data (zip headers, the pickle, descriptors, central directory, end
    /// records; the safetensors header) gets a flipped bit (a random 1200 of them in the larger files),
    /// as do 24 random bytes of each tensor record,
    /// plus 40 mutations of 2 to 6 random flips per file; each load must be refused or bit-identical to the original.
    /// </summary>
    private const int MaxStructuralFlips = 1200;

    [Fact]
    public void FlippedBytesAreRefusedOrLoadBitIdentical()
    {
        var rng = new Random(12);
        var files = FixtureFiles().Where(f => f.EndsWith(".pt", StringComparison.Ordinal))
            .Select(f => (Name: Path.GetFileName(Path.GetDirectoryName(f)!) + "/" + Path.GetFileName(f), Bytes: File.ReadAllBytes(f), Safetensors: false))
            .Append((Name: "ember, sha256", Bytes: SafeTensors.Serialize(new Dictionary<string, Tensor> { ["w"] = Tensor.From(new[] { -0.00223f, 1f }), ["i"] = Tensor.From(new[] { 3L }) },
                new Dictionary<string, string> { ["by"] = "ember" }, integrityHash: true), Safetensors: true))
            .ToList();
        Assert.Contains(files, f => f.Name.StartsWith("from_ember/", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Name.StartsWith("serialization/lenet", StringComparison.Ordinal));
        int refused = 0, identical = 0;
        foreach (var (name, src, st) in files)
        {
            object? reference = LoadOrRefuse(src, st, name);
            Assert.NotNull(reference);
            var regionOf = Regions(src, st);
            var regions = new (string Region, string Part)[src.Length];
            for (int i = 0; i < src.Length; i++) regions[i] = regionOf(i);
            var hits = new Dictionary<string, int>();
            var positions = new List<int[]>();
            for (int i = 0; i < src.Length; i++)
                if (regions[i].Region != "data") positions.Add([i]);
            // Larger files: a random 1200 of those bytes, to keep the test to seconds (every region is still asserted hit).
            if (positions.Count > MaxStructuralFlips)
                positions = positions.OrderBy(_ => rng.Next()).Take(MaxStructuralFlips).ToList();
            // Tensor data: a sample of each record's bytes (every one of them is covered by the same CRC-32 or hash).
            foreach (var group in Enumerable.Range(0, src.Length).Where(i => regions[i].Region == "data").GroupBy(i => regions[i].Part))
            {
                var all = group.ToArray();
                for (int k = 0; k < Math.Min(24, all.Length); k++) positions.Add([all[rng.Next(all.Length)]]);
            }
            for (int k = 0; k < 40; k++)
                positions.Add(Enumerable.Range(0, 2 + rng.Next(5)).Select(_ => rng.Next(src.Length)).ToArray());
            byte[] m = (byte[])src.Clone();
            foreach (int[] at in positions)
            {
                var bits = at.Select(_ => (byte)(1 << rng.Next(8))).ToArray();
                for (int j = 0; j < at.Length; j++) m[at[j]] ^= bits[j];
                bool changed = !m.AsSpan().SequenceEqual(src); // two flips may cancel
                if (changed)
                {
                    foreach (int i in at) hits[regions[i].Region] = hits.GetValueOrDefault(regions[i].Region) + 1;
                    object? loaded = LoadOrRefuse(m, st, name);
                    if (loaded is null) refused++;
                    else
                    {
                        string? diff = LoadedValues.Difference(reference, loaded);
                        Assert.True(diff is null, $"{name} with bits flipped at {string.Join(", ", at)} ({string.Join(", ", at.Select(i => regions[i].Region))}) loaded with changed values: {diff}");
                        identical++;
                    }
                }
                for (int j = 0; j < at.Length; j++) m[at[j]] ^= bits[j]; // undo, for the next mutation
            }
            string[] expected = st ? ["length", "header", "data"] : ["local headers and descriptors", "pickle", "data", "central directory and end records"];
            foreach (var r in expected) Assert.True(hits.GetValueOrDefault(r) > 0, $"{name}: no flip landed in the {r}");
        }
        Assert.True(refused > identical, $"{refused} refused, {identical} identical: most flips must be caught");
    }

    [Fact]
    public void MutatedPicklesInsideValidArchivesFailCleanly()
    {
        var rng = new Random(99);
        foreach (var file in FixtureFiles().Where(f => f.EndsWith(".pt", StringComparison.Ordinal)))
        {
            var records = ReadRecords(File.ReadAllBytes(file));
            string pkl = records.Keys.Single(k => k.EndsWith("/data.pkl", StringComparison.Ordinal));
            for (int i = 0; i < MutationsPerFile / 2; i++)
            {
                var m = Mutate(records[pkl], rng, out string what);
                TryLoad(Archive(records, pkl, m), ".pt", $"{Path.GetFileName(file)} data.pkl ({what})");
            }
        }
    }

    private static Dictionary<string, byte[]> ReadRecords(byte[] zip)
    {
        using var z = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return z.Entries.ToDictionary(e => e.FullName, e => { using var s = e.Open(); var ms = new MemoryStream(); s.CopyTo(ms); return ms.ToArray(); });
    }

    internal static byte[] Archive(Dictionary<string, byte[]> records, string replace, byte[] with)
    {
        var ms = new MemoryStream();
        var w = new StoredZipWriter(ms);
        foreach (var (k, v) in records) w.Add(k, k == replace ? with : v);
        w.Finish();
        return ms.ToArray();
    }

    internal static byte[] Evil(string pickle)
    {
        var records = new Dictionary<string, byte[]>
        {
            ["archive/data.pkl"] = Encoding.Latin1.GetBytes("\u0080\u0002" + pickle),
            ["archive/data/0"] = new byte[16],
            ["archive/version"] = "3\n"u8.ToArray(),
        };
        return Archive(records, "", []);
    }

    private static readonly string Storage4 = Py(@"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ");

    public static TheoryData<string, string, string> Hostile() => new()
    {
        { "os.system", Py(@"cos\nsystem\nX\x02\x00\x00\x00lsR."), "refusing global 'os.system'" },
        { "posix.system", Py(@"cposix\nsystem\nX\x02\x00\x00\x00lsR."), "refusing global 'posix.system'" },
        { "builtins.eval", Py(@"cbuiltins\neval\nX\x01\x00\x00\x001\x85R."), "refusing global 'builtins.eval'" },
        { "stack global", Py(@"\x8c\x0asubprocess\x8c\x05Popen\x93."), "refusing global 'subprocess.Popen'" },
        { "torch.load", Py(@"ctorch\nload\n."), "refusing global 'torch.load'" },
        { "legacy bytes loader", Py(@"ctorch.storage\n_load_from_bytes\n."), "refusing global 'torch.storage._load_from_bytes'" },
        { "call a storage class", Py(@"ctorch\nFloatStorage\n)R."), "refusing to call a torch.FloatStorage" },
        { "call a string", Py(@"X\x01\x00\x00\x00a)R."), "refusing to call a str" },
        { "OrderedDict with junk", Py(@"ccollections\nOrderedDict\nK\x05\x85R."), "OrderedDict called with unexpected arguments" },
        { "INST", Py(@"(ios\nsystem\n."), "refusing opcode 0x69 ('i')" },
        { "OBJ", Py(@"(cos\nsystem\no."), "refusing global 'os.system'" },
        { "NEWOBJ", Py(@"ccollections\nOrderedDict\n)\x81."), "refusing opcode 0x81" },
        { "EXT1", Py(@"\x82\x01."), "refusing opcode 0x82" },
        { "BUILD on a list", "]}b.", "BUILD on a list" },
        { "huge string", Py(@"X\xff\xff\xff\xff."), "runs past the end of the pickle" },
        { "huge bytes8", Py(@"\x8e\xff\xff\xff\xff\xff\xff\xff\x7f."), "runs past the end of the pickle" },
        { "missing memo", Py(@"j\x00\x00\x00\x10."), "memo entry 268435456 is missing" },
        { "missing record", Py(@"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x009X\x03\x00\x00\x00cpuK\x04tQ."), "no record archive/data/9" },
        { "storage bigger than record", Py(@"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuJ\x00\x00\x00\x10tQ."), "holds 16 bytes but the pickle describes" },
        { "tensor past its storage", Py(@"ctorch._utils\n_rebuild_tensor_v2\n(") + Storage4 + Py(@"K\x00J\xff\xff\xff\x7fK\x01\x86K\x01K\x01\x86\x89)t R.").Replace(" ", ""), "reaches element" },
        { "negative offset", Py(@"ctorch._utils\n_rebuild_tensor_v2\n(") + Storage4 + Py(@"J\xff\xff\xff\xffK\x01\x85K\x01\x85\x89)tR."), "storage offset -1" },
        { "sizes and strides differ", Py(@"ctorch._utils\n_rebuild_tensor_v2\n(") + Storage4 + Py(@"K\x00K\x01K\x01\x86K\x01\x85\x89)tR."), "2 sizes and 1 strides" },
        { "persistent id not storage", Py(@"X\x03\x00\x00\x00abcQ."), "persistent id that is not ('storage'" },
        { "stack underflow", "R.", "stack underflow" },
        { "no STOP", "}", "unexpected end of the pickle" },
        { "unsupported storage", Py(@"(X\x07\x00\x00\x00storagectorch\nComplexFloatStorage\n."), "unsupported storage type 'torch.ComplexFloatStorage'" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostilePicklesAreRefusedByNameWithoutRunningAnything(string what, string pickle, string message)
    {
        var e = TryLoad(Evil(pickle), ".pt", what);
        Assert.NotNull(e);
        Assert.Contains(message, e!.Message, StringComparison.Ordinal);
        Assert.Contains("data.pkl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedAndSelfReferencingPicklesLoadWithoutRecursing()
    {
        // 200,000 nested lists: the reader is not recursive, so this cannot overflow the stack.
        var sb = new StringBuilder();
        for (int i = 0; i < 200_000; i++) sb.Append(']');
        for (int i = 0; i < 199_999; i++) sb.Append('a');
        sb.Append('.');
        Assert.Null(TryLoad(Evil(sb.ToString()), ".pt", "deep"));
        var self = TorchFile.Load(new MemoryStream(Evil(Py(@"]q\x00h\x00a."))));
        var list = Assert.IsType<List<object?>>(self);
        Assert.Same(list, list[0]);
        TensorAssert.Throws<TensorFileException>(() => TorchFile.LoadStateDict(WriteTemp(Evil(Py(@"]q\x00h\x00a.")))), "holds a list, not a state dict");
    }

    // Pickle text written as Python writes bytes literals: \xHH is exactly one byte, \n a newline.
    internal static string Py(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s.Replace(@"\n", "\n"), @"\\x([0-9a-fA-F]{2})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    private static string WriteTemp(byte[] bytes)
    {
        string p = Path.Combine(Scratch, Guid.NewGuid().ToString("N") + ".pt");
        File.WriteAllBytes(p, bytes);
        return p;
    }

    [Fact]
    public void NonArchivesAreNamedForWhatTheyAre()
    {
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream([0x80, 0x02, (byte)'}', (byte)'.']), "old.pt"), "old.pt", "legacy");
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream("hello world"u8.ToArray()), "txt"), "not a PyTorch checkpoint");
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(new byte[2]), "tiny"), "too short");
        Assert.Throws<FileNotFoundException>(() => TorchFile.Load(Path.Combine(Scratch, "missing.pt")));
    }
}
