using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>The functional forms (Ember.NN.F) and the ops under them against PyTorch 1.13 (tests/golden/nn_functional.py).</summary>
[Collection("DefaultGenerator")]
public class NNFunctionalTests
{
    private static readonly Golden G = Golden.Load("nn_functional");

    [Fact]
    public void ErfMatchesPyTorchOverItsWholeRange()
    {
        TensorAssert.Close(G["erf_f64_y"], G["erf_f64_x"].Erf(), 1e-14, 1e-30);
        TensorAssert.Close(G["erf_f32_y"], G["erf_f32_x"].Erf(), 2e-7, 1e-37);
        TensorAssert.Equal(Tensor.From(new[] { double.NaN, 1, -1 }), Tensor.From(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity }).Erf());
        Assert.Equal(DType.Float32, Tensor.From(new long[] { 1 }).Erf().DType);
        Assert.True(double.IsNegative(Tensor.From(new[] { -0.0 }).Erf().Item<double>()));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void SoftmaxIsStableWithExtremeValuesAndAllMinusInfinityRows(string dn)
    {
        var x = G[$"big_{dn}_x"];
        TensorAssert.Close(G[$"big_{dn}_softmax"], F.Softmax(x, 1));
        TensorAssert.Close(G[$"big_{dn}_log_softmax"], F.LogSoftmax(x, 1));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void SoftmaxOverEveryDimOfA3dTensor(string dn)
    {
        var t = G[$"t3_{dn}_x"];
        for (int d = 0; d < 3; d++)
        {
            TensorAssert.Close(G[$"t3_{dn}_softmax_{d}"], F.Softmax(t, d));
            TensorAssert.Close(G[$"t3_{dn}_log_softmax_{d}"], F.LogSoftmax(t, d));
            // A non-contiguous view gives the same values.
            TensorAssert.Close(G[$"t3_{dn}_softmax_{d}"], t.Transpose(0, 2).Contiguous().Transpose(0, 2).Softmax(d));
        }
        TensorAssert.Close(G[$"t3_{dn}_softmax_implicit"], F.Softmax(t));
        TensorAssert.Close(G[$"t3_{dn}_log_softmax_implicit"], F.LogSoftmax(t.Reshape(4, 30)));
    }

    [Fact]
    public void SoftmaxConvertsToTheRequestedDType()
    {
        var y = F.Softmax(G["t3_f32_x"], 2, DType.Float64);
        Assert.Equal(DType.Float64, y.DType);
        TensorAssert.Close(G["t3_f32_softmax_2_as_f64"], y);
    }

    [Fact]
    public void SoftmaxOfLargeTensorsTakesTheParallelPathAndAgrees()
    {
        Tensor.ManualSeed(1);
        var wide = Tensor.Randn(64, 1000);
        TensorAssert.Equal(G["wide_x_head"], wide[0, ..10]);
        TensorAssert.Close(G["wide_softmax_rows"], F.Softmax(wide, 1).IndexSelect(0, Tensor.Arange(0, 64, 8)));
        TensorAssert.Close(G["wide_log_softmax_0_cols"], F.LogSoftmax(wide, 0).IndexSelect(1, Tensor.Arange(0, 1000, 50)));
    }

    [Fact]
    public void SoftmaxRecordsPyTorchsNodeNamesAndRefusesIntegers()
    {
        var x = Tensor.Randn(2, 3).RequiresGrad_();
        Assert.Equal("SoftmaxBackward0", F.Softmax(x, 1).GradFn!.Name);
        Assert.Equal("LogSoftmaxBackward0", F.LogSoftmax(x, 1).GradFn!.Name);
        Assert.Equal("GeluBackward0", F.Gelu(x).GradFn!.Name);
        Assert.Equal("HardtanhBackward0", F.Relu6(x).GradFn!.Name);
        TensorAssert.Throws<NotSupportedException>(() => Tensor.From(new long[] { 1, 2 }).Softmax(0), "softmax", "int64");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Softmax(2), "softmax", "dimension out of range");
        Assert.Equal(DType.Float32, Tensor.From(new long[] { 1, 2 }).Softmax(0, DType.Float32).DType);
    }

    [Fact]
    public void SoftmaxOfA0dOrEmptyTensor()
    {
        TensorAssert.Equal(Tensor.Scalar(1f), Tensor.Scalar(3f).Softmax(0));
        TensorAssert.Equal(Tensor.Scalar(0f), Tensor.Scalar(3f).LogSoftmax(-1));
        Assert.Equal(new[] { 0, 3 }, Tensor.Zeros(0, 3).Softmax(1).Shape.ToArray());
    }

    [Fact]
    public void FunctionalBatchNormInEvalModeNeedsRunningStatistics()
    {
        var x = Tensor.Randn(4, 3);
        TensorAssert.Throws<ArgumentException>(() => F.BatchNorm(x, null, null), "running_mean and running_var must be defined in evaluation mode");
        var rm = Tensor.Zeros(3);
        var rv = Tensor.Ones(3);
        TensorAssert.Close(x / Math.Sqrt(1 + 1e-5), F.BatchNorm(x, rm, rv));
        // Training without running statistics just normalises by the batch.
        var y = F.BatchNorm(x, null, null, training: true);
        TensorAssert.Close(Tensor.Zeros(3), y.Mean(0), 0, 1e-6);
    }

    [Fact]
    public void PreluWithOneSlopeOrOnePerChannel()
    {
        var x = Tensor.From(new float[,] { { -2, 1 }, { 3, -4 } });
        TensorAssert.Equal(Tensor.From(new float[,] { { -0.5f, 1 }, { 3, -1 } }), F.Prelu(x, Tensor.From(new[] { 0.25f })));
        TensorAssert.Equal(Tensor.From(new float[,] { { -0.2f, 1 }, { 3, -2 } }), F.Prelu(x, Tensor.From(new[] { 0.1f, 0.5f })));
        TensorAssert.Throws<ArgumentException>(() => F.Prelu(Tensor.Scalar(1f), Tensor.From(new[] { 0.25f })), "zero-dim");
    }

    // The composite layers need no rows, but their gradients (through mean, var, rsqrt, where,
    // index_select, matmul) are checked here in float64, including second order. (The padding row of
    // an embedding is left out of the lookup: its zero gradient is a convention, not a derivative.)
    public static TheoryData<string> Composites() => new() { "batch_norm", "layer_norm", "group_norm", "prelu", "bilinear", "embedding_padding", "dropout" };

    [Theory]
    [MemberData(nameof(Composites))]
    public void CompositeLayersPassGradcheck(string name)
    {
        var gen = new Generator(77);
        Tensor R(params int[] s) => Tensor.Randn(s, dtype: DType.Float64, generator: gen).RequiresGrad_();
        (Func<Tensor[], Tensor> f, Tensor[] inputs) = name switch
        {
            "batch_norm" => ((Func<Tensor[], Tensor>)(x => F.BatchNorm(x[0], null, null, x[1], x[2], training: true)), new[] { R(4, 3, 2), R(3), R(3) }),
            "layer_norm" => (x => F.LayerNorm(x[0], [2, 3], x[1], x[2]), new[] { R(2, 2, 3), R(2, 3), R(2, 3) }),
            "group_norm" => (x => F.GroupNorm(x[0], 2, x[1], x[2]), new[] { R(2, 4, 3), R(4), R(4) }),
            "prelu" => (x => F.Prelu(x[0], x[1]), new[] { R(3, 4, 2), R(4) }),
            "bilinear" => (x => F.Bilinear(x[0], x[1], x[2], x[3]), new[] { R(5, 3), R(5, 4), R(2, 3, 4), R(2) }),
            "embedding_padding" => (x => F.Embedding(Tensor.From(new long[] { 1, 2, 1 }), x[0], paddingIdx: 0), new[] { R(3, 2) }),
            _ => (x => { Tensor.ManualSeed(5); return F.Dropout(x[0], 0.4); }, new[] { R(4, 5) }),
        };
        Assert.True(Ember.Autograd.GradCheck(f, inputs));
        Assert.True(Ember.Autograd.GradGradCheck(f, inputs));
    }

    [Fact]
    public void EmbeddingGivesThePaddingRowNoGradient()
    {
        var w = Tensor.Randn(3, 2).RequiresGrad_();
        F.Embedding(Tensor.From(new long[] { 0, 1, 0 }), w, paddingIdx: 0).Sum().Backward();
        TensorAssert.Equal(Tensor.From(new float[,] { { 0, 0 }, { 1, 1 }, { 0, 0 } }), w.Grad!);
    }
}
