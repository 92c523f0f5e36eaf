using Ember.NN;
using Ember.Vision.Ops;

namespace Ember.Vision.Models;

/// <summary>
/// MobileNetV2's inverted residual block (<c>torchvision.models.mobilenetv2.InvertedResidual</c>): a 1x1
/// expansion (left out when the ratio is 1), a 3x3 depthwise convolution, both with batch norm and ReLU6,
/// then a linear 1x1 projection with batch norm, all in <see cref="Conv"/>; the input is added back when
/// the stride is 1 and the channel count is kept.
/// </summary>
public sealed class InvertedResidual : Module<Tensor, Tensor>
{
    /// <summary>Builds the block (<c>InvertedResidual(inp, oup, stride, expand_ratio)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="stride"/> is neither 1 nor 2.</exception>
    public InvertedResidual(int inp, int oup, int stride, int expandRatio)
    {
        if (stride is not (1 or 2)) throw new ArgumentException($"InvertedResidual: stride should be 1 or 2, got {stride}.", nameof(stride));
        Stride = stride;
        int hiddenDim = (int)Math.Round((double)inp * expandRatio);   // Python's round: to even, as Math.Round
        UseResConnect = stride == 1 && inp == oup;
        var layers = new List<Module<Tensor, Tensor>>();
        if (expandRatio != 1) layers.Add(new Conv2dNormActivation(inp, hiddenDim, kernelSize: 1, activationLayer: ReLU6Layer));
        layers.Add(new Conv2dNormActivation(hiddenDim, hiddenDim, stride: stride, groups: hiddenDim, activationLayer: ReLU6Layer));
        layers.Add(new Conv2d(hiddenDim, oup, 1, 1, 0, bias: false));
        layers.Add(new BatchNorm2d(oup));
        Conv = new Sequential(layers.ToArray());
        OutChannels = oup;
    }

    internal static readonly Func<bool, Module<Tensor, Tensor>> ReLU6Layer = inplace => new ReLU6(inplace);

    /// <summary>The stride of the depthwise convolution.</summary>
    public int Stride { get; }
    /// <summary>Whether the input is added to the output.</summary>
    public bool UseResConnect { get; }
    /// <summary>Output channels.</summary>
    public int OutChannels { get; }
    /// <summary>Expansion, depthwise and projection layers.</summary>
    public Sequential Conv { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => UseResConnect ? x + Conv.Call(x) : Conv.Call(x);
}

/// <summary>
/// MobileNetV2 of "MobileNetV2: Inverted Residuals and Linear Bottlenecks" as torchvision 0.14 builds it
/// (<c>torchvision.models.MobileNetV2</c>): a stride-2 stem, 17 <see cref="InvertedResidual"/> blocks and a
/// 1x1 convolution to 1280 channels in <see cref="Features"/>, global average pooling, then dropout and a
/// linear layer in <see cref="Classifier"/>. <c>torchvision.models.mobilenet_v2(num_classes=10)</c> is
/// <c>new MobileNetV2(numClasses: 10)</c>.
/// </summary>
public sealed class MobileNetV2 : Module<Tensor, Tensor>
{
    private static readonly int[][] DefaultSetting =
    [
        [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
    ];

    /// <summary>
    /// Builds the network (<c>MobileNetV2(num_classes, width_mult, inverted_residual_setting, round_nearest, dropout)</c>)
    /// and initialises it as torchvision: convolutions Kaiming-normal (fan_out), zero biases, batch norms 1 and 0,
    /// the linear layer normal(0, 0.01) with zero bias.
    /// </summary>
    /// <param name="numClasses">Outputs of the linear layer.</param>
    /// <param name="widthMult">Scales every layer's channel count (rounded to <paramref name="roundNearest"/>).</param>
    /// <param name="invertedResidualSetting">Rows (t, c, n, s): expansion ratio, channels, repeats, first stride; null is the paper's.</param>
    /// <param name="roundNearest">Channel counts are rounded to a multiple of this; 1 turns rounding off.</param>
    /// <param name="dropout">Dropout probability before the linear layer.</param>
    /// <exception cref="ArgumentException">An empty setting, or a row that does not hold four numbers.</exception>
    public MobileNetV2(int numClasses = 1000, double widthMult = 1.0, IReadOnlyList<IReadOnlyList<int>>? invertedResidualSetting = null,
        int roundNearest = 8, double dropout = 0.2)
    {
        invertedResidualSetting ??= DefaultSetting;
        if (invertedResidualSetting.Count == 0 || invertedResidualSetting.Any(r => r.Count != 4))
            throw new ArgumentException("MobileNetV2: inverted_residual_setting should be non-empty and hold 4-element rows (t, c, n, s).", nameof(invertedResidualSetting));
        int inputChannel = MakeDivisible(32 * widthMult, roundNearest);
        LastChannel = MakeDivisible(1280 * Math.Max(1.0, widthMult), roundNearest);
        var features = new List<Module<Tensor, Tensor>> { new Conv2dNormActivation(3, inputChannel, stride: 2, activationLayer: InvertedResidual.ReLU6Layer) };
        foreach (var row in invertedResidualSetting)
        {
            int t = row[0], c = row[1], n = row[2], s = row[3];
            int outputChannel = MakeDivisible(c * widthMult, roundNearest);
            for (int i = 0; i < n; i++)
            {
                features.Add(new InvertedResidual(inputChannel, outputChannel, i == 0 ? s : 1, t));
                inputChannel = outputChannel;
            }
        }
        features.Add(new Conv2dNormActivation(inputChannel, LastChannel, kernelSize: 1, activationLayer: InvertedResidual.ReLU6Layer));
        Features = new Sequential(features.ToArray());
        Classifier = new Sequential(new Dropout(dropout), new Linear(LastChannel, numClasses));

        foreach (var m in Modules())
        {
            switch (m)
            {
                case Conv2d conv:
                    Init.KaimingNormal_(conv.Weight, mode: "fan_out");
                    if (conv.Bias is not null) Init.Zeros_(conv.Bias);
                    break;
                case BatchNorm2d bn when bn.Weight is not null:
                    Init.Ones_(bn.Weight);
                    Init.Zeros_(bn.Bias!);
                    break;
                case Linear l:
                    Init.Normal_(l.Weight, 0, 0.01);
                    if (l.Bias is not null) Init.Zeros_(l.Bias);
                    break;
            }
        }
    }

    /// <summary>Channels into the classifier (1280 at width 1).</summary>
    public int LastChannel { get; }
    /// <summary>The convolutional part.</summary>
    public Sequential Features { get; }
    /// <summary>Dropout and the linear layer; replaceable for fine-tuning.</summary>
    public Sequential Classifier { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = F.AdaptiveAvgPool2d(Features.Call(x), (1, 1)).Flatten(1);
        return Classifier.Call(x);
    }

    /// <summary>
    /// torchvision's <c>_make_divisible</c> (from the TensorFlow original): <paramref name="v"/> rounded to the
    /// nearest multiple of <paramref name="divisor"/>, at least <paramref name="divisor"/>, and never more than
    /// 10% below <paramref name="v"/>.
    /// </summary>
    public static int MakeDivisible(double v, int divisor, int? minValue = null)
    {
        int min = minValue ?? divisor;
        int newV = Math.Max(min, (int)(v + divisor / 2.0) / divisor * divisor);
        if (newV < 0.9 * v) newV += divisor;
        return newV;
    }
}
