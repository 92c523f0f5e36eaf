using Ember.Jit;
using Ember.NN;
using Ember.Serialization;
using Ember.Vision.Models;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// <see cref="Onnx.Load(string, long)"/>: files PyTorch 1.13's torch.onnx.export wrote (tests/golden/onnx_fixtures.py)
/// give PyTorch's outputs at two batch sizes; files Ember exports load back and give Ember's outputs.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class OnnxImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ember-onnx-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "golden", "onnx", name + ".onnx");

    internal static readonly string[] PyTorchFixtures = ["lenet", "mlp", "bn_pool", "ln_gelu_17", "ln_gelu_13", "embedding_mean", "plumbing"];

    private static void AssertClose(Tensor want, Tensor got, string what, double tol = 1e-5)
    {
        Assert.Equal(want.Shape, got.Shape);
        Assert.Equal(want.DType, got.DType);
        double worst = (got.To(DType.Float64) - want.To(DType.Float64)).Abs().Max().Item().ToDouble();
        double scale = Math.Max(1, want.To(DType.Float64).Abs().Max().Item().ToDouble());
        Assert.True(worst <= tol * scale, $"{what}: differs by up to {worst:G4}.");
    }

    public static TheoryData<string> Fixtures() => [.. PyTorchFixtures];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void PyTorchExportsGivePyTorchsOutputsAtTwoBatchSizes(string name)
    {
        var golden = Golden.Load("onnx_fixtures");
        var model = Onnx.Load(FixturePath(name));
        Assert.StartsWith("pytorch", model.Producer, StringComparison.Ordinal);
        using (Ember.Autograd.NoGrad())
        {
            AssertClose(golden[name + ".output"], model.Call(golden[name + ".input"]), name);
            AssertClose(golden[name + ".output2"], model.Call(golden[name + ".input2"]), name + " (second batch size)");
        }
    }

    [Fact]
    public void PyTorchInitializersAreTheStateDictKeys()
    {
        var lenet = Onnx.Load(FixturePath("lenet"));
        var keys = lenet.StateDict().Keys.ToHashSet();
        foreach (var k in new[] { "conv1.weight", "conv1.bias", "conv2.weight", "fc1.weight", "fc3.bias" }) Assert.Contains(k, keys);
        Assert.Equal([6, 1, 5, 5], lenet.StateDict()["conv1.weight"].Shape.ToArray());
        Assert.Contains("Conv", lenet.Operators);
        Assert.Contains("Reshape", lenet.Operators);

        // Batch-norm statistics are buffers, the affine terms parameters, as in the exported module.
        var bn = Onnx.Load(FixturePath("bn_pool"));
        Assert.Contains("bn3.running_mean", bn.NamedBuffers().Select(b => b.Name));
        Assert.Contains("bn3.weight", bn.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ALoadedModelTakesNewWeightsThroughItsStateDict()
    {
        var model = Onnx.Load(FixturePath("mlp"));
        var x = Golden.Load("onnx_fixtures")["mlp.input"];
        var before = model.Call(x);
        using (Ember.Autograd.NoGrad()) ((Tensor)model.NamedParameters().First(p => p.Name == "6.bias").Parameter).Add_(Tensor.Ones(10));
        // log_softmax is invariant to a constant shift of its input: a change to the last bias must not show...
        AssertClose(before, model.Call(x), "shifted last bias");
        using (Ember.Autograd.NoGrad()) ((Tensor)model.NamedParameters().First(p => p.Name == "1.weight").Parameter).Zero_();
        Assert.False(before.AllClose(model.Call(x)), "a zeroed first layer must change the output");
    }

    [Fact]
    public void InputsAreCheckedAgainstTheDeclaredTypes()
    {
        var model = Onnx.Load(FixturePath("lenet"));
        var e = Assert.Throws<ArgumentException>(() => model.Call(Tensor.Randn(2, 1, 32, 32)));
        Assert.Contains("batch", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.Call(Tensor.Randn(2, 1, 28, 28).Double()));
        Assert.Throws<ArgumentException>(() => model.Run(Tensor.Randn(2, 1, 28, 28), Tensor.Randn(1)));
    }

    public static TheoryData<string> VisionModels() => ["lenet", "mlp", "resnet18", "mobilenet_v2", "squeezenet1_1"];

    private static (Module<Tensor, Tensor> Model, int[] Input) Vision(string name) => name switch
    {
        "lenet" => (new LeNet(), [3, 32, 32]),
        "mlp" => (new Mlp(3 * 8 * 8, 32), [3, 8, 8]),
        "resnet18" => (ResNet.Resnet18(numClasses: 10), [3, 32, 32]),
        "mobilenet_v2" => (new MobileNetV2(numClasses: 10, widthMult: 0.25), [3, 32, 32]),
        "squeezenet1_1" => (SqueezeNet.Squeezenet1_1(numClasses: 10), [3, 64, 64]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(VisionModels))]
    public void EmberExportsLoadBackAndGiveEmbersOutputsAtTwoBatchSizes(string name)
    {
        Tensor.ManualSeed(7);
        var (model, shape) = Vision(name);
        model.Eval();
        string path = Path.Combine(_dir, name + ".onnx");
        Onnx.Export(model, Tensor.Randn([2, .. shape]), path, dynamicAxes: [DynamicDim.Batch]);
        var loaded = Onnx.Load(path);
        Assert.StartsWith("Ember", loaded.Producer, StringComparison.Ordinal);
        // Every parameter is in the loaded state dict under its own key, with its values (the exporter's
        // constants, such as a clamp's bounds, are initializers too, under names of their own).
        var got = loaded.StateDict();
        foreach (var (key, p) in model.NamedParameters())
        {
            Assert.True(got.ContainsKey(key), $"{name}: the loaded model lacks '{key}'.");
            Assert.True(got[key].Equal(p), $"{name}: '{key}' differs.");
        }
        foreach (int batch in new[] { 2, 5 })
        {
            var x = Tensor.Randn([batch, .. shape]);
            using (Ember.Autograd.NoGrad()) AssertClose(model.Call(x), loaded.Call(x), $"{name} at batch {batch}");
        }
    }

    [Fact]
    public void ALoadedGraphIsDifferentiable()
    {
        var model = Onnx.Load(FixturePath("ln_gelu_17"));
        var x = Golden.Load("onnx_fixtures")["ln_gelu_17.input"];
        model.Call(x).Pow(Tensor.Scalar(2f)).Sum().Backward();
        var w = (Tensor)model.NamedParameters().First(p => p.Name == "norm.weight").Parameter;
        Assert.NotNull(w.Grad);
        Assert.True(w.Grad!.Abs().Sum().Item().ToDouble() > 0);
    }

    [Fact]
    public void TheSupportedOperatorsAreListed()
    {
        var ops = Onnx.SupportedImportOperators;
        foreach (var op in new[] { "Conv", "Gemm", "BatchNormalization", "LayerNormalization", "Gather", "Reshape", "Shape", "Softmax", "ReduceMean", "Erf" })
            Assert.Contains(op, ops);
        Assert.Equal(ops.Order(StringComparer.Ordinal), ops);
    }
}
