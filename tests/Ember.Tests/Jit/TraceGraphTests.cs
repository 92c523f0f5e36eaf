using Ember.Jit;
using Ember.NN;
using Xunit;

namespace Ember.Tests.Jit;

/// <summary>What a trace records and prints, what it refuses, and how it shares state with the traced module.</summary>
[Collection("DefaultGenerator")]
public class TraceGraphTests
{
    private sealed class Small : Module<Tensor, Tensor>
    {
        public readonly Linear Fc = new(4, 3);
        public override Tensor Forward(Tensor x) => F.Relu(Fc.Call(x)) * 2 + x.Narrow(1, 0, 3);
    }

    [Fact]
    public void TracePrintsTheGraphOneNodeALine()
    {
        Tensor.ManualSeed(5);
        var traced = Ember.Jit.Jit.Trace(new Small(), Tensor.Randn(2, 4), dynamicDims: [DynamicDim.Batch]);
        Assert.Equal("""
            graph(%input : Float(batch, 4),
                  %fc.weight : Float(3, 4),
                  %fc.bias : Float(3)):
              %5 : Long() = prim::Constant[value=2]()
              %3 : Float(batch, 3) = aten::linear(%input, %fc.weight, %fc.bias)
              %4 : Float(batch, 3) = aten::relu(%3)
              %6 : Float(batch, 3) = aten::mul(%4, %5)
              %7 : Float(batch, 3) = aten::narrow(%input) {dim=1, start=0, length=3}
              %8 : Float(batch, 3) = aten::add(%6, %7) {alpha=None}
              return (%8)

            """.Replace("\r\n", "\n"), traced.ToString());
    }

    private sealed class Branchy : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor x) => x.Sum().Item<float>() > 0 ? x.Relu() : x.Tanh();
    }

    [Fact]
    public void TraceWarnsWhenAValueDrivesControlFlowAndCheckInputsCatchesTheWrongBranch()
    {
        var model = new Branchy();
        using (var w = Warnings.Capture())
        {
            Ember.Jit.Jit.Trace(model, Tensor.Ones(3));
            Assert.Contains(w, x => x.Category == WarningCategory.TracerWarning && x.Message.Contains("Item", StringComparison.Ordinal));
        }
        using (Warnings.Suppress())
        {
            var e = Assert.Throws<InvalidOperationException>(() => Ember.Jit.Jit.Trace(model, Tensor.Ones(3), checkInputs: [-Tensor.Ones(3)]));
            Assert.Contains("check input 0", e.Message, StringComparison.Ordinal);
            Assert.Contains("output 0", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TraceRefusesOtherShapesUnlessTheDimIsDynamic()
    {
        var traced = Ember.Jit.Jit.Trace(new Linear(4, 2), Tensor.Randn(3, 4));
        var e = Assert.Throws<ArgumentException>(() => traced.Call(Tensor.Randn(5, 4)));
        Assert.Contains("traced for Float(3, 4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("dynamicDims", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TracedModuleSharesParametersWithTheOriginal()
    {
        Tensor.ManualSeed(6);
        var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
        var traced = Ember.Jit.Jit.Trace(model, Tensor.Randn(3, 4));
        Assert.Equal(model.StateDict().Keys, traced.StateDict().Keys);
        var x = Tensor.Randn(3, 4);
        // Training through the replay reaches the original's parameters, and an update of the original shows in the replay.
        traced.Call(x).Sum().Backward();
        Assert.NotNull(model.Parameters().First().Grad);
        using (Ember.Autograd.NoGrad()) foreach (var p in model.Parameters()) p.Sub_(0.1 * p.Grad!);
        Assert.True(model.Call(x).Equal(traced.Call(x)));
    }

    [Fact]
    public void TraceInTrainingModeKeepsDropoutRandomAndBatchNormOnBatchStatistics()
    {
        Tensor.ManualSeed(7);
        var model = new Sequential(new Linear(6, 6), new BatchNorm1d(6), new Dropout(0.5));
        var traced = Ember.Jit.Jit.Trace(model, Tensor.Randn(8, 6), dynamicDims: [DynamicDim.Batch]);
        Assert.Contains(traced.Graph.Nodes, n => n.Op == "aten::dropout" && n.Attributes.Bool("train"));
        var x = Tensor.Randn(5, 6);
        var bn = (BatchNorm1d)model[1];
        var (mean0, var0) = (bn.RunningMean!.Clone(), bn.RunningVar!.Clone());
        var state = Generator.Default.GetState();
        var eager = model.Call(x);
        var meanAfterEager = bn.RunningMean!.Clone();
        using (Ember.Autograd.NoGrad()) { bn.RunningMean!.Copy_(mean0); bn.RunningVar!.Copy_(var0); }
        Generator.Default.SetState(state);
        var replay = traced.Call(x);
        Assert.True(eager.Equal(replay), "same generator state: the replay draws the same dropout mask and uses batch statistics");
        Assert.True(meanAfterEager.Equal(bn.RunningMean!), "the replay updates the running statistics as eager does");
        Assert.False(traced.Call(x).Equal(replay), "a second replay draws a new mask");
        // The mode is fixed by the trace: switching it refuses instead of silently running training-mode ops.
        traced.Eval();
        Assert.Throws<InvalidOperationException>(() => traced.Call(x));
    }

    [Fact]
    public void TraceOnTwoThreadsAtOnceRecordsEachThreadsOwnOps()
    {
        Tensor.ManualSeed(8);
        var a = new Sequential(new Linear(5, 7), new ReLU());
        var b = new Sequential(new Linear(5, 3), new Tanh(), new Linear(3, 2));
        using var start = new Barrier(2);
        TracedModule? ta = null, tb = null;
        var t1 = new Thread(() => { start.SignalAndWait(); for (int i = 0; i < 20; i++) ta = Ember.Jit.Jit.Trace(a, Tensor.Randn(4, 5)); });
        var t2 = new Thread(() => { start.SignalAndWait(); for (int i = 0; i < 20; i++) tb = Ember.Jit.Jit.Trace(b, Tensor.Randn(4, 5)); });
        t1.Start(); t2.Start(); t1.Join(); t2.Join();
        Assert.Equal(["aten::linear", "aten::relu"], ta!.Graph.Nodes.Select(n => n.Op));
        Assert.Equal(["aten::linear", "aten::tanh", "aten::linear"], tb!.Graph.Nodes.Select(n => n.Op));
        var x = Tensor.Randn(4, 5);
        Assert.True(a.Call(x).Equal(ta.Call(x)) && b.Call(x).Equal(tb.Call(x)));
    }

    private sealed class HiddenView : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor x) => x.T.Relu();
    }

    [Fact]
    public void TraceOfAnUntracedViewOfATracedValueIsRefusedByName()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Ember.Jit.Jit.Trace(new HiddenView(), Tensor.Randn(2, 3)));
        Assert.Contains("aten::relu", e.Message, StringComparison.Ordinal);
        Assert.Contains("view of a traced tensor", e.Message, StringComparison.Ordinal);
    }
}
