using System.Text.Json;
using Ember.NN;
using Ember.Optim;
using Ember.Vision.Models;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The Module API a port uses without casts (issue 15, item 1): in-place To/Double/Float/Cpu/Cuda,
/// calls that chain on the module's own type, Sequential built from children and sliced, the Apply
/// init idiom, and forward hooks on every module kind. Values against PyTorch (nn_module_api.py).
/// </summary>
[Collection("DefaultGenerator")]
public class ModuleApiTests
{
    private static readonly Golden G = Golden.Load("nn_module_api");

    private sealed class Block : Module<Tensor, Tensor>
    {
        public Conv2d Conv { get; } = new(1, 4, 3, padding: 1);
        public BatchNorm2d Bn { get; } = new(4);
        public ReLU Act { get; } = new();
        public override Tensor Forward(Tensor x) => Act.Call(Bn.Call(Conv.Call(x)));
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Sequential Features { get; } = new(new Block(), new MaxPool2d(2));
        public Sequential Head { get; } = new(new Flatten(), new Linear(4 * 4 * 4, 10), new ReLU(), new Linear(10, 3));
        public override Tensor Forward(Tensor x) => Head.Call(Features.Call(x));
    }

    private static string[] Strings(string key) => [.. G.Meta.GetProperty(key).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void DoubleGivesPyTorchsFloat64OutputsAndKeepsNumBatchesTrackedInt64()
    {
        Tensor.ManualSeed(0);
        Net net = new Net().Double();
        var bn = ((Block)net.Features[0]).Bn;
        TensorAssert.Close(G["train_y"], net.Call(G["x"]), 1e-12, 1e-12);
        TensorAssert.Close(G["running_mean"], bn.RunningMean!, 1e-12, 1e-12);
        TensorAssert.Close(G["running_var"], bn.RunningVar!, 1e-12, 1e-12);
        TensorAssert.Equal(G["num_batches_tracked"], bn.NumBatchesTracked!);
        TensorAssert.Close(G["eval_y"], net.Eval().Call(G["x"]), 1e-12, 1e-12);
        var dtypes = G.Meta.GetProperty("dtypes");
        foreach (var (k, v) in net.StateDict()) Assert.Equal("torch." + dtypes.GetProperty(k).GetString(), v.DType.TorchName());
    }

    [Fact]
    public void NamedModulesAndApplyVisitInPyTorchsOrder()
    {
        var net = new Net();
        var expected = G.Meta.GetProperty("named_modules").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetString()!));
        Assert.Equal(expected, net.NamedModules().Select(m => (m.Name, m.Module.TypeName())));
        var names = net.NamedModules().ToDictionary(m => (object)m.Module, m => m.Name, ReferenceEqualityComparer.Instance);
        var visited = new List<string>();
        Net same = net.Apply(m => visited.Add(names[m]));
        Assert.Same(net, same);
        Assert.Equal(Strings("apply_order"), visited);
    }

    [Fact]
    public void SequentialSlicesAndChildrenKeepPyTorchsNames()
    {
        var net = new Net();
        var withoutLast = new Sequential(net.Head.Children().SkipLast(1));
        Assert.Equal(Strings("head_without_last_keys"), withoutLast.StateDict().Keys);
        Assert.Equal(Strings("head_slice_keys"), net.Head[..^1].StateDict().Keys);
        Assert.Equal(Strings("head_from_1_keys"), net.Head[1..].StateDict().Keys);
        Assert.Same(net.Head[1], net.Head[1..][0]);      // shared, not copied
        Assert.Same(net.Head[1], withoutLast[1]);
        Assert.Equal([4, 10], withoutLast.Call(Tensor.Randn(4, 4, 4, 4)).Shape.ToArray());
    }

    [Fact]
    public void SequentialTakesAnySingleTensorModuleAndRejectsOthersByName()
    {
        var seq = new Sequential();
        seq.Append(new Linear(2, 3)).Append(new Tanh()).Extend([new Linear(3, 1)]);
        Assert.Equal(3, seq.Count);
        int n = 0;
        foreach (Module<Tensor, Tensor> m in seq) n++;   // for m in seq
        Assert.Equal(3, n);
        var replacement = new Linear(3, 4);
        seq[-1] = replacement;
        Assert.Same(replacement, seq[2]);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.StateDict().Keys);
        Assert.Equal([5, 4], seq.Call(Tensor.Ones(5, 2)).Shape.ToArray());
        Module[] mixed = [new Linear(2, 2), new MseLoss()];
        TensorAssert.Throws<ArgumentException>(() => new Sequential(mixed), "Sequential", "entry 1", "MseLoss", "Module<Tensor, Tensor>");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = seq[1..7], "Sequential", "3 modules");
        Assert.Equal(2, new ModuleList(new Linear(1, 1), new Tanh(), new Linear(1, 1))[1..].Count);
        var outer = new Sequential(seq);                   // one child, as nn.Sequential(seq), not seq's children
        Assert.Same(seq, Assert.Single(outer.Children()));
        var children = new Sequential(seq.Children());     // the children, renumbered
        Assert.Equal(3, children.Count);
    }

    [Fact]
    public void OptimizerBuiltBeforeToFloat64UpdatesTheSameParameters()
    {
        Tensor.ManualSeed(1);
        var lin = new Linear(3, 2);
        var w = lin.Weight;
        var b = lin.Bias!;
        var sgd = new Sgd(lin.Parameters(), lr: 0.5);
        var w0 = w.Detach().To(DType.Float64).Clone();
        Linear same = lin.To(DType.Float64);
        Assert.Same(lin, same);
        Assert.Same(w, lin.Weight);
        Assert.Same(b, lin.Bias);
        Assert.Equal(DType.Float64, w.DType);
        Assert.True(w.RequiresGrad);
        var x = Tensor.Ones([4, 3], DType.Float64);
        lin.Call(x).Sum().Backward();
        Assert.Equal(DType.Float64, w.Grad!.DType);
        sgd.Step();
        TensorAssert.Close(w0 - 0.5 * 4.0, w.Detach());   // d(sum)/dW = 4 everywhere (four rows of ones)

        var adam = new Adam(lin.Parameters(), lr: 0.1);
        lin.Float();
        lin.ZeroGrad();
        lin.Call(Tensor.Ones(1, 3)).Sum().Backward();
        var before = w.Detach().Clone();
        adam.Step();
        Assert.Equal(DType.Float32, w.DType);
        TensorAssert.Close(before - 0.1, w.Detach(), 1e-6, 1e-6);   // Adam's first step is lr·sign(g)
    }

    [Fact]
    public void ConversionConvertsGradientsInPlaceAndLeavesIntegerBuffers()
    {
        var bn = new BatchNorm1d(3);
        bn.Call(Tensor.Randn(4, 3)).Sum().Backward();
        var grad = bn.Weight!.Grad!;
        var counter = bn.NumBatchesTracked!;
        var mean = bn.RunningMean!;
        BatchNorm1d same = bn.Double();
        Assert.Same(bn, same);
        Assert.Same(grad, bn.Weight.Grad);
        Assert.Equal(DType.Float64, grad.DType);
        Assert.Same(counter, bn.NumBatchesTracked);
        Assert.Equal(DType.Int64, counter.DType);
        Assert.Equal(1L, counter.ToInt64());
        Assert.Same(mean, bn.RunningMean);
        Assert.Equal(DType.Float64, mean.DType);
        Assert.Equal(DType.Float64, bn.Call(Tensor.Randn([4, 3], dtype: DType.Float64)).DType);
    }

    [Fact]
    public void DeviceMovesFailClearlyAndIntegerDTypesAreRefused()
    {
        var lin = new Linear(2, 2);
        var w = lin.Weight;
        Assert.Same(lin, lin.Cpu());
        Assert.Same(lin, lin.To("cpu"));
        Assert.Same(lin, lin.To(Device.Cpu, DType.Float32));
        Assert.Same(w, lin.Weight);
        TensorAssert.Throws<DeviceUnavailableException>(() => lin.Cuda(), "cuda:0", "not available");
        TensorAssert.Throws<DeviceUnavailableException>(() => new ReLU().Cuda(), "cuda:0");   // even with no tensors to move
        TensorAssert.Throws<ArgumentException>(() => lin.To(DType.Int64), "floating point", "int64");
        Assert.Equal(DType.Float32, w.DType);
    }

    [Fact]
    public void ChainedCallsKeepTheModulesOwnType()
    {
        LeNet net = new LeNet().To(DType.Float64).Eval();
        Assert.False(net.Training);
        Assert.Equal([1, 10], net.Call(Tensor.Zeros([1, 3, 32, 32], DType.Float64)).Shape.ToArray());
        Assert.Equal(4, new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 1), new Sigmoid()).Double().Train(false).Count);
        Assert.Equal(3, new Linear(2, 3).Float().Apply(_ => { }).RequiresGrad_(false).OutFeatures);
        var lstm = new LSTM(2, 3).Double().Train();
        Assert.True(lstm.Training);
        Assert.Equal(3, lstm.HiddenSize);
    }

    [Fact]
    public void TheApplyInitIdiomNeedsNoCasts()
    {
        var net = new Net();
        net.Apply(m =>
        {
            if (m is ConvNd c) Init.Normal_(c.Weight, 0, 0.02);
            else if (m is BatchNorm2d bn) { Init.Normal_(bn.Weight, 1.0, 0.02); Init.Constant_(bn.Bias, 0); }
            else if (m is Linear l) { Init.XavierUniform_(l.Weight); Init.Zeros_(l.Bias); }
        });
        var block = (Block)net.Features[0];
        Assert.Equal(0.0, block.Bn.Bias!.Abs().Sum().ToDouble());
        Assert.True(block.Conv.Weight.Std().ToDouble() < 0.05);
        Assert.Equal(0.0, ((Linear)net.Head[1]).Bias!.Abs().Sum().ToDouble());
        var noBias = new Linear(2, 2, bias: false);
        TensorAssert.Throws<ArgumentNullException>(() => Init.Zeros_(noBias.Bias), "Init.Zeros_", "null", "bias: false");
    }

    [Fact]
    public void HooksRunOnLosses()
    {
        var loss = new MseLoss();
        var input = Tensor.Ones(3);
        var target = Tensor.Zeros(3);
        var seen = new List<int>();
        using (loss.RegisterForwardHook((m, args, output) => { seen.Add(args.Length); return null; }))
        using (loss.RegisterForwardHook((m, x, y, l) => l * 2.0))
        {
            Assert.Equal(2.0, loss.Call(input, target).ToDouble());
            Assert.Equal(1.0, loss.Forward(input, target).ToDouble());   // Forward skips hooks
        }
        Assert.Equal([2], seen);
        Assert.Equal(1.0, loss.Call(input, target).ToDouble());
        using (loss.RegisterForwardPreHook((m, x, y) => (x, x)))
            Assert.Equal(0.0, loss.Call(input, target).ToDouble());
        using (loss.RegisterForwardPreHook((m, args) => [args[1], args[1]]))
            Assert.Equal(0.0, loss.Call(input, target).ToDouble());
    }

    [Fact]
    public void HooksRunOnThreeInputLosses()
    {
        var loss = new MarginRankingLoss();
        var a = Tensor.From(new[] { 1f, 2f });
        var b = Tensor.From(new[] { 2f, 1f });
        var y = Tensor.From(new[] { 1f, 1f });
        var seen = new List<int>();
        using (loss.RegisterForwardHook((m, args, output) => { seen.Add(args.Length); return null; }))
            Assert.Equal(0.5, loss.Call(a, b, y).ToDouble());   // mean(max(0, -y (a - b))) = (1 + 0) / 2
        Assert.Equal([3], seen);
        using (loss.RegisterForwardPreHook((m, args) => [args[0], args[0], args[2]]))
            Assert.Equal(0.0, loss.Call(a, b, y).ToDouble());
        using (loss.RegisterForwardPreHook((m, args) => [args[0], args[1]]))
            Assert.Throws<ArgumentException>(() => loss.Call(a, b, y));
    }

    [Fact]
    public void HooksRunOnRecurrentCallsWithAStateAndWithPackedInput()
    {
        Tensor.ManualSeed(2);
        var lstm = new LSTM(2, 3);
        var x = Tensor.Randn(4, 1, 2);
        var h0 = (Tensor.Randn(1, 1, 3), Tensor.Randn(1, 1, 3));
        var untyped = new List<object?[]>();
        int typed = 0;
        using var a = lstm.RegisterForwardHook((m, args, output) => { untyped.Add(args); return null; });
        using var b = lstm.RegisterForwardHook((m, input, output) => { typed++; return default; });
        var (y, _) = lstm.Call(x, h0);
        TensorAssert.Equal(lstm.Forward(x, h0).Output, y);   // a typed hook returning default keeps the output
        Assert.Equal(2, untyped[^1].Length);
        Assert.Equal(h0, ((Tensor, Tensor))untyped[^1][1]!);
        Assert.Equal(1, typed);

        var packed = Utils.Rnn.PackPaddedSequence(Tensor.Randn(4, 2, 2), [4, 2]);
        lstm.Call(packed);
        Assert.IsType<PackedSequence>(untyped[^1][0]);
        Assert.Equal(1, typed);   // the typed hook is declared on tensor input

        var cell = new GRUCell(2, 3);
        var hc = Tensor.Randn(1, 3);
        using (cell.RegisterForwardHook((m, args, output) => ((Tensor)output!) * 0.0))
            Assert.Equal(0.0, cell.Call(Tensor.Randn(1, 2), hc).Abs().Sum().ToDouble());

        // A pre-hook may add the state to a one-argument call, as forward(*args) would take it.
        var rnn = new RNN(2, 3);
        var h = Tensor.Randn(1, 1, 3);
        using (rnn.RegisterForwardPreHook((m, args) => [args[0], h]))
            TensorAssert.Equal(rnn.Forward(x, h).Output, rnn.Call(x).Output);
    }

    [Fact]
    public void HooksRunOnAttentionAndTransformerLayersAndFailClearlyOnAWrongType()
    {
        var mha = new MultiheadAttention(4, 2);
        var q = Tensor.Randn(3, 1, 4);
        int arity = 0;
        using (mha.RegisterForwardHook((m, args, output) => { arity = args.Length; return null; }))
            mha.Call(q, q, q);
        Assert.Equal(7, arity);

        var layer = new TransformerEncoderLayer(4, 2, dimFeedforward: 8, dropout: 0);
        using (layer.RegisterForwardHook((m, args, output) => Tensor.ZerosLike((Tensor)output!)))
            Assert.Equal(0.0, layer.Call(q).Abs().Sum().ToDouble());

        var lin = new Linear(2, 2);
        using (lin.RegisterForwardHook((Module m, object?[] args, object? output) => "not a tensor"))
            TensorAssert.Throws<InvalidOperationException>(() => lin.Call(Tensor.Ones(1, 2)), "Linear", "String", "Tensor");
        using (lin.RegisterForwardPreHook((Module m, object?[] args) => [args[0], args[0]]))
            TensorAssert.Throws<ArgumentException>(() => lin.Call(Tensor.Ones(1, 2)), "Linear", "1 argument", "left 2");
    }
}
