using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The lazy modules against PyTorch (tests/golden/nn_lazy.py): after one seeded forward, the inferred
/// sizes, the drawn parameters, the running statistics and the output equal PyTorch's, and the module
/// prints as PyTorch's before (<c>LazyLinear(in_features=0, ...)</c>) and after (<c>Linear(...)</c>).
/// Also: uninitialized parameters refuse operations, optimizers built before the first forward keep
/// working, state dicts load into lazy modules, dtype conversion before materialization.
/// </summary>
[Collection("DefaultGenerator")]
public class LazyModuleTests
{
    private static Golden G => Golden.Load("nn_lazy");

    private static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Make = new()
    {
        ["linear"] = () => new LazyLinear(5),
        ["linear_nobias_3d"] = () => new LazyLinear(3, bias: false),
        ["conv1d"] = () => new LazyConv1d(4, 3, stride: 2, padding: 1),
        ["conv1d_unbatched"] = () => new LazyConv1d(2, 2, padding: "same", paddingMode: "reflect"),
        ["conv2d"] = () => new LazyConv2d(4, 3, groups: 2),
        ["conv3d"] = () => new LazyConv3d(2, (2, 1, 2), bias: false),
        ["convt1d"] = () => new LazyConvTranspose1d(3, 3, stride: 2),
        ["convt2d"] = () => new LazyConvTranspose2d(4, 2, groups: 2, outputPadding: 1, stride: 2),
        ["convt3d"] = () => new LazyConvTranspose3d(2, 2),
        ["bn1d"] = () => new LazyBatchNorm1d(),
        ["bn2d"] = () => new LazyBatchNorm2d(momentum: null),
        ["bn3d"] = () => new LazyBatchNorm3d(affine: false),
        ["in1d"] = () => new LazyInstanceNorm1d(),
        ["in2d"] = () => new LazyInstanceNorm2d(momentum: 0.3),
        ["in3d"] = () => new LazyInstanceNorm3d(trackRunningStats: false),
    };

    public static TheoryData<string> Cases() => [.. Make.Keys];

    [Theory, MemberData(nameof(Cases))]
    public void FirstForwardDrawsPyTorchsParametersAndBecomesThePlainLayer(string name)
    {
        var m = Make[name]();
        var repr = G.Meta.GetProperty("repr").GetProperty(name);
        Assert.Equal(repr[0].GetString(), m.ToString());
        Assert.True(((ILazyModule)m).HasUninitializedParams());
        Tensor.ManualSeed(0);
        var y = m.Forward(G[name + ".x"]);
        Assert.False(((ILazyModule)m).HasUninitializedParams());
        Assert.Equal(repr[1].GetString(), m.ToString());
        TensorAssert.Close(G[name + ".y"], y, 1e-5, 1e-6);
        var sd = m.StateDict();
        var expectedKeys = G.Names.Where(k => k.StartsWith(name + ".sd.", StringComparison.Ordinal)).Select(k => k[(name.Length + 4)..]).ToList();
        Assert.Equal(expectedKeys, sd.Keys.ToList());
        foreach (var k in expectedKeys) TensorAssert.Close(G[name + ".sd." + k], sd[k], 1e-5, 1e-6);
    }

    [Fact]
    public void LazyLayersAreThePlainTypesSoInitLoopsNeedNoCasts()
    {
        Module[] ms = [new LazyLinear(3), new LazyConv2d(2, 3), new LazyBatchNorm2d(), new LazyInstanceNorm1d()];
        Assert.IsAssignableFrom<Linear>(ms[0]);
        Assert.IsAssignableFrom<ConvNd>(ms[1]);
        Assert.IsAssignableFrom<BatchNormBase>(ms[2]);
        Assert.IsAssignableFrom<InstanceNormBase>(ms[3]);
        var l = (LazyLinear)ms[0];
        Assert.Equal(0, l.InFeatures);
        Assert.True(l.Weight.IsLazy);
        Assert.Equal("<UninitializedParameter>", l.Weight.ToString());
        Assert.Equal(DType.Float32, l.Weight.DType);
        Assert.True(l.Weight.RequiresGrad);
        Assert.True(((LazyBatchNorm2d)ms[2]).RunningMean!.IsLazy);
        Assert.Equal("<UninitializedBuffer>", ((LazyBatchNorm2d)ms[2]).RunningMean!.ToString());
        Assert.False(((LazyBatchNorm2d)ms[2]).NumBatchesTracked!.IsLazy);
    }

    [Fact]
    public void UninitializedParametersRefuseOperationsNamingThem()
    {
        var l = new LazyLinear(3);
        TensorAssert.Throws<InvalidOperationException>(() => l.Weight.Add(1), "Attempted to use an uninitialized parameter in Tensor.Add", "lazy module");
        TensorAssert.Throws<InvalidOperationException>(() => Init.Normal_(l.Weight), "uninitialized parameter in Init.Normal_");
        TensorAssert.Throws<InvalidOperationException>(() => l.Weight.Sum(), "uninitialized parameter in Tensor.Sum");
    }

    [Fact]
    public void MaterializeGivesTheSameObjectAShapeOnce()
    {
        var p = Uninitialized.Parameter(dtype: DType.Float64);
        Assert.Equal(DType.Float64, p.DType);
        p.Materialize([2, 3]);
        Assert.False(p.IsLazy);
        Assert.Equal([2, 3], p.Shape.ToArray());
        Assert.Equal(DType.Float64, p.DType);
        using (Ember.Autograd.NoGrad()) p.Fill_(1);   // an ordinary tensor now
        TensorAssert.Throws<InvalidOperationException>(() => p.Materialize([1]), "materialize", "already initialized");
        var b = Uninitialized.Buffer();
        Assert.False(b.RequiresGrad);
        b.Materialize([4], dtype: DType.Float64);
        Assert.Equal(DType.Float64, b.DType);
        TensorAssert.Throws<ArgumentException>(() => Uninitialized.Buffer().Materialize([-1]), "materialize", "[-1]");
    }

    [Fact]
    public void AnOptimizerBuiltBeforeTheFirstForwardUpdatesTheMaterializedParameters()
    {
        // PyTorch allows it: materialization keeps each parameter object.
        var m = new LazyLinear(2);
        var opt = new Sgd(m.Parameters(), lr: 0.5);
        var w = m.Weight;
        var y = m.Forward(Tensor.Ones(3, 4));
        Assert.Same(w, m.Weight);
        var before = m.Weight.Clone();
        y.Sum().Backward();
        opt.Step();
        TensorAssert.Close(before - 0.5 * 3, m.Weight);
    }

    [Fact]
    public void AStateDictLoadsIntoALazyModuleAndIsKeptByTheFirstForward()
    {
        var lazy = new LazyLinear(5);
        var sd = new Dictionary<string, Tensor> { ["weight"] = G["loaded.weight"], ["bias"] = Tensor.Zeros(5) };
        var r = lazy.LoadStateDict(sd);
        Assert.Empty(r.MissingKeys);
        Assert.Equal(4, lazy.InFeatures);   // PyTorch leaves in_features at 0 here; Ember reads it from the weight
        Assert.Equal("LazyLinear(in_features=4, out_features=5, bias=True)", lazy.ToString());
        var y = lazy.Forward(G["loaded.x"]);
        TensorAssert.Close(G["loaded.weight"], lazy.Weight);
        TensorAssert.Close(G["loaded.x"].MatMul(G["loaded.weight"].T), y, 1e-5, 1e-6);
        Assert.Equal("Linear(in_features=4, out_features=5, bias=True)", lazy.ToString());
    }

    [Fact]
    public void LazyStateDictsStayLazyAndCannotFillAnInitializedModule()
    {
        var a = new LazyLinear(3);
        var sd = a.StateDict();
        Assert.True(sd["weight"].IsLazy);
        var b = new LazyLinear(3);
        b.LoadStateDict(sd);
        Assert.True(b.HasUninitializedParams());
        TensorAssert.Throws<ArgumentException>(() => new Linear(2, 3).LoadStateDict(sd), "Linear", "weight", "uninitialized", "[3, 2]");
    }

    [Fact]
    public void APartialLoadIsRefusedAtTheFirstForward()
    {
        var m = new LazyLinear(5);
        m.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones(5, 4) }, strict: false);
        TensorAssert.Throws<InvalidOperationException>(() => m.Forward(Tensor.Ones(2, 4)), "LazyLinear", "'weight'", "not 'bias'");
    }

    [Fact]
    public void DoubleBeforeTheFirstForwardMaterializesInFloat64()
    {
        var net = new Sequential(new LazyLinear(3), new ReLU(), new LazyBatchNorm1d()).Double();
        Assert.True(((LazyLinear)net[0]).Weight.IsLazy);
        var y = net.Forward(Tensor.Ones([2, 4], DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal(DType.Float64, ((LazyLinear)net[0]).Weight.DType);
        Assert.Equal(DType.Int64, ((LazyBatchNorm1d)net[2]).NumBatchesTracked!.DType);
    }

    [Fact]
    public void LazyModulesWarnAsPyTorchDoes()
    {
        using var w = Warnings.Capture();
        _ = new LazyConv1d(2, 3);
        var expected = G.Meta.GetProperty("warnings").GetProperty("lazy")[0].GetString();
        Assert.Contains(expected, w.Messages);
    }

    [Fact]
    public void BadFirstInputsNameTheLayerAndWhatWasExpected()
    {
        TensorAssert.Throws<ArgumentException>(() => new LazyConv2d(4, 3).Forward(Tensor.Ones(3, 3)), "LazyConv2d", "3D (unbatched) or 4D (batched)", "[3, 3]");
        TensorAssert.Throws<ArgumentException>(() => new LazyConv2d(4, 3, groups: 2).Forward(Tensor.Ones(1, 3, 5, 5)), "LazyConv2d", "in_channels must be divisible by groups", "groups=2");
        TensorAssert.Throws<ArgumentException>(() => new LazyLinear(4).Forward(Tensor.Ones(Array.Empty<int>())), "LazyLinear", "[]");
        TensorAssert.Throws<ArgumentException>(() => new LazyBatchNorm1d().Forward(Tensor.Ones(4)), "LazyBatchNorm1d", "expected 2D or 3D input");
        var m = new LazyConv1d(2, 3);
        Assert.Throws<ArgumentException>(() => m.Forward(Tensor.Ones(3)));
        Assert.True(m.HasUninitializedParams());   // a refused input leaves the module lazy
    }

    [Fact]
    public void AnUnbatchedInstanceNormReadsItsChannelsFromTheChannelDim()
    {
        var m = new LazyInstanceNorm1d();
        var y = m.Forward(Tensor.Randn(3, 5));
        Assert.Equal(3, m.NumFeatures);
        Assert.Equal([3, 5], y.Shape.ToArray());
    }
}
