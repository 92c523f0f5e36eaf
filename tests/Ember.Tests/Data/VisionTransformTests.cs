using Ember.Vision.Transforms;
using Xunit;

namespace Ember.Tests.Data;

public class VisionTransformTests
{
    private static Tensor Chw(int c, int h, int w) =>
        Tensor.From<float>(Enumerable.Range(0, c * h * w).Select(i => (float)i).ToArray(), [c, h, w]);

    [Fact]
    public void ToTensorMakesChwFloatInUnitRange()
    {
        var hwc = Tensor.From<byte>(new byte[] { 0, 255, 51, 102, 153, 204 }, [1, 2, 3]);
        var t = new ToTensor().Apply(hwc);
        Assert.Equal(new[] { 3, 1, 2 }, t.Shape.ToArray());
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 0f, 102 / 255f, 1f, 153 / 255f, 0.2f, 0.8f }, t.ToArray<float>());
        Assert.Equal(new[] { 1, 2, 2 }, new ToTensor().Apply(Tensor.From<byte>(new byte[4], [2, 2])).Shape.ToArray());
        TensorAssert.Throws<ArgumentException>(() => new ToTensor().Apply(Tensor.Zeros(1, 2, 3, 4)), "ToTensor", "2 or 3 dimensional", "[1, 2, 3, 4]");
    }

    [Fact]
    public void NormalizePerChannel()
    {
        var x = Tensor.From<float>(new float[] { 1, 3, 5, 7 }, [2, 1, 2]);
        var n = new Normalize([1, 5], [2, 0.5]).Apply(x);
        Assert.Equal(new float[] { 0, 1, 0, 4 }, n.ToArray<float>());
        TensorAssert.Throws<ArgumentException>(() => new Normalize([0.5], [0.5]).Apply(Tensor.From<byte>(new byte[4], [1, 2, 2])), "Input tensor should be a float tensor. Got torch.uint8");
        TensorAssert.Throws<ArgumentException>(() => new Normalize([0.5, 0.5], [1, 1]).Apply(Chw(3, 2, 2)), "mean has 2 values", "3 channels");
        TensorAssert.Throws<ArgumentException>(() => new Normalize([0.5], [0]), "std evaluated to zero");
        TensorAssert.Throws<ArgumentException>(() => new Normalize([0.5], [1]).Apply(Tensor.Zeros(2, 2)), "(..., C, H, W)", "[2, 2]");
    }

    [Fact]
    public void HorizontalFlipMirrorsColumns()
    {
        var x = Chw(1, 2, 3);
        Assert.Equal(new float[] { 2, 1, 0, 5, 4, 3 }, RandomHorizontalFlip.HFlip(x).ToArray<float>());
        Assert.Same(x, new RandomHorizontalFlip(p: 0).Apply(x));
        Assert.Equal(new float[] { 2, 1, 0, 5, 4, 3 }, new RandomHorizontalFlip(p: 1).Apply(x).ToArray<float>());
        var a = new RandomHorizontalFlip(seed: 5); var b = new RandomHorizontalFlip(seed: 5);
        var flipsA = Enumerable.Range(0, 32).Select(_ => !ReferenceEquals(a.Apply(x), x)).ToArray();
        var flipsB = Enumerable.Range(0, 32).Select(_ => !ReferenceEquals(b.Apply(x), x)).ToArray();
        Assert.Equal(flipsA, flipsB);
        Assert.Contains(true, flipsA); Assert.Contains(false, flipsA);
    }

    [Fact]
    public void RandomCropWithPaddingIsAWindowOfThePaddedImage()
    {
        var x = Chw(3, 4, 4);
        var padded = Crop.Pad(x, 2, 2, 2, 2);
        Assert.Equal(new[] { 3, 8, 8 }, padded.Shape.ToArray());
        var crop = new RandomCrop(4, padding: 2, seed: 1);
        var seen = new HashSet<string>();
        for (int k = 0; k < 20; k++)
        {
            var c = crop.Apply(x);
            Assert.Equal(new[] { 3, 4, 4 }, c.Shape.ToArray());
            // It must equal some 4x4 window of the padded image.
            bool found = false;
            for (int t = 0; t <= 4 && !found; t++)
                for (int l = 0; l <= 4 && !found; l++)
                    found = Crop.Apply(padded, t, l, 4, 4).ToArray<float>().SequenceEqual(c.ToArray<float>());
            Assert.True(found);
            seen.Add(string.Join(",", c.ToArray<float>()));
        }
        Assert.True(seen.Count > 3);
        var r1 = new RandomCrop(4, padding: 2, seed: 9); var r2 = new RandomCrop(4, padding: 2, seed: 9);
        Assert.Equal(r1.Apply(x).ToArray<float>(), r2.Apply(x).ToArray<float>());
        TensorAssert.Throws<ArgumentException>(() => new RandomCrop(5).Apply(x), "Required crop size (5, 5) is larger than input image size (4, 4)");
        Assert.Equal(new[] { 3, 6, 6 }, new RandomCrop([6], padIfNeeded: true).Apply(x).Shape.ToArray());
    }

    [Fact]
    public void PaddingModes()
    {
        var row = Tensor.From<float>(new float[] { 1, 2, 3 }, [1, 3]);
        Assert.Equal(new float[] { 0, 0, 1, 2, 3, 0, 0 }, Crop.Pad(row, 2, 0, 2, 0).ToArray<float>());
        Assert.Equal(new float[] { 1, 1, 1, 2, 3, 3, 3 }, Crop.Pad(row, 2, 0, 2, 0, mode: PaddingMode.Edge).ToArray<float>());
        Assert.Equal(new float[] { 3, 2, 1, 2, 3, 2, 1 }, Crop.Pad(row, 2, 0, 2, 0, mode: PaddingMode.Reflect).ToArray<float>());
        Assert.Equal(new float[] { 2, 1, 1, 2, 3, 3, 2 }, Crop.Pad(row, 2, 0, 2, 0, mode: PaddingMode.Symmetric).ToArray<float>());
        TensorAssert.Throws<ArgumentException>(() => Crop.Pad(row, 3, 0, 0, 0, mode: PaddingMode.Reflect), "reflect padding", "smaller than the image size");
    }

    [Fact]
    public void CenterCropRoundsLikeTorchvisionAndPadsSmallImages()
    {
        var x = Chw(1, 5, 5);
        // (5 - 2) / 2 = 1.5 rounds half to even: 2.
        Assert.Equal(new float[] { 12, 13, 17, 18 }, new CenterCrop(2).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { 6, 7, 8, 11, 12, 13, 16, 17, 18 }, new CenterCrop(3).Apply(x).ToArray<float>());
        var big = new CenterCrop(4, 7).Apply(Chw(1, 2, 2));
        Assert.Equal(new[] { 1, 4, 7 }, big.Shape.ToArray());
        // torchvision pads left (7-2)//2 = 2, top (4-2)//2 = 1.
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, big.ToArray<float>());
    }

    [Fact]
    public void ResizeMatchesPyTorchAntialiasedBilinear()
    {
        var g = Golden.Load("vision");
        var img = g["img"];
        foreach (var (name, h, w) in new[] { ("down", 4, 5), ("up", 15, 20), ("mixed", 5, 30) })
        {
            TensorAssert.Close(g[$"aa_{name}"], new Resize([h, w]).Apply(img), 1e-12, 1e-12);
            TensorAssert.Close(g[$"plain_{name}"], new Resize([h, w], antialias: false).Apply(img), 1e-12, 1e-12);
        }
        var f32 = new Resize([4, 5]).Apply(img.To(DType.Float32));
        TensorAssert.Close(g["aa_down"].To(DType.Float32), f32, 1e-5, 1e-6);
        TensorAssert.Equal(g["u8_down"], new Resize([4, 3]).Apply(g["u8"]));
    }

    [Fact]
    public void ResizeSmallerEdgeKeepsAspect()
    {
        Assert.Equal((32, 48), new Resize(32).OutputSize(64, 96));
        Assert.Equal((53, 32), new Resize(32).OutputSize(100, 60)); // int(32 * 100 / 60) = 53
        Assert.Equal((26, 40), new Resize([32], maxSize: 40).OutputSize(64, 96)); // long edge capped, short edge int(40 * 32 / 48)
        TensorAssert.Throws<ArgumentException>(() => new Resize([32, 32], maxSize: 40), "max_size should only be passed");
    }

    [Fact]
    public void GrayscaleWeightsChannels()
    {
        var rgb = Tensor.From<float>(new float[] { 1, 0, 0, 1, 0, 0 }, [3, 1, 2]);
        var g1 = new Grayscale().Apply(rgb);
        Assert.Equal(new[] { 1, 1, 2 }, g1.Shape.ToArray());
        Assert.Equal(new[] { 0.2989f, 0.587f }, g1.ToArray<float>());
        Assert.Equal(new[] { 3, 1, 2 }, new Grayscale(3).Apply(rgb).Shape.ToArray());
        var u8 = Tensor.From<byte>(new byte[] { 255, 255, 255 }, [3, 1, 1]);
        Assert.Equal(new byte[] { 254 }, new Grayscale().Apply(u8).ToArray<byte>()); // 254.99... truncates, as torchvision's .to(uint8)
        TensorAssert.Throws<ArgumentException>(() => new Grayscale().Apply(Tensor.Zeros(2, 3, 3)), "permitted channel values are [1, 3], but found 2");
    }

    [Fact]
    public void ComposeChainsInOrder()
    {
        var t = new Compose(new ToTensor(), new Normalize([0.5], [0.5]), new Lambda(x => x));
        var y = t.Apply(Tensor.From<byte>(new byte[] { 0, 255 }, [1, 2, 1]));
        Assert.Equal(new float[] { -1, 1 }, y.ToArray<float>());
    }

    [Fact]
    public void ColorJitterOpsMatchTorchvisionFormulas()
    {
        var g = Golden.Load("vision");
        foreach (var name in new[] { "f64", "u8" })
        {
            var img = g[name == "f64" ? "cj_rgb" : "cj_u8"];
            double tol = name == "f64" ? 1e-12 : 0;
            TensorAssert.Close(g[$"bright_{name}"], ColorJitter.AdjustBrightness(img, 1.3), tol, tol);
            TensorAssert.Close(g[$"sat_{name}"], ColorJitter.AdjustSaturation(img, 1.7), tol, tol);
            TensorAssert.Close(g[$"hue_{name}"], ColorJitter.AdjustHue(img, 0.2), tol, tol);
            TensorAssert.Close(g[$"hueneg_{name}"], ColorJitter.AdjustHue(img, -0.45), tol, tol);
        }
        TensorAssert.Close(g["contrast_f64"], ColorJitter.AdjustContrast(g["cj_rgb"], 0.6), 1e-12, 1e-12);
        // uint8 contrast blends with a float32 mean; allow the last bit of that rounding to differ.
        TensorAssert.Close(g["contrast_u8"].To(DType.Int32), ColorJitter.AdjustContrast(g["cj_u8"], 0.6).To(DType.Int32), 0, 1);
    }

    [Fact]
    public void ColorJitterIsSeededAndValidates()
    {
        var img = Golden.Load("vision")["cj_rgb"].To(DType.Float32);
        var a = new ColorJitter(0.4, 0.4, 0.4, 0.1, seed: 3).Apply(img);
        var b = new ColorJitter(0.4, 0.4, 0.4, 0.1, seed: 3).Apply(img);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Assert.NotEqual(img.ToArray<float>(), a.ToArray<float>());
        Assert.Same(img, new ColorJitter().Apply(img));
        TensorAssert.Throws<ArgumentException>(() => new ColorJitter(hue: 0.6), "hue values should be between (-0.5, 0.5)");
        TensorAssert.Throws<ArgumentException>(() => new ColorJitter(brightness: -1), "brightness", "non negative");
    }
}
