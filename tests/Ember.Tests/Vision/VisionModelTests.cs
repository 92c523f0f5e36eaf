using System.Text.Json;
using Ember.NN;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Vision;

/// <summary>
/// Ember.Vision.Models against torchvision 0.14 (tests/golden/vision_models.py): state-dict keys, shapes and
/// order, the printed tree, eval-mode logits after loading a state dict, and real torchvision state dicts
/// saved with torch.save. One class, so the big models (VGG holds 130M parameters) never run side by side.
/// </summary>
public class VisionModelTests
{
    private static readonly Golden G = Golden.Load("vision_models");

    public static TheoryData<string> AllModels() => new(VisionModelZoo.Models.Keys);

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
    public void VisionModelHasTorchvisionsStateDictKeysShapesOrderAndRepr(string name)
    {
        var model = VisionModelZoo.Models[name]();
        var expected = Keys(name);
        var sd = model.StateDict();
        Assert.Equal(expected.Select(e => e.Key), sd.Keys);
        foreach (var (k, shape, dtype) in expected)
        {
            Assert.True(shape.SequenceEqual((int[])sd[k].Shape), $"{name}: {k} has shape {sd[k].Shape}, torchvision's is [{string.Join(", ", shape)}]");
            Assert.Equal("torch." + dtype, sd[k].DType.TorchName());
        }
        Assert.Equal(Meta(name).GetProperty("repr").GetString(), model.ToString());
    }

    [Theory]
    [MemberData(nameof(AllModels))]
    public void VisionModelGivesTorchvisionsLogitsForTheSameStateDict(string name)
    {
        var model = VisionModelZoo.Models[name]();
        var result = model.LoadStateDict(VisionModelZoo.SyntheticStateDict(Keys(name).Select(e => (e.Key, e.Shape)).ToList()));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        model.Eval();
        Tensor logits;
        using (Ember.Autograd.NoGrad()) logits = model.Call(VisionModelZoo.SyntheticInput(InputShape(name)));
        AssertLogits(G[name + ".logits"], logits, name);
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
