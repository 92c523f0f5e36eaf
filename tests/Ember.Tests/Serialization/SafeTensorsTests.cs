using System.Buffers.Binary;
using System.Text;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>safetensors: reading files in the reference layout, writing it byte for byte, refusing malformed files.</summary>
public class SafeTensorsTests
{
    private static readonly Golden G = Golden.Load("serialization");

    [Fact]
    public void EveryDTypeLoadsWithItsValues()
    {
        var d = SafeTensors.Load(Fixtures.Path_("dtypes.safetensors"));
        Assert.Equal(12, d.Count);
        foreach (var (k, v) in d) TensorAssert.Equal(G["dtypes." + k], v);
    }

    [Fact]
    public void OpenReadsTheHeaderAndMetadataAndTensorsOneByOne()
    {
        using var f = SafeTensors.Open(Fixtures.Path_("meta.safetensors"));
        Assert.Equal(new[] { "b", "w" }, f.Keys);                           // I64 sorts before F32
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal("ünïcode \"quoted\"", f.Metadata["note"]);
        TensorAssert.Equal(Tensor.Arange(0, 6, dtype: DType.Float32).Reshape(2, 3), f.GetTensor("w"));
        TensorAssert.Throws<KeyNotFoundException>(() => f.GetTensor("nope"), "'nope'", "'b', 'w'");
    }

    [Fact]
    public void WritesTheReferenceLayoutByteForByte()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.Arange(0, 6, dtype: DType.Float32).Reshape(2, 3),
            ["b"] = Tensor.From(new long[] { 1, 2 }),
        };
        byte[] mine = SafeTensors.Serialize(tensors, new Dictionary<string, string> { ["note"] = "ünïcode \"quoted\"", ["format"] = "pt" });
        Assert.Equal(File.ReadAllBytes(Fixtures.Path_("meta.safetensors")), mine);
    }

    [Fact]
    public void RoundTripsViewsAsTheirOwnElements()
    {
        string dir = Fixtures.TempDir();
        var b = Tensor.Arange(0, 12, dtype: DType.Float64).Reshape(3, 4);
        var d = new Dictionary<string, Tensor> { ["t"] = b.T, ["col"] = b[.., 1], ["flag"] = b > 5, ["empty"] = Tensor.Zeros(0, 2) };
        SafeTensors.Save(d, Path.Combine(dir, "x.safetensors"));
        var r = SafeTensors.Load(Path.Combine(dir, "x.safetensors"));
        foreach (var (k, v) in d) TensorAssert.Equal(v.Contiguous(), r[k]);
        Directory.Delete(dir, true);
    }

    private static byte[] File_(string header, int dataBytes, ulong? claimed = null, byte lastByte = 0)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var r = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(r, claimed ?? (ulong)h.Length);
        h.CopyTo(r, 8);
        if (dataBytes > 0) r[^1] = lastByte;
        return r;
    }

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "short", [1, 2, 3], "too short" },
        { "header beyond file", File_("{}", 0, 1000), "claims 1000 bytes but the file has only 2" },
        { "huge header", File_("{}", 0, ulong.MaxValue), "more than the format's limit of 100000000" },
        { "not an object", File_("[1]", 0), "does not start with '{'" },
        { "bad json", File_("{\"a\":", 0), "not valid JSON" },
        { "unknown dtype", File_("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype 'Q7'" },
        { "shape mismatch", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes but data_offsets [0, 4] span 4" },
        { "out of range", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 2), "cover 4 bytes but the data buffer holds 2" },
        { "overlap", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 6), "expected to start at 4" },
        { "gap", File_("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "expected to start at 0" },
        { "huge shape", File_("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8), "overflows" },
        { "negative offset", File_("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]}}", 1), "not a non-negative integer" },
        { "metadata not strings", File_("{\"__metadata__\":{\"a\":1}}", 0), "__metadata__ value 'a' is not a string" },
        { "duplicate key", File_("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "appears twice" },
        { "bad bool", File_("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, lastByte: 7), "bytes other than 0 and 1" },
        { "u64", File_("{\"a\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "dtype U64, which Ember cannot represent" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedFilesAreRefusedWithTheProblemNamed(string what, byte[] bytes, string message)
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, what.Replace(' ', '_') + ".safetensors");
        File.WriteAllBytes(path, bytes);
        var ex = TensorAssert.Throws<TensorFileException>(() => SafeTensors.Load(path), message);
        Assert.Equal(path, ex.FilePath);
        Directory.Delete(dir, true);
    }
}

/// <summary>safetensors loading that touches only what it is asked for, and modules loading its output.</summary>
public class SafeTensorsMappingTests
{
    [Fact]
    public void OpeningAHugeFileReadsOnlyTheHeaderAndOneTensorCopiesOnlyItself()
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "huge.safetensors");
        const long big = 1L << 28; // 256 MiB of (sparse) zeros that must never be read
        byte[] header = Encoding.UTF8.GetBytes($"{{\"big\":{{\"dtype\":\"U8\",\"shape\":[{big}],\"data_offsets\":[0,{big}]}},\"small\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[{big},{big + 8}]}}}}");
        using (var fs = new FileStream(path, FileMode.CreateNew))
        {
            Span<byte> n = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(n, (ulong)header.Length);
            fs.Write(n); fs.Write(header);
            fs.SetLength(8 + header.Length + big + 8);
            fs.Position = 8 + header.Length + big;
            fs.Write(BitConverter.GetBytes(1.5f)); fs.Write(BitConverter.GetBytes(-2f));
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var f = SafeTensors.Open(path))
        {
            Assert.Equal(new[] { 1L << 28 }, f.Tensors[0].Shape.Select(d => (long)d));
            TensorAssert.Equal(Tensor.From(new[] { 1.5f, -2f }), f.GetTensor("small"));
        }
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "opening and reading one small tensor allocated more than 1 MiB");
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AModuleLoadsWhatSafeTensorsReturns()
    {
        string dir = Fixtures.TempDir();
        var a = new Ember.NN.Linear(3, 2);
        SafeTensors.Save(a.StateDict(), Path.Combine(dir, "m.safetensors"));
        var b = new Ember.NN.Linear(3, 2);
        b.LoadStateDict(SafeTensors.Load(Path.Combine(dir, "m.safetensors")));
        TensorAssert.Equal(a.Weight.Detach(), b.Weight.Detach());
        TensorAssert.Equal(a.Bias!.Detach(), b.Bias!.Detach());
        Directory.Delete(dir, true);
    }
}
