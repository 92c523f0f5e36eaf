using System.Text;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// Crafted files whose tensor shapes overflow 64-bit arithmetic (so a wrapped product would look small)
/// or exceed one .NET array are refused, naming the tensor and its shape, before any tensor is built.
/// PyTorch refuses them too ("numel: integer multiplication overflow").
/// </summary>
public class ShapeOverflowTests
{
    // A pickle for _rebuild_tensor_v2 over a float storage of 4 elements with the given sizes and strides.
    private static byte[] TorchFileWith(long[] size, long[] stride)
    {
        static string Int(long v) => "J" + Encoding.Latin1.GetString(BitConverter.GetBytes((int)v));
        static string Tuple(long[] xs) => "(" + string.Concat(xs.Select(Int)) + "t";
        string storage = FuzzTests.Py(@"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x04tQ");
        string pickle = FuzzTests.Py(@"ctorch._utils\n_rebuild_tensor_v2\n(") + storage + FuzzTests.Py(@"K\x00") + Tuple(size) + Tuple(stride) + FuzzTests.Py(@"\x89)tR.");
        return FuzzTests.Evil(pickle);
    }

    [Fact]
    public void AShapeWhoseProductWrapsToASmallNumberIsRefused()
    {
        // 2147418113 * 1718039348 * 5 wraps around 2^64; with zero strides every element "fits" a 4-element storage.
        var f = TorchFileWith([2147418113, 1718039348, 5], [0, 0, 0]);
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "wrap.pt"),
            "wrap.pt", "archive/data.pkl", "storage '0'", "size (2147418113, 1718039348, 5)", "numel overflows");
    }

    [Fact]
    public void AShapeWhoseProductWrapsToZeroIsRefused()
    {
        var f = TorchFileWith([65536, 65536, 65536, 65536], [0, 0, 0, 0]);
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "zero.pt"), "size (65536, 65536, 65536, 65536)", "numel overflows");
    }

    [Fact]
    public void AnExpandedShapeBeyondOneArrayIsRefused()
    {
        var f = TorchFileWith([65536, 65536], [0, 0]);
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "big.pt"), "size (65536, 65536)", "4294967296 elements", "beyond the 2^31-element limit of one .NET array");
    }

    [Fact]
    public void AStorageExtentPastTheStorageIsRefused()
    {
        var f = TorchFileWith([2, 2], [2147483647, 1]);
        TensorAssert.Throws<TensorFileException>(() => TorchFile.Load(new MemoryStream(f), "far.pt"), "stride (2147483647, 1)", "reaches element 2147483648 of a storage of 4");
    }

    [Fact]
    public void ACheckpointWithAnOverflowingShapeIsRefused()
    {
        string path = Path.Combine(Fixtures.TempDir(), "ck.pt");
        File.WriteAllBytes(path, TorchFileWith([65536, 65536, 65536, 65536], [0, 0, 0, 0]));
        TensorAssert.Throws<TensorFileException>(() => Checkpoint.Load(path), path, "numel overflows");
    }

    [Theory]
    [InlineData("[65536,65536,65536,65536]", "numel overflows")]
    [InlineData("[2147418113,1718039348,5]", "numel overflows")]
    public void ASafeTensorsShapeWhoseProductOverflowsIsRefused(string shape, string message)
    {
        string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,16]}}";
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + 16];
        BitConverter.GetBytes((long)h.Length).CopyTo(file, 0);
        h.CopyTo(file, 8);
        string path = Path.Combine(Fixtures.TempDir(), "w.safetensors");
        File.WriteAllBytes(path, file);
        TensorAssert.Throws<TensorFileException>(() => SafeTensors.Load(path), path, "tensor 'w'", $"shape {shape.Replace(",", ", ")}", message);
    }
}
