using Ember.Vision.Datasets;
using Ember.Vision.Transforms;
using Xunit;

namespace Ember.Tests.Vision;

/// <summary>
/// FakeData and the transforms applied to images before ToTensor give torchvision 0.14's values with
/// Pillow 9 (tests/golden/data_porting.py).
/// </summary>
[Collection("DefaultGenerator")]
public class VisionPortingTests
{
    private static readonly Golden G = Golden.Load("data_porting");

    [Fact]
    public void FakeDataGivesTorchvisionsImagesAndTargets()
    {
        var fake = new FakeData(size: 6, imageSize: [3, 4, 5], numClasses: 7, randomOffset: 3);
        Assert.Equal(6, fake.Count);
        for (int i = 0; i < fake.Count; i++)
        {
            var (img, target) = fake[i];
            TensorAssert.Equal(G[$"fake_rgb_{i}"], img);
            Assert.Equal(G[$"fake_rgb_target_{i}"].ToArray<long>()[0], target);
            TensorAssert.Equal(img, fake[i].Image); // an index always gives the same image
        }
        Tensor.ManualSeed(0);
        var gray = new FakeData(size: 3, imageSize: [1, 6, 6], numClasses: 3, transform: new ToTensor());
        for (int i = 0; i < gray.Count; i++)
        {
            var (img, target) = gray[i];
            TensorAssert.Close(G[$"fake_gray_{i}"], img, rtol: 1e-6, atol: 1e-7);
            Assert.Equal(G[$"fake_gray_target_{i}"].ToArray<long>()[0], target);
        }
        TensorAssert.Equal(G["fake_after_seeded"], Tensor.Rand(2)); // the default generator was not touched
        Assert.Equal(new[] { 224, 224, 3 }, new FakeData(size: 1)[0].Image.Shape.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeData(size: 2)[2]);
        Assert.Contains("image_size", Assert.Throws<ArgumentException>(() => new FakeData(imageSize: [2, 4, 4])).Message);
    }

    public static TheoryData<string> Cases => new()
    {
        "resize_down", "resize_up", "resize_short", "resize_width_only", "resize_l", "resize_l_up", "center_crop",
        "center_crop_pad", "pad_constant", "pad_reflect", "pad_edge", "pad_symmetric", "gray1", "gray3", "hflip",
    };

    private static IImageTransform Transform(string name) => name switch
    {
        "resize_down" => new Resize([5, 7]),
        "resize_up" => new Resize([20, 30]),
        "resize_short" => new Resize(8),
        "resize_width_only" => new Resize([13, 8]),
        "resize_l" => new Resize([5, 4]),
        "resize_l_up" => new Resize([25, 19]),
        "center_crop" => new CenterCrop(5, 8),
        "center_crop_pad" => new CenterCrop(20),
        "pad_constant" => new Pad([1, 2, 3, 4], fill: 7),
        "pad_reflect" => new Pad(2, paddingMode: PaddingMode.Reflect),
        "pad_edge" => new Pad([3, 1], paddingMode: PaddingMode.Edge),
        "pad_symmetric" => new Pad(3, paddingMode: PaddingMode.Symmetric),
        "gray1" => new Grayscale(),
        "gray3" => new Grayscale(3),
        _ => new RandomHorizontalFlip(1.0),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TransformsOnImagesGivePillowsPixels(string name)
    {
        Tensor input = name is "resize_l" or "resize_l_up" or "pad_edge" ? G["pil_l"] : G["pil_rgb"];
        TensorAssert.Equal(G[$"pil_{name}"], Transform(name).ApplyToImage(input));
    }

    [Fact]
    public void RandomTransformsOnImagesDrawAsTorchvision()
    {
        Tensor rgb = G["pil_rgb"];
        Tensor.ManualSeed(5);
        var crop = new RandomCrop(8, padding: 2);
        TensorAssert.Equal(G["pil_random_crop"], Tensor.Stack([.. Enumerable.Range(0, 3).Select(_ => crop.ApplyToImage(rgb))]));
        Tensor.ManualSeed(6);
        var flip = new RandomHorizontalFlip();
        TensorAssert.Equal(G["pil_random_flip"], Tensor.Stack([.. Enumerable.Range(0, 4).Select(_ => flip.ApplyToImage(rgb))]));
    }

    [Fact]
    public void AComposedPipelineWorksOnTheImageUntilToTensor()
    {
        var pipeline = new Compose(new Resize(10), new CenterCrop(8), new ToTensor(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        TensorAssert.Close(G["pil_pipeline"], pipeline.ApplyToImage(G["pil_rgb"]), rtol: 1e-6, atol: 1e-6);
        // A dataset applies it the same way.
        var ds = new FakeData(size: 1, imageSize: [3, 13, 17], transform: pipeline);
        Assert.Equal(new[] { 3, 8, 8 }, ds[0].Image.Shape.ToArray());

        var misplaced = new Compose(new Normalize([0.5], [0.5]), new ToTensor());
        Assert.Contains("Normalize: img should be a tensor image", Assert.Throws<ArgumentException>(() => misplaced.ApplyToImage(G["pil_rgb"])).Message);
        // ToPILImage turns the tensor back into an image, and the transforms after it see an image.
        var back = new Compose(new ToTensor(), new ToPilImage(), new Grayscale());
        TensorAssert.Equal(G["pil_gray1"], back.ApplyToImage(G["pil_rgb"]));
        TensorAssert.Equal(new PilToTensor().Apply(G["pil_rgb"]), G["pil_rgb"].Permute(2, 0, 1));
        Assert.Contains("expected an image before ToTensor", Assert.Throws<ArgumentException>(() =>
            new Resize(4).ApplyToImage(Tensor.Zeros(3, 8, 8))).Message);
    }
}
