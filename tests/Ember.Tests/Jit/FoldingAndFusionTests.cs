using Ember.Jit;
using Ember.Jit.Passes;
using Ember.NN;
using Ember.Vision.Models;
using Xunit;
using static Ember.Tests.Jit.PassTestGraphs;

namespace Ember.Tests.Jit;

/// <summary>Batch-norm folding, epilogue fusion and pointwise fusion, each on its own: where they fire and where they must not.</summary>
[Collection("DefaultGenerator")]
public class FoldingAndFusionTests
{
    private sealed class ConvBnTwice : Module<Tensor, Tensor>
    {
        public readonly Conv2d Conv = new(3, 4, 3);
        public readonly BatchNorm2d Bn = new(4);
        public override Tensor Forward(Tensor x)
        {
            var c = Conv.Call(x);
            return Bn.Call(c) + c;             // the conv output has a second reader
        }
    }

    [Fact]
    public void BatchNormFoldsIntoTheConvolutionOrLinearBeforeItInEvalMode()
    {
        Tensor.ManualSeed(20);
        foreach (var (model, x) in new (Module<Tensor, Tensor>, Tensor)[]
        {
            (new Sequential(new Conv2d(3, 4, 3, bias: false), new BatchNorm2d(4)), Tensor.Randn(2, 3, 8, 8)),
            (new Sequential(new Conv1d(3, 4, 3, padding: "same"), new BatchNorm1d(4)), Tensor.Randn(2, 3, 9)),
            (new Sequential(new Linear(5, 4), new BatchNorm1d(4)), Tensor.Randn(6, 5)),
        })
        {
            OptimizeAssert.RandomizeBatchNorms(model);
            model.Eval();
            var opt = OptimizeAssert.MatchesEager(model, 1e-6, x);
            Assert.Single(opt.Graph.Nodes);
            Assert.StartsWith("folded batch_norm (1) into ", Assert.Single(opt.OptimizationReport!.Of("bn-fold")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void BatchNormIsNotFoldedInTrainingModeOrWhenTheLayerOutputHasAnotherReader()
    {
        Tensor.ManualSeed(21);
        var model = new ConvBnTwice();
        OptimizeAssert.RandomizeBatchNorms(model);
        var train = Ember.Jit.Jit.Trace(model, Tensor.Randn(2, 3, 8, 8));
        var report = new OptimizationReport();
        Assert.Equal(Ops(train.Graph), Ops(BatchNormFolding.Run(train.Graph, report)));
        Assert.Contains("training mode", Assert.Single(report.Of("bn-fold")), StringComparison.Ordinal);

        model.Eval();
        var opt = OptimizeAssert.MatchesEager(model, 0, Tensor.Randn(2, 3, 8, 8));
        Assert.Contains(opt.Graph.Nodes, n => n.Op == "aten::batch_norm");
        Assert.Contains("other readers", Assert.Single(opt.OptimizationReport!.Of("bn-fold")), StringComparison.Ordinal);
    }

    [Fact]
    public void OptimizedModuleIsASnapshotOfTheWeights()
    {
        Tensor.ManualSeed(22);
        var net = new LeNet();
        net.Eval();
        var x = Tensor.Randn(2, 3, 32, 32);
        var opt = Ember.Jit.Jit.Optimize(Ember.Jit.Jit.Trace(net, x));
        Tensor before;
        using (Ember.Autograd.NoGrad())
        {
            before = opt.Call(x);
            net.Parameters().First().Mul_(2);
            Assert.True(opt.Call(x).Equal(before));                              // frozen: the change does not reach it
            Assert.False(net.Call(x).Equal(before));
            Assert.True(Ember.Jit.Jit.Optimize(Ember.Jit.Jit.Trace(net, x)).Call(x).Equal(net.Call(x)));   // optimise again to pick it up
        }
        Assert.Empty(opt.Parameters());
    }

    [Fact]
    public void PointwiseChainsFuseIntoOneNodeWithTheSameResults()
    {
        Tensor.ManualSeed(23);
        var h = new Holder();
        var traced = Trace(h, xs =>
        {
            var a = xs[0] + xs[1];                          // a has two readers: the chain after it starts anew
            var chain = F.Relu((a * 0.5).Sigmoid() - xs[1], inplace: true).Tanh() / 3;
            var bias = Tensor.From(new float[] { 1, 2, 3, 4 });
            return [chain, a * a, F.Hardtanh(a + bias, -0.5, 0.5)];   // + [4] broadcasts: not fused with what follows
        }, inputs: 2);
        var report = new OptimizationReport();
        var g = PointwiseFusion.Run(traced.Graph, report);
        Assert.Equal(["aten::add", PointwiseFusion.FusedOp, "aten::mul", "aten::add", "aten::hardtanh"], Ops(g));
        Assert.Equal("fused mul + sigmoid + sub + relu_ + tanh + div into one pass (mul(x0, 0.5) -> sigmoid(_) -> sub(_, x1) -> relu(_) -> tanh(_) -> div(_, 3))",
            Assert.Single(report.Of("pointwise")));
        var inputs = new[] { Tensor.Randn(3, 4), Tensor.Randn(3, 4) };
        var want = traced.Run(inputs);
        var got = new TracedModuleProbe(g, h).Run(inputs);
        for (int i = 0; i < want.Length; i++) Assert.True(want[i].Equal(got[i]), $"output {i} differs");
    }

    [Fact]
    public void FusedPointwiseMatchesEagerOnLargeTensorsAndRunsTheOriginalOpsForGradients()
    {
        Tensor.ManualSeed(24);
        var h = new Holder();
        var traced = Trace(h, xs => [((xs[0] * h.W.Sum()).Sigmoid() + 1).Tanh()]);   // a one-element operand, read at each call
        var g = PointwiseFusion.Run(traced.Graph, new OptimizationReport());
        Assert.Equal(["aten::sum", PointwiseFusion.FusedOp], Ops(g));
        var probe = new TracedModuleProbe(g, h);
        // Large enough to split into blocks and threads; odd, so the last block is not a whole one.
        var big = Tensor.Randn(70001, 4);
        using (Ember.Autograd.NoGrad()) Assert.True(probe.Run(big)[0].Equal(((big * h.W.Sum()).Sigmoid() + 1).Tanh()));
        // With a gradient to record, the fused node runs the traced ops: autograd sees them.
        var x = Tensor.Randn(3, 4);
        probe.Run(x)[0].Sum().Backward();
        var fused = h.W.Grad!.Clone();
        h.W.Grad = null;
        ((x * h.W.Sum()).Sigmoid() + 1).Tanh().Sum().Backward();
        Assert.True(fused.Equal(h.W.Grad!));
    }

    private sealed class ConvReluTwice : Module<Tensor, Tensor>
    {
        public readonly Conv2d Conv = new(3, 4, 3);
        public readonly Linear Fc = new(6, 6);
        public override Tensor Forward(Tensor x)
        {
            var c = Conv.Call(x);
            var f = Fc.Call(x);
            return F.Relu(c) + c + F.Relu(f).Sum() + f.Sum();    // both layer outputs have a second reader
        }
    }

    [Fact]
    public void EpilogueFusionNeedsTheLayerOutputToHaveOneReader()
    {
        Tensor.ManualSeed(25);
        var model = new ConvReluTwice();
        model.Eval();
        var opt = OptimizeAssert.MatchesEager(model, 0, Tensor.Randn(2, 3, 6, 6));
        Assert.DoesNotContain(opt.Graph.Nodes, n => n.Op.StartsWith("ember::fused_conv", StringComparison.Ordinal) || n.Op == EpilogueFusion.FusedLinear);
        Assert.Equal("no convolution or linear layer followed by relu", Assert.Single(opt.OptimizationReport!.Of("epilogue")));
    }

    [Fact]
    public void EpilogueFusionInATrainingGraphKeepsGradients()
    {
        Tensor.ManualSeed(26);
        var net = new LeNet();
        var x = Tensor.Randn(2, 3, 32, 32);
        var opt = Ember.Jit.Jit.Optimize(Ember.Jit.Jit.Trace(net, x));
        Assert.Equal(4, opt.Graph.Nodes.Count(n => n.Op.StartsWith("ember::fused_", StringComparison.Ordinal)));
        Assert.Contains("skipped", Assert.Single(opt.OptimizationReport!.Of("freeze")), StringComparison.Ordinal);
        opt.Call(x).Sum().Backward();
        var grads = net.Parameters().Select(p => p.Grad!.Clone()).ToArray();
        net.ZeroGrad();
        net.Call(x).Sum().Backward();
        var eager = net.Parameters().Select(p => p.Grad!).ToArray();
        for (int i = 0; i < grads.Length; i++) Assert.True(grads[i].Equal(eager[i]), $"gradient {i} differs");
        using (Ember.Autograd.NoGrad()) Assert.True(opt.Call(x).Equal(net.Call(x)));   // the fused kernels without gradients
    }
}
