using Ember.Jit;
using Ember.NN;
using Ember.Vision.Models;
using Xunit;
using Xunit.Abstractions;

namespace Ember.Tests.Jit;

/// <summary>
/// Optimised traces of the model zoo and the chapter's networks give the eager results: exactly where no pass
/// changes the arithmetic (fusion and the memory plan compute each element with the same operations), within
/// 5e-6 of the output's scale where batch norm is folded into a convolution (new weights, rounded once).
/// </summary>
[Collection("DefaultGenerator")]
public class OptimizeModelTests(ITestOutputHelper output)
{
    [Fact]
    public void OptimizedLeNetGivesTheEagerResultsExactly()
    {
        Tensor.ManualSeed(0);
        var net = new LeNet();
        net.Eval();
        var opt = OptimizeAssert.MatchesEager(net, 0, Tensor.Randn(4, 3, 32, 32), Tensor.Randn(7, 3, 32, 32), Tensor.Randn(1, 3, 32, 32), Tensor.Randn(4, 3, 32, 32));
        output.WriteLine(opt.OptimizationReport!.ToString());
        output.WriteLine(opt.ToString());
        Assert.Equal(["ember::fused_conv2d", "ember::fused_conv2d", "aten::flatten", "ember::fused_linear", "ember::fused_linear", "aten::linear"],
            opt.Graph.Nodes.Select(n => n.Op));
    }

    [Fact]
    public void OptimizedMlpsGiveTheEagerResultsExactly()
    {
        Tensor.ManualSeed(1);
        var mlp = new Mlp(784, 64);
        mlp.Eval();
        OptimizeAssert.MatchesEager(mlp, 0, Tensor.Randn(3, 1, 28, 28), Tensor.Randn(5, 1, 28, 28));
        var deep = new Sequential(new Linear(10, 32), new Tanh(), new Linear(32, 32), new ReLU(), new Dropout(0.2), new Linear(32, 3), new Sigmoid());
        deep.Eval();
        OptimizeAssert.MatchesEager(deep, 0, Tensor.Randn(2, 10), Tensor.Randn(9, 10));
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet_v2")]
    [InlineData("vgg11_bn")]
    public void OptimizedVisionModelGivesTheEagerResults(string name)
    {
        Tensor.ManualSeed(2);
        var model = Ember.Tests.Vision.VisionModelZoo.Models[name]();
        OptimizeAssert.RandomizeBatchNorms(model);
        model.Eval();
        // Folding rounds new weights once per layer; through 8 to 50 folded layers that moves the output by up to ~2e-6 of its scale.
        var opt = OptimizeAssert.MatchesEager(model, 5e-6, Tensor.Randn(2, 3, 32, 32), Tensor.Randn(3, 3, 32, 32));
        output.WriteLine(opt.OptimizationReport!.ToString());
        Assert.Contains(opt.OptimizationReport!.Of("bn-fold"), m => m.StartsWith("folded", StringComparison.Ordinal));
        Assert.DoesNotContain(opt.Graph.Nodes, n => n.Op == "aten::batch_norm");
    }
}

/// <summary>Sequence models through Jit.Optimize: most of their ops have no planned kernel and run as traced, beside the fused and planned ones.</summary>
[Collection("DefaultGenerator")]
public class OptimizeSequenceModelTests
{
    [Fact]
    public void OptimizedTransformerEncoderGivesTheEagerResults()
    {
        Tensor.ManualSeed(3);
        var layer = new TransformerEncoderLayer(dModel: 16, nhead: 4, dimFeedforward: 32, dropout: 0.1, batchFirst: true);
        var encoder = new TransformerEncoder(layer, numLayers: 2);
        encoder.Eval();
        using var _ = Ember.Autograd.NoGrad();
        var traced = Ember.Jit.Jit.Trace(encoder, xs => [encoder.Forward(xs[0])], [Tensor.Randn(2, 5, 16)], dynamicDims: [DynamicDim.Batch]);
        var opt = Ember.Jit.Jit.Optimize(traced);
        foreach (var x in new[] { Tensor.Randn(2, 5, 16), Tensor.Randn(3, 5, 16), Tensor.Randn(3, 5, 16) })
            Assert.True(encoder.Forward(x).Equal(opt.Run(x)[0]), $"encoder differs at {x.Shape}\n{opt.OptimizationReport}");
    }

    [Fact]
    public void OptimizedLstmGivesTheEagerOutputAndStates()
    {
        Tensor.ManualSeed(4);
        var lstm = new LSTM(8, 12, numLayers: 2);
        lstm.Eval();
        using var _ = Ember.Autograd.NoGrad();
        var traced = Ember.Jit.Jit.Trace(lstm, xs =>
        {
            var (y, (h, c)) = lstm.Forward(xs[0]);
            return [y, h, c];
        }, [Tensor.Randn(6, 3, 8)], dynamicDims: [new DynamicDim(0, 1)]);
        var opt = Ember.Jit.Jit.Optimize(traced);
        foreach (var x in new[] { Tensor.Randn(6, 3, 8), Tensor.Randn(6, 5, 8) })
        {
            var (y, (h, c)) = lstm.Forward(x);
            var r = opt.Run(x);
            Assert.True(y.Equal(r[0]) && h.Equal(r[1]) && c.Equal(r[2]), $"lstm differs at {x.Shape}");
        }
    }
}
