using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// The VGG networks of "Very Deep Convolutional Networks for Large-Scale Image Recognition" as
/// torchvision 0.14 builds them (<c>torchvision.models.VGG</c>): <see cref="Features"/> (3x3 convolutions,
/// optionally batch norm, ReLU, 2x2 max-pools), adaptive average pooling to 7x7 and a three-layer
/// <see cref="Classifier"/> with dropout. Names and printed tree are torchvision's. Build them with
/// <see cref="Vgg11"/>, <see cref="Vgg16Bn"/> and the others.
/// </summary>
public sealed class VGG : Module<Tensor, Tensor>
{
    /// <summary>In a configuration, the entry that stands for a 2x2 max-pool (torchvision's <c>"M"</c>).</summary>
    public const int M = 0;

    /// <summary>torchvision's <c>cfgs</c>: "A" is VGG-11, "B" VGG-13, "D" VGG-16, "E" VGG-19; <see cref="M"/> marks a max-pool.</summary>
    public static IReadOnlyDictionary<string, int[]> Cfgs { get; } = new Dictionary<string, int[]>
    {
        ["A"] = [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["B"] = [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
        ["D"] = [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
        ["E"] = [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
    };

    /// <summary>
    /// Builds the network around <paramref name="features"/> (<c>VGG(features, num_classes, init_weights, dropout)</c>).
    /// With <paramref name="initWeights"/>, initialises as torchvision: convolutions Kaiming-normal (fan_out,
    /// ReLU gain) with zero bias, batch norms 1 and 0, linear layers normal(0, 0.01) with zero bias.
    /// </summary>
    /// <param name="features">The convolutional part, ending with 512 channels (see <see cref="MakeLayers"/>).</param>
    /// <param name="numClasses">Outputs of the last linear layer.</param>
    /// <param name="initWeights">Re-initialise as torchvision does (false keeps each layer's default initialisation).</param>
    /// <param name="dropout">Dropout probability in the classifier.</param>
    public VGG(Sequential features, int numClasses = 1000, bool initWeights = true, double dropout = 0.5)
    {
        ArgumentNullException.ThrowIfNull(features);
        Features = features;
        Avgpool = new AdaptiveAvgPool2d((7, 7));
        Classifier = new Sequential(
            new Linear(512 * 7 * 7, 4096),
            new ReLU(true),
            new Dropout(dropout),
            new Linear(4096, 4096),
            new ReLU(true),
            new Dropout(dropout),
            new Linear(4096, numClasses));
        if (!initWeights) return;
        foreach (var m in Modules())
        {
            switch (m)
            {
                case Conv2d c:
                    Init.KaimingNormal_(c.Weight, mode: "fan_out", nonlinearity: "relu");
                    if (c.Bias is not null) Init.Constant_(c.Bias, 0);
                    break;
                case BatchNorm2d bn when bn.Weight is not null:
                    Init.Constant_(bn.Weight, 1);
                    Init.Constant_(bn.Bias!, 0);
                    break;
                case Linear l:
                    Init.Normal_(l.Weight, 0, 0.01);
                    if (l.Bias is not null) Init.Constant_(l.Bias, 0);
                    break;
            }
        }
    }

    /// <summary>The convolutional part.</summary>
    public Sequential Features { get; }
    /// <summary>Adaptive average pooling to 7x7, so any input of at least 32x32 fits the classifier.</summary>
    public AdaptiveAvgPool2d Avgpool { get; }
    /// <summary>Linear 25088 -> 4096, ReLU, dropout, linear 4096 -> 4096, ReLU, dropout, linear 4096 -> classes; replaceable for fine-tuning.</summary>
    public Sequential Classifier { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = Avgpool.Call(Features.Call(x)).Flatten(1);
        return Classifier.Call(x);
    }

    /// <summary>
    /// The convolutional part for a configuration (<c>make_layers(cfg, batch_norm)</c>): for each number a 3x3
    /// convolution with padding 1 to that many channels, then batch norm if asked, then an in-place ReLU; for each
    /// <see cref="M"/> a 2x2 stride-2 max-pool.
    /// </summary>
    /// <exception cref="ArgumentException">A negative channel count.</exception>
    public static Sequential MakeLayers(IEnumerable<int> cfg, bool batchNorm = false)
    {
        ArgumentNullException.ThrowIfNull(cfg);
        var layers = new List<Module<Tensor, Tensor>>();
        int inChannels = 3;
        foreach (int v in cfg)
        {
            if (v == M) { layers.Add(new MaxPool2d(2, 2)); continue; }
            if (v < 0) throw new ArgumentException($"VGG.MakeLayers: channel counts must be positive (or VGG.M for a max-pool), got {v}.", nameof(cfg));
            layers.Add(new Conv2d(inChannels, v, 3, padding: 1));
            if (batchNorm) layers.Add(new BatchNorm2d(v));
            layers.Add(new ReLU(true));
            inChannels = v;
        }
        return new Sequential(layers.ToArray());
    }

    private static VGG Make(string cfg, bool batchNorm, int numClasses, bool initWeights, double dropout) =>
        new(MakeLayers(Cfgs[cfg], batchNorm), numClasses, initWeights, dropout);

    /// <summary>VGG-11, configuration "A" (<c>torchvision.models.vgg11()</c>).</summary>
    public static VGG Vgg11(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("A", false, numClasses, initWeights, dropout);
    /// <summary>VGG-11 with batch norm (<c>torchvision.models.vgg11_bn()</c>).</summary>
    public static VGG Vgg11Bn(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("A", true, numClasses, initWeights, dropout);
    /// <summary>VGG-13, configuration "B" (<c>torchvision.models.vgg13()</c>).</summary>
    public static VGG Vgg13(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("B", false, numClasses, initWeights, dropout);
    /// <summary>VGG-13 with batch norm (<c>torchvision.models.vgg13_bn()</c>).</summary>
    public static VGG Vgg13Bn(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("B", true, numClasses, initWeights, dropout);
    /// <summary>VGG-16, configuration "D" (<c>torchvision.models.vgg16()</c>).</summary>
    public static VGG Vgg16(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("D", false, numClasses, initWeights, dropout);
    /// <summary>VGG-16 with batch norm (<c>torchvision.models.vgg16_bn()</c>).</summary>
    public static VGG Vgg16Bn(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("D", true, numClasses, initWeights, dropout);
    /// <summary>VGG-19, configuration "E" (<c>torchvision.models.vgg19()</c>).</summary>
    public static VGG Vgg19(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("E", false, numClasses, initWeights, dropout);
    /// <summary>VGG-19 with batch norm (<c>torchvision.models.vgg19_bn()</c>).</summary>
    public static VGG Vgg19Bn(int numClasses = 1000, bool initWeights = true, double dropout = 0.5) => Make("E", true, numClasses, initWeights, dropout);
}
