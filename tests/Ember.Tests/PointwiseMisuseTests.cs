using Xunit;

namespace Ember.Tests;

public class PointwiseMisuseTests
{
    private static readonly Tensor B = Tensor.From(new[] { true, false });
    private static readonly Tensor I = Tensor.From(new long[] { 3, -2 });
    private static readonly Tensor F = Tensor.From(new float[] { 1.5f, -2f });

    [Fact]
    public void BoolSubtractionAndNegation()
    {
        TensorAssert.Throws<ArgumentException>(() => _ = B - B, "sub", "with two bool tensors is not supported", "LogicalXor");
        TensorAssert.Throws<ArgumentException>(() => _ = I - true, "sub", "with a bool tensor is not supported", "LogicalNot");
        TensorAssert.Throws<ArgumentException>(() => _ = B - 1, "with a bool tensor");
        TensorAssert.Throws<ArgumentException>(() => _ = -B, "neg", "Negation, the `-` operator, on a bool tensor is not supported");
        TensorAssert.Throws<ArgumentException>(() => B.Clone().Neg_(), "neg_", "bool tensor");
        TensorAssert.Throws<NotSupportedException>(() => B.Abs(), "abs", "torch.bool");
        TensorAssert.Throws<NotSupportedException>(() => B.Relu(), "relu", "Boolean inputs not supported");
        TensorAssert.Throws<NotSupportedException>(() => B.Clamp(false, true), "clamp", "torch.bool");
        Assert.Equal(new long[] { 0, 0 }, B.Clamp(max: 0).ToArray<long>());         // bool with int bounds is int64
    }

    [Fact]
    public void DivisionArguments()
    {
        TensorAssert.Throws<ArgumentException>(() => F.Div(2, "round"), "div", "rounding_mode", "\"round\"");
        TensorAssert.Throws<NotSupportedException>(() => B.Div(B, "trunc"), "div", "trunc", "torch.bool");
        TensorAssert.Throws<DivideByZeroException>(() => I.Div(Tensor.From(new long[] { 0, 1 }), "floor"), "div", "ZeroDivisionError", "torch.int64");
        var ic = I.Clone();
        TensorAssert.Throws<DivideByZeroException>(() => ic.Div_(Tensor.From(new long[] { 1, 0 }), "trunc"), "div_", "ZeroDivisionError");
        Assert.Equal(new long[] { 3, -2 }, ic.ToArray<long>());     // refused before anything was written
        Assert.Equal(new[] { float.PositiveInfinity, float.NegativeInfinity }, (I / 0).ToArray<float>()); // true division does not throw
    }

    [Fact]
    public void AlphaChecks()
    {
        TensorAssert.Throws<ArgumentException>(() => I.Add(I, 0.5), "add", "For integral input tensors, argument alpha must not be a floating point number");
        TensorAssert.Throws<ArgumentException>(() => F.Add(F, true), "add", "Boolean alpha only supported for Boolean results");
        TensorAssert.Throws<ArgumentException>(() => I.Clone().Sub_(I, 1.5), "sub_", "alpha");
        Assert.Equal(new[] { true, false }, B.Add(B, 2).ToArray<bool>());
    }

    [Fact]
    public void PowBitwiseAndRound()
    {
        TensorAssert.Throws<ArgumentException>(() => I.Pow(-2), "pow", "Integers to negative integer powers are not allowed");
        TensorAssert.Throws<NotSupportedException>(() => _ = F & F, "bitwise_and", "torch.float32", "integer or bool");
        TensorAssert.Throws<NotSupportedException>(() => _ = I | 1.5, "bitwise_or", "torch.float32");
        TensorAssert.Throws<NotSupportedException>(() => _ = ~F, "bitwise_not", "torch.float32");
        TensorAssert.Throws<NotSupportedException>(() => I.Round(1), "round", "decimals", "torch.int64");
    }

    [Fact]
    public void TernaryArguments()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Where(F, F, F), "where", "expected condition to be a boolean tensor", "torch.float32");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Where(Tensor.From(new byte[] { 1, 0 }), F, F), "where", "torch.uint8");
        TensorAssert.Throws<NotSupportedException>(() => I.Lerp(I, 0.5), "lerp", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => F.Lerp(F.Double(), 0.5), "lerp", "expected dtype torch.float32 for `end` but got dtype torch.float64");
        TensorAssert.Throws<ArgumentException>(() => F.Lerp(F, Tensor.Scalar(0.5, DType.Float64)), "lerp", "for `weight`", "torch.float64");
        TensorAssert.Throws<ArgumentException>(() => I.Addcdiv(I, I), "addcdiv", "Integer division with addcdiv is no longer supported", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => F.Clamp(), "clamp", "At least one of 'min' or 'max'");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Zeros([3], DType.Bool), F, F), "where", "[3]", "[2]");
        TensorAssert.Throws<ArgumentException>(() => F.Addcmul(Tensor.Ones(3), F), "addcmul", "[3]");
    }

    [Fact]
    public void BroadcastingAndNulls()
    {
        TensorAssert.Throws<ArgumentException>(() => _ = Tensor.Zeros(2, 3) + Tensor.Zeros(2, 4), "add", "[2, 3]", "[2, 4]", "dimension 1");
        TensorAssert.Throws<ArgumentException>(() => _ = Tensor.Zeros(2, 3) < Tensor.Zeros(2), "lt", "[2, 3]", "[2]");
        Assert.Throws<ArgumentNullException>(() => F.Add(null!));
        Assert.Throws<ArgumentNullException>(() => Tensor.Where(null!, F, F));
        Assert.Throws<ArgumentNullException>(() => F.Addcmul(F, null!));
    }
}

public class PointwiseOperatorTests
{
    [Fact]
    public void NumbersWorkOnEitherSide()
    {
        var x = Tensor.From(new float[] { 1, 2, 4 });
        Assert.Equal(new float[] { 3, 4, 6 }, (x + 2).ToArray<float>());
        Assert.Equal(new float[] { 3, 4, 6 }, (2 + x).ToArray<float>());
        Assert.Equal(new float[] { 0, -1, -3 }, (1 - x).ToArray<float>());
        Assert.Equal(new float[] { 2, 4, 8 }, (2 * x).ToArray<float>());
        Assert.Equal(new float[] { 4, 2, 1 }, (4 / x).ToArray<float>());
        Assert.Equal(new float[] { -1, -2, -4 }, (-x).ToArray<float>());
        Assert.Equal(new[] { true, false, false }, (x < 1.5).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, (2 <= x).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, (x > 2).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, (x >= 2.0f).ToArray<bool>());
        Assert.Equal(new float[] { 1, 2, 2 }, Tensor.Minimum(x, 2).ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 4 }, Tensor.Maximum(2, x).ToArray<float>());
        Assert.Equal(new[] { true, false, false }, (!x.Ne(1)).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, ((x > 1) & (x < 3)).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, ((x < 2) | (x > 3)).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, x.Eq(Tensor.From(new float[] { 1, 0, 4 })).ToArray<bool>());
        Assert.Equal(new long[] { 4, 4, 12 }, (Tensor.From(new long[] { 5, 6, 12 }) & 12).ToArray<long>());
    }

    [Fact]
    public void EqualityOperatorsStayReferenceEquality()
    {
        var x = Tensor.From(new float[] { 1 });
        var y = Tensor.From(new float[] { 1 });
#pragma warning disable CS1718 // comparison to the same variable is the point
        Assert.True(x == x);
#pragma warning restore CS1718
        Assert.False(x == y);
        Assert.True(x != y);
        Assert.True(x.Eq(y).ToArray<bool>()[0]);
    }
}
