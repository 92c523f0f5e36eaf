using System.Numerics.Tensors;
using Xunit;
using SnTensor = System.Numerics.Tensors.Tensor;

namespace Ember.Tests;

/// <summary>Multi-dimensional .NET arrays and System.Numerics.Tensors.Tensor&lt;T&gt; in and out.</summary>
public class InteropArrayTests
{
    [Fact]
    public void ToArrayHasTheTensorsRankAndElementType()
    {
        var m = new float[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var back = Assert.IsType<float[,]>(Tensor.From(m).ToArray());
        Assert.Equal(m, back);
        var cube = new long[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } };
        Assert.Equal(cube, Assert.IsType<long[,,]>(Tensor.From(cube).ToArray()));
        Assert.Equal(new[] { 1.5, 2.5 }, Assert.IsType<double[]>(Tensor.From(new[] { 1.5, 2.5 }).ToArray()));
        Assert.Equal(new[,] { { true }, { false } }, Assert.IsType<bool[,]>(Tensor.From(new[,] { { true }, { false } }).ToArray()));
        Assert.Equal(new byte[,] { { 0, 255 } }, Assert.IsType<byte[,]>(Tensor.From(new byte[,] { { 0, 255 } }).ToArray()));
        Assert.Equal(new[,] { { 7 } }, Assert.IsType<int[,]>(Tensor.From(new[,] { { 7 } }).ToArray()));
        var high = (float[,,,,,,,])Tensor.Ones([1, 1, 1, 1, 1, 1, 2, 1]).ToArray();
        Assert.Equal(1f, high[0, 0, 0, 0, 0, 0, 1, 0]);
    }

    [Fact]
    public void ToArrayOfAViewIsRowMajorInTheViewsOrder()
    {
        var t = Tensor.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var tt = TestViews.Permuted(t, 1, 0);
        Assert.Equal(new float[,] { { 1, 4 }, { 2, 5 }, { 3, 6 } }, (float[,])tt.ToArray());
        var sliced = TestViews.NonContiguous(t);
        Assert.Equal(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, (float[,])sliced.ToArray());
    }

    [Fact]
    public void EmptyAndZeroDim()
    {
        var e = Assert.IsType<float[,]>(Tensor.Zeros(0, 3).ToArray());
        Assert.Equal(0, e.GetLength(0));
        Assert.Equal(3, e.GetLength(1));
        TensorAssert.Throws<InvalidOperationException>(() => Tensor.Scalar(1.5).ToArray(), "ToArray", "0-d", "Item");
        TensorAssert.Throws<NotSupportedException>(() => Tensor.Zeros(1, 1, 1, 1, 1, 1, 1, 1, 1).ToArray(), "ToArray", "9-D", "up to 8");
    }
}

public class InteropNumericsTensorTests
{
    [Fact]
    public void ToNumericsTensorKeepsShapeAndValues()
    {
        var t = Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Tensor<double> s = t.ToNumericsTensor<double>();
        Assert.Equal(new nint[] { 2, 3 }, s.Lengths.ToArray());
        var flat = new double[6];
        s.FlattenTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, flat);
        Assert.Equal(5.0, s[1, 1]);
        // A transposed view comes out dense, in the view's order; dtype converts like ToArray<T>.
        var st = TestViews.Permuted(t, 1, 0).ToNumericsTensor<float>();
        Assert.Equal(new nint[] { 3, 2 }, st.Lengths.ToArray());
        Assert.Equal(4f, st[0, 1]);
        var b = Tensor.From(new[] { true, false }).ToNumericsTensor<bool>();
        Assert.True(b[0]);
        Assert.False(b[1]);
        Assert.Equal(new nint[] { 0, 3 }, Tensor.Zeros(0, 3).ToNumericsTensor<float>().Lengths.ToArray());
        var scalar = Tensor.Scalar(2.5).ToNumericsTensor<double>();
        // System.Numerics.Tensors has no rank-0 tensors: a 0-d tensor becomes one element in 1-D.
        Assert.Equal(new nint[] { 1 }, scalar.Lengths.ToArray());
        Assert.Equal(2.5, Tensor.From(scalar).Item<double>());
    }

    [Fact]
    public void FromNumericsTensorReadsAnyStrides()
    {
        var dense = SnTensor.Create(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var t = Tensor.From(dense);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 2, 3 }, t.Shape.ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        // Column-major strides: logical element (i, j) is at j * 3 + i.
        var colMajor = SnTensor.Create(new long[] { 1, 2, 3, 4, 5, 6 }, [3, 2], [1, 3]);
        Assert.Equal(new long[] { 1, 4, 2, 5, 3, 6 }, Tensor.From(colMajor).ToArray<long>());
        // Round trip through the span type.
        var span = new ReadOnlyTensorSpan<int>(new[] { 7, 8, 9, 10 }, [2, 2]);
        var fromSpan = Tensor.From(span);
        Assert.Equal(DType.Int32, fromSpan.DType);
        Assert.Equal(new[,] { { 7, 8 }, { 9, 10 } }, (int[,])fromSpan.ToArray());
        var bools = Tensor.From(SnTensor.Create(new[] { true, false, true }, [3]));
        Assert.Equal(DType.Bool, bools.DType);
        Assert.Equal(new[] { true, false, true }, bools.ToArray<bool>());
        var empty = Tensor.From(SnTensor.Create(Array.Empty<double>(), [2, 0]));
        Assert.Equal(new[] { 2, 0 }, empty.Shape.ToArray());
    }

    [Fact]
    public void UnsupportedElementTypesAreRefused()
    {
        TensorAssert.Throws<NotSupportedException>(() => Tensor.From(SnTensor.Create(new short[] { 1, 2 }, [2])), "Tensor.From", "Int16");
        TensorAssert.Throws<NotSupportedException>(() => Tensor.Zeros(2).ToNumericsTensor<short>(), "ToNumericsTensor", "Int16");
    }
}
