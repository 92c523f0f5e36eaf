using System.Text.Json;
using Ember.NN;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Vision;

/// <summary>
/// Ember.Vision.Models against torchvision 0.14 (tests/golden/vision_models.py): state-dict keys, shapes and
/// order, the printed tree, eval-mode logits after loading a state dict, real torchvision state dicts saved
/// with torch.save, and a training step. In the DefaultGenerator collection: the seeded initial values need the
/// default generator to themselves, and the collection runs alone, so the big models (VGG holds 130M
/// parameters) never share the machine with other tests. One test per model, so each is built once.
/// </summary>
[Collection("DefaultGenerator")]
public class VisionModelTests
{
    private static readonly Golden G = Golden.Load("vision_models");

    /// <summary>
    /// Every model but two VGGs: each VGG holds a 25088 x 4096 layer, and building, filling and training four of
    /// them took most of this class's time. VGG-11 (no batch norm) and VGG-16-BN cover both feature builders and
    /// the shared classifier; <see cref="VisionModelVggFeaturesMatchTorchvisions"/> checks the other two's structure.
    /// </summary>
    public static TheoryData<string> AllModels() => new(VisionModelZoo.Models.Keys.Where(n => n is not ("vgg11_bn" or "vgg16")));

    /// <summary>
    /// VGG-16-BN is built without torchvision's re-initialisation (drawing 120M normals costs seconds and
    /// VGG-11 checks the same code; its batch norms start at 1 and 0 either way). Neither VGG takes the
    /// training step: a backward pass through the 25088 x 4096 layer costs seconds and exercises nothing
    /// AlexNet's (the same classifier layers) and the other models' do not.
    /// </summary>
    private static readonly HashSet<string> NoInitCheck = ["vgg16_bn"];
    private static readonly HashSet<string> NoTrainingStep = ["vgg11", "vgg16_bn"];

    private static JsonElement Meta(string name) => G.Meta.GetProperty("models").GetProperty(name);

    private static List<(string Key, int[] Shape, string DType)> Keys(string name) =>
        Meta(name).GetProperty("keys").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray(), e[2].GetString()!)).ToList();

    private static int[] InputShape(string name) => Meta(name).GetProperty("input").EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static void AssertLogits(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal((int[])expected.Shape, (int[])actual.Shape);
        float diff = (actual - expected).Abs().Max().Item<float>();
        Assert.True(diff <= 1e-4f, $"{what}: logits differ from torchvision's by {diff} (> 1e-4)");
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void VisionModelMatchesTorchvisionAndTrains(string name)
    {
        bool checkInit = !NoInitCheck.Contains(name);
        Tensor.ManualSeed(0);
        var model = checkInit ? VisionModelZoo.Models[name]() : Ember.Vision.Models.VGG.Vgg16Bn(numClasses: 10, initWeights: false);

        // Structure: torchvision's state-dict keys in order, their shapes and dtypes, and print(model).
        var expected = Keys(name);
        var own = model.StateDict();
        Assert.Equal(expected.Select(e => e.Key), own.Keys);
        foreach (var (k, shape, dtype) in expected)
        {
            Assert.True(shape.SequenceEqual((int[])own[k].Shape), $"{name}: {k} has shape {own[k].Shape}, torchvision's is [{string.Join(", ", shape)}]");
            Assert.Equal("torch." + dtype, own[k].DType.TorchName());
        }
        Assert.Equal(Meta(name).GetProperty("repr").GetString(), model.ToString());

        // Initialisation: the same seed gives torchvision's initial values (first, second and last of each
        // tensor), since the layers draw in torchvision's order and the schemes match.
        var init = Meta(name).GetProperty("init").EnumerateArray().Select(e => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray()).ToList();
        for (int i = 0; checkInit && i < expected.Count; i++)
        {
            var flat = own[expected[i].Key].Reshape(-1).To(DType.Float32);
            float[] actual = [flat[0].Item<float>(), flat[Math.Min(1, flat.Size(0) - 1)].Item<float>(), flat[-1].Item<float>()];
            Assert.True(init[i].SequenceEqual(actual), $"{name}: {expected[i].Key} starts as [{string.Join(", ", actual)}], torchvision's as [{string.Join(", ", init[i])}]");
        }

        // Numbers: the state dict torchvision ran with (synthetic, see VisionModelZoo) gives its eval-mode logits.
        var result = model.LoadStateDict(VisionModelZoo.SyntheticStateDict(expected.Select(e => (e.Key, e.Shape)).ToList()));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        model.Eval();
        Tensor logits;
        using (Ember.Autograd.NoGrad()) logits = model.Call(VisionModelZoo.SyntheticInput(InputShape(name)));
        AssertLogits(G[name + ".logits"], logits, name);

        // Training: a forward in training mode (batch-norm batch statistics, dropout) and a backward pass
        // that reaches every parameter with a finite gradient of its shape.
        if (NoTrainingStep.Contains(name)) return;
        model.Train();
        Tensor.ManualSeed(0);
        int side = name == "alexnet" ? 64 : 32;   // AlexNet's stride-4 stem and three pools need at least 63 pixels
        var x = Tensor.Randn(2, 3, side, side);
        var output = model.Call(x);
        Assert.Equal([2, 10], (int[])output.Shape);
        F.CrossEntropy(output, Tensor.From<long>([1, 7], [2])).Backward();
        foreach (var (n, p) in model.NamedParameters())
        {
            Assert.True(p.Grad is not null, $"{name}: {n} got no gradient");
            Assert.Equal((int[])p.Shape, (int[])p.Grad!.Shape);
            Assert.True(float.IsFinite(p.Grad.Sum().Item<float>()), $"{name}: {n} has a non-finite gradient");
        }
    }

    [Theory]
    [InlineData("vgg11_bn", "A", true)]
    [InlineData("vgg16", "D", false)]
    public void VisionModelVggFeaturesMatchTorchvisions(string name, string cfg, bool batchNorm)
    {
        // The features alone (9M and 15M parameters); the classifier is the one vgg11 and vgg16_bn check.
        var features = Ember.Vision.Models.VGG.MakeLayers(Ember.Vision.Models.VGG.Cfgs[cfg], batchNorm);
        var expected = Keys(name);
        var own = features.StateDict();
        Assert.Equal(expected.Where(e => e.Key.StartsWith("features.", StringComparison.Ordinal)).Select(e => e.Key),
            own.Keys.Select(k => "features." + k));
        foreach (var (k, t) in own) Assert.Equal(expected.Single(e => e.Key == "features." + k).Shape, (int[])t.Shape);
        Assert.Equal(Keys("vgg11").SkipWhile(e => e.Key.StartsWith("features.", StringComparison.Ordinal)),
            expected.SkipWhile(e => e.Key.StartsWith("features.", StringComparison.Ordinal)));
        string repr = Meta(name).GetProperty("repr").GetString()!;
        Assert.StartsWith("VGG(\n  (features): " + features.ToString().Replace("\n", "\n  ") + "\n  (avgpool): ", repr);
        Assert.Equal(Meta("vgg11").GetProperty("repr").GetString()![Meta("vgg11").GetProperty("repr").GetString()!.IndexOf("\n  (avgpool)", StringComparison.Ordinal)..],
            repr[repr.IndexOf("\n  (avgpool)", StringComparison.Ordinal)..]);
    }

    [Theory]
    [InlineData("squeezenet1_1")]
    [InlineData("mobilenet_v2_w05")]
    public void VisionModelLoadsTorchvisionsSavedStateDictAndGivesItsLogits(string name)
    {
        var sd = TorchFile.LoadStateDict(Path.Combine(AppContext.BaseDirectory, "golden", "serialization", "models", name + ".pt"));
        var model = VisionModelZoo.Models[name]();
        model.LoadStateDict(sd);   // strict
        model.Eval();
        Tensor logits;
        using (Ember.Autograd.NoGrad()) logits = model.Call(VisionModelZoo.SyntheticInput(InputShape(name)));
        AssertLogits(G[name + ".saved_logits"], logits, name);
    }
}
