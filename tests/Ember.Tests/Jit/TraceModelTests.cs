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
