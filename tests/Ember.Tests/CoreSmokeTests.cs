using Ember.Backends;
using Xunit;

namespace Ember.Tests;

public class CoreSmokeTests
{
    [Fact]
    public void FromArrayKeepsShapeAndValues()
    {
        var t = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(new[] { 2, 3 }, t.Shape.ToArray());
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void BroadcastBinaryOverStridedOperands()
    {
        var a = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Tensor.From(new double[] { 10, 20, 30 });
        var s = Tensor.BinaryOp(BinaryOp.Add, a, b, "add");
        Assert.Equal(new double[] { 11, 22, 33, 14, 25, 36 }, s.ToArray<double>());
        var at = a.WithLayout(a.Layout.Transpose(0, 1)); // 3x2, non-contiguous
        var col = Tensor.From(new double[,] { { 100 }, { 200 }, { 300 } });
        var r = Tensor.BinaryOp(BinaryOp.Mul, at, col, "mul");
        Assert.Equal(new double[] { 100, 400, 400, 1000, 900, 1800 }, r.ToArray<double>());
    }

    [Fact]
    public void PromotionFollowsPyTorch()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        Assert.Equal(DType.Float32, Tensor.BinaryOp(BinaryOp.Mul, i, 2.5, "mul").DType);
        var f = Tensor.From(new float[] { 1, 2 });
        Assert.Equal(DType.Float32, Tensor.BinaryOp(BinaryOp.Mul, f, Tensor.Scalar(2.0, DType.Float64), "mul").DType);
        Assert.Equal(DType.Float64, Tensor.BinaryOp(BinaryOp.Mul, f, Tensor.From(new double[] { 1, 1 }), "mul").DType);
        Assert.Equal(DType.Bool, Tensor.BinaryOp(BinaryOp.Lt, f, 1.5, "lt").DType);
    }

    [Fact]
    public void BroadcastErrorNamesOpAndShapes()
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(2, 4);
        TensorAssert.Throws<ArgumentException>(() => Tensor.BinaryOp(BinaryOp.Add, a, b, "add"), "add", "[2, 3]", "[2, 4]", "dimension 1");
    }

    [Fact]
    public void CudaIsRefusedClearly()
    {
        Assert.Equal(Device.Cuda(1), Device.Parse("cuda:1"));
        TensorAssert.Throws<DeviceUnavailableException>(() => Tensor.Zeros([2], device: Device.Parse("cuda:0")), "cuda:0", "not available");
    }
}

public class WrappedNumberTests
{
    [Fact]
    public void NumbersPromoteLikePythonScalars()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        Assert.Equal(DType.Float32, Tensor.BinaryOp(Ember.Backends.BinaryOp.Mul, i, (Tensor)2.5, "mul").DType);
        var u = Tensor.From(new byte[] { 1, 2 });
        Assert.Equal(DType.UInt8, Tensor.BinaryOp(Ember.Backends.BinaryOp.Add, u, (Tensor)300, "add").DType);
        var d = Tensor.From(new double[] { 1, 2 });
        Assert.Equal(DType.Float64, Tensor.BinaryOp(Ember.Backends.BinaryOp.Add, d, (Tensor)1.5f, "add").DType);
    }
}

public class WrappedNumberPrecisionTests
{
    [Fact]
    public void WrappedDoubleKeepsFullPrecisionForFloat64Tensors()
    {
        var d = Tensor.From(new double[] { 1 });
        Assert.Equal(1 + 0.1, Tensor.BinaryOp(Ember.Backends.BinaryOp.Add, d, (Tensor)0.1, "add").ToArray<double>()[0]);
    }
}
