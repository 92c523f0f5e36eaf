using System.Text.Json;
using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>Module registration, traversal, state dicts, modes, hooks and printing, against PyTorch where it has numbers.</summary>
[Collection("DefaultGenerator")]
public class NNModuleTests
{
    private static readonly Golden G = Golden.Load("nn_module");
    private static readonly JsonElement Text = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "nn_module_text.json"))).RootElement;

    /// <summary>A stand-in activation (the real nn.ReLU module lives with the layers).</summary>
    private sealed class Act : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor x) => x.Relu();
        protected internal override string TypeName() => "ReLU";
    }

    private sealed class TwoLayerNet : Module<Tensor, Tensor>
    {
        private readonly Linear linear1;
        private readonly Linear linear2;

        public TwoLayerNet(int dIn, int h, int dOut)
        {
            linear1 = new Linear(dIn, h);
            linear2 = new Linear(h, dOut);
        }

        public override Tensor Forward(Tensor x) => linear2.Call(linear1.Call(x).Clamp(min: 0));
    }

    [Theory]
    [InlineData(0, 1000, 100)]
    [InlineData(1, 100, 10)]
    [InlineData(2, 3, 5)]
    public void LinearStartsFromPyTorchsWeightsForTheSameSeed(int seed, int i, int o)
    {
        Tensor.ManualSeed(seed);
        var lin = new Linear(i, o);
        TensorAssert.Equal(G[$"linear_{seed}_weight"], lin.Weight.Detach());
        TensorAssert.Equal(G[$"linear_{seed}_bias"], lin.Bias!.Detach());
    }

    [Fact]
    public void SequentialNamesEntriesByPositionLikePyTorch()
    {
        Tensor.ManualSeed(0);
        var seq = new Sequential(new Linear(1000, 100), new Act(), new Linear(100, 10));
        var sd = seq.StateDict();
        Assert.Equal(Text.GetProperty("seq_keys").EnumerateArray().Select(e => e.GetString()), sd.Keys);
        foreach (var (k, v) in sd) TensorAssert.Equal(G["seq_" + k], v);
        Assert.Equal(Text.GetProperty("sequential").GetString(), seq.ToString());
        Assert.Equal(4, seq.Parameters().Count());
    }

    [Fact]
    public void FieldsAreFoundInDeclarationOrderAndNamedAfterTheField()
    {
        Tensor.ManualSeed(3);
        var net = new TwoLayerNet(4, 3, 2);
        var x = Tensor.Randn(5, 4);
        TensorAssert.Equal(G["twolayer_x"], x);
        TensorAssert.Close(G["twolayer_y"], net.Call(x).Detach());
        Assert.Equal(Text.GetProperty("twolayer_keys").EnumerateArray().Select(e => e.GetString()), net.NamedParameters().Select(p => p.Name));
        Assert.Equal(Text.GetProperty("twolayer").GetString(), net.ToString());
        Assert.Equal(["", "linear1", "linear2"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(2, net.Children().Count());
    }

    [Fact]
    public void LoadStateDictCopiesInPlaceAndReportsEveryProblem()
    {
        var a = new TwoLayerNet(4, 3, 2);
        var b = new TwoLayerNet(4, 3, 2);
        var w = a.StateDict()["linear1.weight"];
        b.LoadStateDict(a.StateDict());
        foreach (var (k, v) in a.StateDict()) TensorAssert.Equal(v, b.StateDict()[k]);
        Assert.True(b.StateDict()["linear1.weight"].SharesStorageWith(b.Parameters().First()));

        var bad = new Dictionary<string, Tensor>(a.StateDict());
        bad.Remove("linear2.bias");
        bad["extra.weight"] = Tensor.Zeros(1);
        bad["linear1.weight"] = Tensor.Zeros(4, 4);
        var ex = TensorAssert.Throws<ArgumentException>(() => b.LoadStateDict(bad),
            "Error(s) in loading state_dict for TwoLayerNet:", "Missing key(s) in state_dict: \"linear2.bias\".",
            "Unexpected key(s) in state_dict: \"extra.weight\".",
            "size mismatch for linear1.weight: copying a param with shape [4, 4] from checkpoint, the shape in current model is [3, 4].");
        // Nothing was copied: the load is all or nothing.
        TensorAssert.Equal(w, b.StateDict()["linear1.weight"]);

        bad["linear1.weight"] = w;
        var r = b.LoadStateDict(bad, strict: false);
        Assert.Equal(["linear2.bias"], r.MissingKeys);
        Assert.Equal(["extra.weight"], r.UnexpectedKeys);
    }

    private sealed class WithBuffers : Module<Tensor, Tensor>
    {
        public Parameter Scale = new(Tensor.Ones(2));
        [Buffer] public Tensor RunningMean = Tensor.Zeros(2);
        [Buffer(Persistent = false)] public Tensor Scratch = Tensor.Zeros(2);
        public Tensor NotRegistered = Tensor.Zeros(2);
        [Named("custom_name")] public Parameter Renamed = new(Tensor.Zeros(1));

        public WithBuffers() { RegisterBuffer("extra", Tensor.Ones(1)); RegisterParameter("explicit", new Parameter(Tensor.Ones(3))); }

        public override Tensor Forward(Tensor x) => x * Scale;
    }

    [Fact]
    public void BuffersAndPlainTensorsFollowPyTorchsRules()
    {
        var m = new WithBuffers();
        Assert.Equal(["scale", "custom_name", "explicit"], m.NamedParameters().Select(p => p.Name));
        Assert.Equal(["runningMean", "scratch", "extra"], m.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["scale", "custom_name", "explicit", "runningMean", "extra"], m.StateDict().Keys);
    }

    [Fact]
    public void RegistrationRefusesBadAndDuplicateNames()
    {
        var m = new WithBuffers();
        TensorAssert.Throws<ArgumentException>(() => m.RegisterBuffer("scale", Tensor.Zeros(1)), "attribute 'scale' already exists");
        TensorAssert.Throws<ArgumentException>(() => m.RegisterModule("a.b", new Linear(1, 1)), "can't contain \".\"");
    }

    [Fact]
    public void TrainEvalZeroGradApplyAndRequiresGrad()
    {
        var net = new TwoLayerNet(4, 3, 2);
        Assert.True(net.Training);
        net.Eval();
        Assert.All(net.Modules(), m => Assert.False(m.Training));
        net.Train();
        Assert.All(net.Modules(), m => Assert.True(m.Training));

        net.Call(Tensor.Randn(2, 4)).Sum().Backward();
        Assert.All(net.Parameters(), p => Assert.NotNull(p.Grad));
        net.ZeroGrad(setToNone: false);
        Assert.All(net.Parameters(), p => Assert.Equal(0.0, p.Grad!.Abs().Sum().Item<double>()));
        net.ZeroGrad();
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));

        var visited = new List<string>();
        net.Apply(m => visited.Add(m.GetType().Name));
        Assert.Equal(["Linear", "Linear", "TwoLayerNet"], visited);

        net.RequiresGrad_(false);
        Assert.All(net.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    [Fact]
    public void ForwardHooksRunThroughCallOnly()
    {
        var lin = new Linear(2, 2);
        int calls = 0;
        using (lin.RegisterForwardHook((m, x, y) => { calls++; return y * 0.0; }))
        {
            var y = lin.Call(Tensor.Ones(1, 2));
            Assert.Equal(0.0, y.Abs().Sum().Item<double>());
            lin.Forward(Tensor.Ones(1, 2)); // forward() skips hooks, as in PyTorch
            Assert.Equal(1, calls);
        }
        lin.Call(Tensor.Ones(1, 2));
        Assert.Equal(1, calls);
        using (lin.RegisterForwardPreHook((m, x) => x * 2.0))
            TensorAssert.Close(lin.Forward(Tensor.Full([1, 2], 2.0)), lin.Call(Tensor.Ones(1, 2)));
    }

    [Fact]
    public void ContainersRegisterByPositionAndName()
    {
        var list = new ModuleList(new Linear(1, 2), new Linear(2, 3));
        list.Insert(0, new Linear(5, 1));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], list.StateDict().Keys);
        Assert.Equal([1, 5], list[0].Parameters().First().Shape.ToArray());

        var dict = new ModuleDict(("enc", new Linear(1, 1)), ("dec", new Linear(1, 1)));
        Assert.Equal(["enc.weight", "enc.bias", "dec.weight", "dec.bias"], dict.StateDict().Keys);
        var plist = new ParameterList(new Parameter(Tensor.Zeros(2)), new Parameter(Tensor.Zeros(3)));
        Assert.Equal(["0", "1"], plist.StateDict().Keys);
        var named = new Sequential(("fc", new Linear(2, 2)), ("act", new Act()));
        Assert.Equal(["fc.weight", "fc.bias"], named.StateDict().Keys);
        Assert.Same(named[0], named.Children().First());
    }

    [Fact]
    public void ParametersAreLeavesThatRequireGradAndPrintLikePyTorch()
    {
        var p = new Parameter(Tensor.From(new float[] { 1, 2 }));
        Assert.True(p.IsLeaf);
        Assert.True(p.RequiresGrad);
        Assert.Equal("Parameter containing:\ntensor([1., 2.], requires_grad=True)", p.ToString());
        TensorAssert.Throws<ArgumentException>(() => new Parameter(Tensor.From(new long[] { 1 })), "floating point");
        Assert.False(new Parameter(Tensor.From(new long[] { 1 }), requiresGrad: false).RequiresGrad);
    }

    [Fact]
    public void SharedSubmodulesAndParametersAreListedOnce()
    {
        var shared = new Linear(2, 2);
        var seq = new Sequential(shared, new Act(), shared);
        Assert.Equal(2, seq.Parameters().Count());
        Assert.Equal(["0.weight", "0.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.StateDict().Keys); // state_dict lists every entry, as PyTorch's
    }
}
