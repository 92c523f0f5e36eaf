using System.Reflection;
using Ember.Backends;
using Ember.NN;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// Shapes whose element count overflows 64 bits (so a wrapped product would look small, or zero) or
/// exceeds what one .NET array holds are refused by every op that makes a shape, naming the op and the
/// shape, never built into a tensor that lies about its size. None of these tests allocates more than
/// a few hundred KiB: the big shapes are refused before any storage exists, or are expanded views.
/// </summary>
public class ShapeArithmeticTests
{
    private const string Overflow = "numel: integer multiplication overflow";
    private static readonly string Limit = $"Ember's CPU storage holds at most {Array.MaxLength} elements per tensor";

    [Fact]
    public void ZerosWhoseSizesMultiplyToZeroIn64BitsIsRefused()
    {
        // 65536^4 = 2^64, which is 0 in 64-bit arithmetic: the tensor was accepted with Numel() == 0.
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(65536, 65536, 65536, 65536),
            "zeros: shape [65536, 65536, 65536, 65536] has 18446744073709551616 elements", Overflow, Limit);
    }

    [Fact]
    public void RandnWhoseSizesWrapToFourIsRefused()
    {
        // 2147418113 * 1718039348 * 5 wraps around 2^64 to 4: the tensor was accepted with Numel() == 4.
        TensorAssert.Throws<ArgumentException>(() => Tensor.Randn(2147418113, 1718039348, 5),
            "randn: shape [2147418113, 1718039348, 5]", Overflow, Limit);
    }

    [Fact]
    public void ATensorBeyondOneArrayIsRefusedSayingSo()
    {
        var e = TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3, 1000000000),
            "zeros: shape [3, 1000000000] has 3000000000 elements; ", Limit, "one .NET array");
        Assert.DoesNotContain(Overflow, e.Message); // 3e9 fits in 64 bits: only the array limit is at fault
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LinspaceAndLogspaceBeyondOneArrayAreRefusedSayingSo(DType dtype)
    {
        // They fill a managed array before the tensor exists: that array used to fail with the runtime's
        // bare "Array dimensions exceeded supported range".
        TensorAssert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, int.MaxValue, dtype), "linspace: shape [2147483647]", Limit);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Logspace(0, 1, int.MaxValue, dtype: dtype), "logspace: shape [2147483647]", Limit);
    }

    [Theory]
    [InlineData("ones")]
    [InlineData("full")]
    [InlineData("empty")]
    [InlineData("rand")]
    [InlineData("eye")]
    public void EveryFactoryChecksItsShape(string factory)
    {
        int[] shape = [65536, 65536, 65536, 65536];
        Action make = factory switch
        {
            "ones" => () => Tensor.Ones(shape),
            "full" => () => Tensor.Full(shape, 2.0),
            "empty" => () => Tensor.Empty(shape),
            "eye" => () => Tensor.Eye(65536, 65536),
            _ => () => Tensor.Rand(shape),
        };
        TensorAssert.Throws<ArgumentException>(make, $"{factory}: shape [65536, 65536", Limit);
    }

    [Fact]
    public void AnEmptyShapeWithHugeOtherSizesIsEmptyNotAnOverflow()
    {
        Assert.Equal(0, Tensor.Zeros(65536, 65536, 0).Numel());
        Assert.Equal(0, Tensor.Zeros(2000000000, 0).Numel());
        // Ember's strides are 32-bit: an empty shape whose row-major strides would pass that is refused.
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(0, 65536, 65536), "zeros: shape [0, 65536, 65536] has 0 elements", "strides");
    }

    [Fact]
    public void ViewAndReshapeDoNotMatchAWrappedProduct()
    {
        var x = Tensor.Zeros(4);
        TensorAssert.Throws<ArgumentException>(() => x.View(2147418113, 1718039348, 5), "view: shape '[2147418113, 1718039348, 5]' is invalid for input of size 4");
        TensorAssert.Throws<ArgumentException>(() => x.Reshape(2147418113, 1718039348, 5), "reshape: shape '[2147418113, 1718039348, 5]' is invalid for input of size 4");
        TensorAssert.Throws<ArgumentException>(() => x.View(65536, 65536, 65536, 65536, -1), "view: shape '[65536, 65536, 65536, 65536, -1]' is invalid for input of size 4");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(0).Reshape(0, 65536, 65536), "reshape: shape [0, 65536, 65536]");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(2, 4).Unflatten(1, 65536, 65536, 65536, 65536), "unflatten", "don't multiply up to the size of dim 1 (4)");
    }

    [Fact]
    public void ExpandChecksTheCountItsZeroStridesClaim()
    {
        var one = Tensor.Zeros(1);
        TensorAssert.Throws<ArgumentException>(() => one.Expand(65536, 65536, 65536, 65536), "expand: shape [65536, 65536, 65536, 65536]", Overflow);
        TensorAssert.Throws<ArgumentException>(() => one.Expand(65536, 65536), "expand: shape [65536, 65536] has 4294967296 elements", Limit);
        Assert.Equal(2000000000L, one.Expand(2000000000).Numel()); // within the limit: still a view of one element
    }

    [Fact]
    public void BroadcastResultsAreChecked()
    {
        // Each operand is 256 KiB; their broadcast shape would be 2^32 elements.
        var col = Tensor.Zeros(65536, 1);
        var row = Tensor.Zeros(1, 65536);
        TensorAssert.Throws<ArgumentException>(() => _ = col + row, "add: shape [65536, 65536] has 4294967296 elements", Limit);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Where(col > 0, col, row), "[65536, 65536]", Limit);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Outer(Tensor.Zeros(65536), Tensor.Zeros(65536)), "outer: shape [65536, 65536]", Limit);
    }

    [Fact]
    public void MatMulOutputsAreChecked()
    {
        var a = Tensor.Zeros(65536, 1);
        var b = Tensor.Zeros(1, 65536);
        TensorAssert.Throws<ArgumentException>(() => a.MatMul(b), "matmul: shape [65536, 65536] has 4294967296 elements", Limit);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mm(a, b), "mm: shape [65536, 65536]", Limit);
    }

    [Fact]
    public void RepeatCatAndStackOutputsAreChecked()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).Repeat(65536, 65536), "repeat: shape [131072, 131072] has 17179869184 elements", Limit);
        // Empty inputs whose lengths along dim 0 add past a 32-bit size: nothing is allocated either way.
        var empty = Tensor.Zeros(2000000000, 0);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([empty, empty]), "cat: the sizes along dim 0 add up to 4000000000");
        // Expanded views of one element, stacked: the result would need 3e9 elements.
        var wide = Tensor.Zeros(1).Expand(1500000000);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Stack([wide, wide]), "stack: shape [2, 1500000000] has 3000000000 elements", Limit);
    }

    [Fact]
    public void ConvolutionSizesDoNotWrap()
    {
        var x = Tensor.Zeros(1, 1, 4, 4);
        var w = Tensor.Zeros(1, 1, 3, 3);
        // 4 + 2 * (2^31 - 1) wrapped to 2 in 32 bits, a "padded input" smaller than the kernel.
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(x, w, padding: int.MaxValue), "conv2d: the output size per channel would be 4294967296");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose2d(x, w, stride: 1 << 30), "conv_transpose2d: the output size per channel would be 3221225475");
    }

    [Fact]
    public void AnIm2ColBufferBeyondOneArrayIsRefusedNamingTheConvolution()
    {
        // A 1x1 input padded to 801x801 under a 256x256 kernel at stride 2: 273x273 outputs, each reading
        // 65536 taps, so one sample's unfolded input would be 65536 * 74529 elements (the tensors are
        // small). The stride keeps the direct kernel from applying, so im2col is asked for its buffer.
        var x = Tensor.Zeros(1, 1, 1, 1);
        var w = Tensor.Zeros(2, 1, 256, 256);
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(x, w, stride: 2, padding: 400),
            "convolution: the unfolded input of one sample (im2col buffer", "input [1, 1, 1, 1] and weight [2, 1, 256, 256]", "one .NET array");
    }

    [Fact]
    public void PaddingAndInterpolationSizesDoNotWrap()
    {
        var x = Tensor.Zeros(1, 1, 4);
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [int.MaxValue, int.MaxValue]), "pad: The input size 4, plus padding 2147483647 and 2147483647 gives 4294967298 elements");
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [2000000000, 2000000000], "replicate"), "pad: The input size 4, plus padding");
        TensorAssert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(2, 4), [1500000000, 0], "replicate"), "pad: shape [2, 1500000004] has 3000000008 elements", Limit);
        TensorAssert.Throws<ArgumentException>(() => F.Interpolate(x, scaleFactor: [1e10]), "interpolate: input size 4 times scale_factor 10000000000");
    }

    [Fact]
    public void TheProductHelperNeverWraps()
    {
        Assert.Equal(-1, ShapeMath.Product([65536, 65536, 65536, 65536]));
        Assert.Equal(-1, ShapeMath.Product([2147418113, 1718039348, 5]));
        Assert.Equal(0, ShapeMath.Product([2147418113, 1718039348, 5, 0]));
        Assert.Equal(1, ShapeMath.Product([]));
        Assert.Equal(int.MaxValue * 2L * int.MaxValue, ShapeMath.Product([int.MaxValue, 2, int.MaxValue]));
        Assert.Equal(-2, ShapeMath.LastElement([3, 3], [int.MaxValue, int.MaxValue], long.MaxValue - 10));
        Assert.Equal(-1, ShapeMath.LastElement([3, 0], [1, 1], 0));
        Assert.Equal(5 + 2 * 7 + 1 * 1, ShapeMath.LastElement([3, 2], [7, 1], 5));
    }

    [Fact]
    public void AFailedAllocationNamesTheOpTheShapeAndTheBytes()
    {
        // A backend that refuses every allocation, as the runtime does when memory runs out: no real
        // gigabytes are asked for. The proxy implements Ember's internal backend interface.
        var backend = DispatchProxy.Create<IBackend, OutOfMemoryBackend>();
        var layout = Layout.Contiguous([50000, 40000]);
        var e = TensorAssert.Throws<OutOfMemoryException>(
            () => Tensor.AllocateStorage(backend, DType.Float64, layout, uninitialized: false, "zeros"),
            "zeros: out of memory allocating a torch.float64 tensor of shape [50000, 40000]", "2000000000 elements", "16000000000 bytes (14.9 GiB)");
        Assert.IsType<OutOfMemoryException>(e.InnerException);
    }

    /// <summary>Stands in for a backend whose memory has run out.</summary>
    public class OutOfMemoryBackend : DispatchProxy
    {
        /// <inheritdoc/>
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "Allocate" => throw new OutOfMemoryException("Array dimensions exceeded supported range."),
            "get_Device" => Device.Cpu,
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
