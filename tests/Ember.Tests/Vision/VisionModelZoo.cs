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
    public static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Models = new()
    {
        ["resnet18"] = () => ResNet.Resnet18(numClasses: 10),
        ["resnet34"] = () => ResNet.Resnet34(numClasses: 10),
        ["resnet50"] = () => ResNet.Resnet50(numClasses: 10),
        ["resnext50_32x4d"] = () => ResNet.Resnext50_32x4d(numClasses: 10),
        ["wide_resnet50_2"] = () => ResNet.WideResnet50_2(numClasses: 10),
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
    private static double[] Hash(int n, int seed)
    {
        var u = new double[n];
        uint s = unchecked((uint)seed * 0x9E3779B9u);
        for (int i = 0; i < n; i++)
        {
            uint x = unchecked((uint)i + s);
            x ^= x >> 16;
            x = unchecked(x * 0x85EBCA6Bu);
            x ^= x >> 13;
            x = unchecked(x * 0xC2B2AE35u);
            x ^= x >> 16;
            u[i] = x / 4294967296.0;
        }
        return u;
    }

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
            double[] u = Hash(n, t + 1);
            Func<double, double> map;
            if (k.EndsWith("running_mean", StringComparison.Ordinal)) map = x => (x - 0.5) * 0.2;
            else if (k.EndsWith("running_var", StringComparison.Ordinal)) map = x => 0.5 + x;
            else if (shape.Length >= 2)
            {
                double scale = Math.Sqrt(24.0 / (n / shape[0]));
                map = x => (x - 0.5) * scale;
            }
            else if (k.EndsWith("weight", StringComparison.Ordinal)) map = x => 0.3 + 0.4 * x;
            else map = x => (x - 0.5) * 0.2;
            var a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float)map(u[i]);
            sd[k] = Tensor.From<float>(a, shape);
        }
        return sd;
    }

    /// <summary>The synthetic input: uniform in [-1, 1), seed 12345.</summary>
    public static Tensor SyntheticInput(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        double[] u = Hash(n, 12345);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)((u[i] - 0.5) * 2.0);
        return Tensor.From<float>(a, shape);
    }
}
