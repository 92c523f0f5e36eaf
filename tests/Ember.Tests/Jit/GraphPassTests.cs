using Ember.Jit;
using Ember.Jit.Passes;
using Ember.NN;
using Xunit;
using static Ember.Tests.Jit.PassTestGraphs;

namespace Ember.Tests.Jit;

/// <summary>Dead-code elimination, common-subexpression elimination and constant folding, each on its own: where they fire and where they must not.</summary>
[Collection("DefaultGenerator")]
public class GraphPassTests
{
    private static void SameResults(TracedModule traced, Ember.Jit.Graph optimized, params Tensor[] inputs)
    {
        var module = new TracedModuleProbe(optimized);
        var a = traced.Run(inputs);
        var b = module.Run(inputs);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(a[i].Equal(b[i]), $"output {i} differs");
    }

    [Fact]
    public void DceRemovesNodesNothingReads()
    {
        Tensor.ManualSeed(10);
        var traced = Trace(new Holder(), xs => { _ = xs[0].Relu() * 3; _ = F.Dropout(xs[0] + 1, 0.5, training: false); return [xs[0].Tanh()]; });
        var report = new OptimizationReport();
        var g = DeadCodeElimination.Run(traced.Graph, report);
        Assert.Equal(["aten::tanh"], Ops(g));
        Assert.Equal("removed 4 nodes (aten::add, aten::dropout, aten::mul, aten::relu)", Assert.Single(report.Of("dce")));
        Assert.Empty(g.Constants);   // the numbers went with their nodes
        SameResults(traced, g, Tensor.Randn(3, 4));
    }

    [Fact]
    public void DceKeepsRandomOpsBatchNormStatisticUpdatesAndInPlaceWrites()
    {
        Tensor.ManualSeed(11);
        var h = new Holder();
        var traced = Trace(h, xs =>
        {
            _ = F.Dropout(xs[0], 0.5, training: true);                                  // advances the generator
            _ = F.BatchNorm(xs[0], h.Mean, h.Var, training: true);                     // updates the running statistics
            var y = xs[0] * 2;
            F.Relu(y.View(-1), inplace: true);                                          // writes y through a view
            return [y];
        });
        var report = new OptimizationReport();
        var g = DeadCodeElimination.Run(traced.Graph, report);
        Assert.Equal(Ops(traced.Graph), Ops(g));
        Assert.Equal("nothing to remove", Assert.Single(report.Of("dce")));
        var x = Tensor.Randn(3, 4);
        Assert.True(new TracedModuleProbe(g, h).Run(x)[0].Equal((x * 2).Relu()));
    }

    [Fact]
    public void CseMergesTheSameOpOnTheSameInputsAndEqualNumbers()
    {
        Tensor.ManualSeed(12);
        var traced = Trace(new Holder(), xs => [xs[0].Relu() * 2 + xs[0].Relu() * 2, F.Softmax(xs[0], 1) - F.Softmax(xs[0], 0)]);
        var report = new OptimizationReport();
        var g = CommonSubexpressionElimination.Run(traced.Graph, report);
        Assert.Equal(["aten::relu", "aten::mul", "aten::add", "aten::softmax", "aten::softmax", "aten::sub"], Ops(g));
        Assert.Equal(2, report.Of("cse").Count());
        SameResults(traced, g, Tensor.Randn(3, 4));
    }

    [Fact]
    public void CseNeverMergesRandomOpsTrainingBatchNormOrReadsAcrossAnInPlaceWrite()
    {
        Tensor.ManualSeed(13);
        var h = new Holder();
        var traced = Trace(h, xs =>
        {
            var d = F.Dropout(xs[0], 0.5, training: true) + F.Dropout(xs[0], 0.5, training: true);
            var b = F.BatchNorm(xs[0], h.Mean, h.Var, training: true) + F.BatchNorm(xs[0], h.Mean, h.Var, training: true);
            var y = xs[0] * 1;
            var v = y.View(-1);
            var before = v.Tanh();
            F.Relu(y, inplace: true);          // changes what v holds
            var after = v.Tanh();
            return [d, b, before, after];
        });
        var report = new OptimizationReport();
        var g = CommonSubexpressionElimination.Run(traced.Graph, report);
        Assert.Equal(Ops(traced.Graph), Ops(g));
        Assert.Equal("no repeated computation", Assert.Single(report.Of("cse")));
        var x = Tensor.Randn(3, 4);
        var outs = new TracedModuleProbe(g, h).Run(x);
        Assert.True(outs[2].Equal(x.Reshape(-1).Tanh()));
        Assert.True(outs[3].Equal(x.Reshape(-1).Relu().Tanh()));
    }

    [Fact]
    public void ConstantFoldingEvaluatesNodesOfConstantsOnce()
    {
        Tensor.ManualSeed(14);
        var c = Tensor.From(new float[] { -1, 2, -3, 4 });
        var traced = Trace(new Holder(), xs => [xs[0] + (c.Relu() * 2 + Tensor.Zeros(4))]);
        var report = new OptimizationReport();
        var g = ConstantFolding.Run(traced.Graph, report);
        Assert.Equal(["aten::add"], Ops(g));
        Assert.Equal(4, report.Of("const-fold").Count());   // relu, mul, zeros, add
        SameResults(traced, g, Tensor.Randn(3, 4));
    }

    [Fact]
    public void ConstantFoldingLeavesParametersAndValuesWrittenInPlace()
    {
        Tensor.ManualSeed(15);
        var h = new Holder();
        var traced = Trace(h, xs =>
        {
            var acc = Tensor.Zeros(4);
            acc.Add_(xs[0].Sum(0));                   // a folded zeros would be a constant written at every replay
            return [acc + h.W.Relu()];         // a parameter is not a constant: training changes it
        });
        var report = new OptimizationReport();
        var g = ConstantFolding.Run(traced.Graph, report);
        Assert.Equal(Ops(traced.Graph), Ops(g));
        Assert.Equal("no node with only constant inputs", Assert.Single(report.Of("const-fold")));
        var probe = new TracedModuleProbe(g, h);
        var x = Tensor.Randn(3, 4);
        Assert.True(probe.Run(x)[0].Equal(x.Sum(0) + h.W.Relu()));
        Assert.True(probe.Run(x)[0].Equal(x.Sum(0) + h.W.Relu()));   // the zeros stayed zeros
    }
}

/// <summary>Runs a pass's output graph as a module (the parameters, when there are any, are <paramref name="holder"/>'s).</summary>
internal sealed class TracedModuleProbe(Ember.Jit.Graph graph, Module? holder = null)
{
    private readonly TracedModule _module = new(holder, graph, "probe");

    public Tensor[] Run(params Tensor[] inputs) => _module.Run(inputs);
}
