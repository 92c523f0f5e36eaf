using Ember.NN;
using Ember.Vision.Models;

namespace Ember.Tests.Vision;

/// <summary>
/// The models of tests/golden/vision_models.py by their golden names, and the synthetic state dicts and
/// inputs that script computes from the key order alone (see its docstring): the same integer hash and
/// the same few float64 operations, so the weights are bit-identical to the ones torchvision ran with.
/// </summary>
internal static class VisionModelZoo
{
    /// <summary>The golden names and Ember's factories, called as vision_models.py calls torchvision's.</summary>
    public static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Models = new()
    {
        ["resnet18"] = () => ResNet.Resnet18(numClasses: 10),
        ["resnet34"] = () => ResNet.Resnet34(numClasses: 10),
        ["resnet50"] = () => ResNet.Resnet50(numClasses: 10),
        ["resnext50_32x4d"] = () => ResNet.Resnext50_32x4d(numClasses: 10),
        ["vgg11"] = () => VGG.Vgg11(numClasses: 10),
        ["vgg11_bn"] = () => VGG.Vgg11Bn(numClasses: 10),
        ["vgg16"] = () => VGG.Vgg16(numClasses: 10),
        ["vgg16_bn"] = () => VGG.Vgg16Bn(numClasses: 10),
        ["alexnet"] = () => new AlexNet(numClasses: 10),
        ["squeezenet1_0"] = () => SqueezeNet.Squeezenet1_0(numClasses: 10),
        ["squeezenet1_1"] = () => SqueezeNet.Squeezenet1_1(numClasses: 10),
        ["mobilenet_v2"] = () => new MobileNetV2(numClasses: 10),
        ["mobilenet_v2_w05"] = () => new MobileNetV2(numClasses: 10, widthMult: 0.5),
    };

    /// <summary>murmur3's fmix32 of (i + seed * golden ratio), as a double in [0, 1) (vision_models.py's hash32).</summary>
    private static double Hash(int i, uint s)
    {
        uint x = unchecked((uint)i + s);
        x ^= x >> 16;
        x = unchecked(x * 0x85EBCA6Bu);
        x ^= x >> 13;
        x = unchecked(x * 0xC2B2AE35u);
        x ^= x >> 16;
        return x * (1.0 / 4294967296.0);   // exact: a power of two, so the same as the script's division
    }

    private static uint Seed(int seed) => unchecked((uint)seed * 0x9E3779B9u);

    /// <summary>The synthetic state dict for <paramref name="keys"/> (name, shape) in torchvision's order.</summary>
    public static Dictionary<string, Tensor> SyntheticStateDict(IReadOnlyList<(string Key, int[] Shape)> keys)
    {
        var sd = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int t = 0; t < keys.Count; t++)
        {
            var (k, shape) = keys[t];
            if (k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                sd[k] = Tensor.From<long>([t], []);
                continue;
            }
            int n = 1;
            foreach (int d in shape) n *= d;
            // u -> (u + add) * mul, or add + mul * u: the same float64 operations, in the same order, as the script's.
            var map = k.EndsWith("running_mean", StringComparison.Ordinal) ? new Affine(-0.5, 0.2, false)
                : k.EndsWith("running_var", StringComparison.Ordinal) ? new Affine(0.5, 1.0, true)
                : shape.Length >= 2 ? new Affine(-0.5, Math.Sqrt(24.0 / (n / shape[0])), false)
                : k.EndsWith("weight", StringComparison.Ordinal) ? new Affine(0.3, 0.4, true)
                : new Affine(-0.5, 0.2, false);
            sd[k] = Tensor.From<float>(Fill(n, Seed(t + 1), map), shape);
        }
        return sd;
    }

    private readonly record struct Affine(double Add, double Mul, bool MulFirst)
    {
        public double Apply(double u) => MulFirst ? Add + Mul * u : (u + Add) * Mul;
    }

    // Large tensors (VGG's 25088 x 4096 weight) are filled in parallel chunks; each element depends on its index only.
    private static float[] Fill(int n, uint seed, Affine map)
    {
        var a = new float[n];
        const int Chunk = 1 << 16;
        Parallel.For(0, (n + Chunk - 1) / Chunk, c =>
        {
            int end = Math.Min(n, (c + 1) * Chunk);
            for (int i = c * Chunk; i < end; i++) a[i] = (float)map.Apply(Hash(i, seed));
        });
        return a;
    }

    /// <summary>The synthetic input: uniform in [-1, 1), seed 12345.</summary>
    public static Tensor SyntheticInput(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return Tensor.From<float>(Fill(n, Seed(12345), new Affine(-0.5, 2.0, false)), shape);
    }
}
