using Ember.Jit;
using Ember.NN;
using Ember.Vision.Models;
using Xunit;

namespace Ember.Tests.Jit;

/// <summary>
/// Traced models replay the eager forward exactly (same ops, same order, so bit for bit) on new inputs,
/// including another batch size through the dynamic batch dim.
/// </summary>
[Collection("DefaultGenerator")]
public class TraceModelTests
{
    [Fact]
    public void TraceLeNetReplaysEagerExactlyAtAnotherBatchSize()
    {
        Tensor.ManualSeed(0);
        var model = new LeNet();
        model.Eval();
        using var _ = Ember.Autograd.NoGrad();
        var traced = TraceAssert.ReplaysExactly(model, Tensor.Randn(4, 3, 32, 32), Tensor.Randn(4, 3, 32, 32), Tensor.Randn(7, 3, 32, 32), Tensor.Randn(1, 3, 32, 32));
        Assert.Equal(["aten::conv2d", "aten::relu", "aten::max_pool2d", "aten::conv2d", "aten::relu", "aten::max_pool2d", "aten::flatten",
            "aten::linear", "aten::relu", "aten::linear", "aten::relu", "aten::linear"], traced.Graph.Nodes.Select(n => n.Op));
    }

    [Fact]
    public void TraceMlpsReplayEagerExactly()
    {
        Tensor.ManualSeed(1);
        var mlp = new Mlp(784, 64);
        TraceAssert.ReplaysExactly(mlp, Tensor.Randn(3, 1, 28, 28), Tensor.Randn(5, 1, 28, 28));
        var deep = new Sequential(new Linear(10, 32), new Tanh(), new Linear(32, 32), new ReLU(), new Dropout(0.2), new Linear(32, 3), new Sigmoid());
        deep.Eval();
        TraceAssert.ReplaysExactly(deep, Tensor.Randn(2, 10), Tensor.Randn(9, 10));
    }
}

/// <summary>The vision zoo models in eval mode, and the sequence models, traced and replayed.</summary>
[Collection("DefaultGenerator")]
public class TraceZooTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11_bn")]
    public void TraceVisionModelInEvalModeReplaysEagerExactly(string name)
    {
        Tensor.ManualSeed(2);
        var model = Ember.Tests.Vision.VisionModelZoo.Models[name]();
        model.Eval();
        using var _ = Ember.Autograd.NoGrad();
        TraceAssert.ReplaysExactly(model, Tensor.Randn(2, 3, 32, 32), Tensor.Randn(3, 3, 32, 32));
    }

    [Fact]
    public void TraceTransformerEncoderReplaysEagerExactlyWithADynamicBatch()
    {
        Tensor.ManualSeed(3);
        var layer = new TransformerEncoderLayer(dModel: 16, nhead: 4, dimFeedforward: 32, dropout: 0.1, batchFirst: true);
        var encoder = new TransformerEncoder(layer, numLayers: 2);
        encoder.Eval();
        using var _ = Ember.Autograd.NoGrad();
        var traced = Ember.Jit.Jit.Trace(encoder, xs => [encoder.Forward(xs[0])], [Tensor.Randn(2, 5, 16)], dynamicDims: [DynamicDim.Batch]);
        foreach (var x in new[] { Tensor.Randn(2, 5, 16), Tensor.Randn(3, 5, 16), Tensor.Randn(1, 5, 16) })
            Assert.True(encoder.Forward(x).Equal(traced.Run(x)[0]), $"encoder differs at {x.Shape}");
    }

    [Fact]
    public void TraceLstmReplaysOutputAndStatesExactly()
    {
        Tensor.ManualSeed(4);
        var lstm = new LSTM(8, 12, numLayers: 2);
        var traced = Ember.Jit.Jit.Trace(lstm, xs =>
        {
            var (y, (h, c)) = lstm.Forward(xs[0]);
            return [y, h, c];
        }, [Tensor.Randn(6, 3, 8)], dynamicDims: [new DynamicDim(0, 1)]);
        foreach (var x in new[] { Tensor.Randn(6, 3, 8), Tensor.Randn(6, 5, 8) })
        {
            var (y, (h, c)) = lstm.Forward(x);
            var r = traced.Run(x);
            Assert.True(y.Equal(r[0]) && h.Equal(r[1]) && c.Equal(r[2]), $"LSTM differs at {x.Shape}");
        }
    }
}
