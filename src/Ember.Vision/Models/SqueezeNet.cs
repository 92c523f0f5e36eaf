using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// SqueezeNet's Fire module (<c>torchvision.models.squeezenet.Fire</c>): a 1x1 "squeeze" convolution, then
/// 1x1 and 3x3 "expand" convolutions whose outputs are concatenated along channels, each followed by an
/// in-place ReLU. Submodules are named as torchvision's.
/// </summary>
public sealed class Fire : Module<Tensor, Tensor>
{
    /// <summary>Builds the module (<c>Fire(inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes)</c>).</summary>
    public Fire(int inplanes, int squeezePlanes, int expand1x1Planes, int expand3x3Planes)
    {
        Inplanes = inplanes;
        Squeeze = new Conv2d(inplanes, squeezePlanes, 1);
        SqueezeActivation = new ReLU(true);
        Expand1x1 = new Conv2d(squeezePlanes, expand1x1Planes, 1);
        Expand1x1Activation = new ReLU(true);
        Expand3x3 = new Conv2d(squeezePlanes, expand3x3Planes, 3, padding: 1);
        Expand3x3Activation = new ReLU(true);
    }

    /// <summary>Input channels.</summary>
    public int Inplanes { get; }
    /// <summary>The 1x1 squeeze convolution.</summary>
    public Conv2d Squeeze { get; }
    /// <summary>ReLU after the squeeze.</summary>
    [Named("squeeze_activation")] public ReLU SqueezeActivation { get; }
    /// <summary>The 1x1 expand convolution.</summary>
    public Conv2d Expand1x1 { get; }
    /// <summary>ReLU after the 1x1 expand.</summary>
    [Named("expand1x1_activation")] public ReLU Expand1x1Activation { get; }
    /// <summary>The 3x3 expand convolution.</summary>
    public Conv2d Expand3x3 { get; }
    /// <summary>ReLU after the 3x3 expand.</summary>
    [Named("expand3x3_activation")] public ReLU Expand3x3Activation { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = SqueezeActivation.Call(Squeeze.Call(x));
        return Tensor.Cat([Expand1x1Activation.Call(Expand1x1.Call(x)), Expand3x3Activation.Call(Expand3x3.Call(x))], 1);
    }
}

/// <summary>
/// SqueezeNet 1.0 and 1.1 as torchvision 0.14 builds them (<c>torchvision.models.SqueezeNet</c>): a stem
/// convolution, Fire modules and ceil-mode max-pools in <see cref="Features"/>, then dropout, a 1x1
/// convolution to the classes, ReLU and global average pooling in <see cref="Classifier"/>. Build them
/// with <see cref="Squeezenet1_0"/> and <see cref="Squeezenet1_1"/>.
/// </summary>
public sealed class SqueezeNet : Module<Tensor, Tensor>
{
    /// <summary>
    /// Builds the network (<c>SqueezeNet(version, num_classes, dropout)</c>) and initialises it as torchvision:
    /// the final convolution normal(0, 0.01), the others Kaiming-uniform (a = 0), every bias zero.
    /// </summary>
    /// <param name="version">"1_0" (the paper's) or "1_1" (2.4x less computation, same accuracy).</param>
    /// <param name="numClasses">Output channels of the final convolution.</param>
    /// <param name="dropout">Dropout probability before the final convolution.</param>
    /// <exception cref="ArgumentException">An unknown <paramref name="version"/>.</exception>
    public SqueezeNet(string version = "1_0", int numClasses = 1000, double dropout = 0.5)
    {
        NumClasses = numClasses;
        Features = version switch
        {
            "1_0" => new Sequential(
                new Conv2d(3, 96, 7, 2),
                new ReLU(true),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(96, 16, 64, 64),
                new Fire(128, 16, 64, 64),
                new Fire(128, 32, 128, 128),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(256, 32, 128, 128),
                new Fire(256, 48, 192, 192),
                new Fire(384, 48, 192, 192),
                new Fire(384, 64, 256, 256),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(512, 64, 256, 256)),
            "1_1" => new Sequential(
                new Conv2d(3, 64, 3, 2),
                new ReLU(true),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(64, 16, 64, 64),
                new Fire(128, 16, 64, 64),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(128, 32, 128, 128),
                new Fire(256, 32, 128, 128),
                new MaxPool2d(3, 2, ceilMode: true),
                new Fire(256, 48, 192, 192),
                new Fire(384, 48, 192, 192),
                new Fire(384, 64, 256, 256),
                new Fire(512, 64, 256, 256)),
            _ => throw new ArgumentException($"SqueezeNet: unsupported version \"{version}\": \"1_0\" or \"1_1\" expected.", nameof(version)),
        };
        var finalConv = new Conv2d(512, numClasses, 1);
        Classifier = new Sequential(new Dropout(dropout), finalConv, new ReLU(true), new AdaptiveAvgPool2d((1, 1)));
        foreach (var m in Modules())
        {
            if (m is not Conv2d c) continue;
            if (ReferenceEquals(c, finalConv)) Init.Normal_(c.Weight, 0, 0.01);
            else Init.KaimingUniform_(c.Weight);
            if (c.Bias is not null) Init.Constant_(c.Bias, 0);
        }
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }
    /// <summary>The convolutional part.</summary>
    public Sequential Features { get; }
    /// <summary>Dropout, 1x1 convolution to the classes, ReLU, global average pooling.</summary>
    public Sequential Classifier { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Classifier.Call(Features.Call(x)).Flatten(1);

    /// <summary>SqueezeNet 1.0 (<c>torchvision.models.squeezenet1_0()</c>).</summary>
    public static SqueezeNet Squeezenet1_0(int numClasses = 1000, double dropout = 0.5) => new("1_0", numClasses, dropout);

    /// <summary>SqueezeNet 1.1 (<c>torchvision.models.squeezenet1_1()</c>).</summary>
    public static SqueezeNet Squeezenet1_1(int numClasses = 1000, double dropout = 0.5) => new("1_1", numClasses, dropout);
}
