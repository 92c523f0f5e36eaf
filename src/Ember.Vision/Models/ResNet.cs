using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>Which residual block a <see cref="ResNet"/> stacks.</summary>
public enum ResNetBlock
{
    /// <summary><see cref="BasicBlock"/> (two 3x3 convolutions): ResNet-18 and -34.</summary>
    Basic,
    /// <summary><see cref="Models.Bottleneck"/> (1x1, 3x3, 1x1): ResNet-50 and up, ResNeXt, Wide ResNet.</summary>
    Bottleneck,
}

/// <summary>
/// The residual network of "Deep Residual Learning for Image Recognition" as torchvision 0.14 builds it
/// (<c>torchvision.models.ResNet</c>): a 7x7 stride-2 convolution, batch norm, ReLU and 3x3 max-pool, four
/// stages of residual blocks (<c>layer1</c> ... <c>layer4</c>), global average pooling and a linear
/// classifier <c>fc</c>. Submodule names, parameter order and the printed tree are torchvision's, so its
/// state dicts load with <see cref="Module.LoadStateDict"/>. Build the usual depths with
/// <see cref="Resnet18"/>, <see cref="Resnet34"/>, <see cref="Resnet50"/> and friends.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly ResNetBlock _block;
    private readonly int _groups;
    private readonly int _baseWidth;
    private int _inplanes = 64;
    private int _dilation = 1;

    /// <summary>
    /// Builds the network (<c>ResNet(block, layers, num_classes, zero_init_residual, groups, width_per_group,
    /// replace_stride_with_dilation)</c>) and initialises it as torchvision does: convolutions Kaiming-normal
    /// (fan_out, ReLU gain), batch norms weight 1 and bias 0, the classifier as <see cref="Linear"/>'s default.
    /// </summary>
    /// <param name="block">The residual block.</param>
    /// <param name="layers">Blocks per stage, four numbers (ResNet-18 is [2, 2, 2, 2]).</param>
    /// <param name="numClasses">Outputs of <see cref="Fc"/>.</param>
    /// <param name="zeroInitResidual">Zero the last batch norm's weight in every block, so each block starts as the identity.</param>
    /// <param name="groups">Groups of the 3x3 convolutions (ResNeXt); bottleneck blocks only.</param>
    /// <param name="widthPerGroup">Channels per group at the first stage (64 for ResNet, 4 for ResNeXt-32x4d, 128 for Wide ResNet-50-2).</param>
    /// <param name="replaceStrideWithDilation">Three flags: replace the stride 2 of stages 2-4 by a dilation (bottleneck blocks only).</param>
    /// <exception cref="ArgumentException"><paramref name="layers"/> does not hold four numbers, or the flags are not three.</exception>
    public ResNet(ResNetBlock block, IReadOnlyList<int> layers, int numClasses = 1000, bool zeroInitResidual = false, int groups = 1,
        int widthPerGroup = 64, IReadOnlyList<bool>? replaceStrideWithDilation = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count != 4) throw new ArgumentException($"ResNet: layers should hold 4 block counts, got {layers.Count}.", nameof(layers));
        replaceStrideWithDilation ??= [false, false, false];
        if (replaceStrideWithDilation.Count != 3)
            throw new ArgumentException($"ResNet: replace_stride_with_dilation should be None or a 3-element tuple, got {replaceStrideWithDilation.Count} elements.", nameof(replaceStrideWithDilation));
        _block = block;
        _groups = groups;
        _baseWidth = widthPerGroup;
        int expansion = block == ResNetBlock.Basic ? BasicBlock.Expansion : Models.Bottleneck.Expansion;
        Conv1 = new Conv2d(3, _inplanes, 7, 2, 3, bias: false);
        Bn1 = new BatchNorm2d(_inplanes);
        Relu = new ReLU(inplace: true);
        Maxpool = new MaxPool2d(3, 2, 1);
        Layer1 = MakeLayer(64, layers[0]);
        Layer2 = MakeLayer(128, layers[1], 2, replaceStrideWithDilation[0]);
        Layer3 = MakeLayer(256, layers[2], 2, replaceStrideWithDilation[1]);
        Layer4 = MakeLayer(512, layers[3], 2, replaceStrideWithDilation[2]);
        Avgpool = new AdaptiveAvgPool2d((1, 1));
        Fc = new Linear(512 * expansion, numClasses);

        foreach (var m in Modules())
        {
            if (m is Conv2d c) Init.KaimingNormal_(c.Weight, mode: "fan_out", nonlinearity: "relu");
            else if (m is BatchNorm2d bn && bn.Weight is not null)
            {
                Init.Constant_(bn.Weight, 1);
                Init.Constant_(bn.Bias!, 0);
            }
        }
        if (zeroInitResidual)
        {
            foreach (var m in Modules())
            {
                if (m is Bottleneck b && b.Bn3.Weight is not null) Init.Constant_(b.Bn3.Weight, 0);
                else if (m is BasicBlock bb && bb.Bn2.Weight is not null) Init.Constant_(bb.Bn2.Weight, 0);
            }
        }
    }

    /// <summary>The 7x7 stride-2 stem convolution.</summary>
    public Conv2d Conv1 { get; }
    /// <summary>The stem's batch norm.</summary>
    public BatchNorm2d Bn1 { get; }
    /// <summary>The stem's (in-place) ReLU.</summary>
    public ReLU Relu { get; }
    /// <summary>The stem's 3x3 stride-2 max-pool.</summary>
    public MaxPool2d Maxpool { get; }
    /// <summary>Stage 1: 64 planes, stride 1.</summary>
    public Sequential Layer1 { get; }
    /// <summary>Stage 2: 128 planes, stride 2.</summary>
    public Sequential Layer2 { get; }
    /// <summary>Stage 3: 256 planes, stride 2.</summary>
    public Sequential Layer3 { get; }
    /// <summary>Stage 4: 512 planes, stride 2.</summary>
    public Sequential Layer4 { get; }
    /// <summary>Global average pooling to 1x1.</summary>
    public AdaptiveAvgPool2d Avgpool { get; }
    /// <summary>The classifier; replace it to fine-tune on other classes (<c>model.fc = nn.Linear(model.fc.in_features, 2)</c>).</summary>
    public Linear Fc { get; set; }

    private Sequential MakeLayer(int planes, int blocks, int stride = 1, bool dilate = false)
    {
        int expansion = _block == ResNetBlock.Basic ? BasicBlock.Expansion : Models.Bottleneck.Expansion;
        int previousDilation = _dilation;
        if (dilate)
        {
            _dilation *= stride;
            stride = 1;
        }
        Sequential? downsample = null;
        if (stride != 1 || _inplanes != planes * expansion)
            downsample = new Sequential(ResNetLayers.Conv1x1(_inplanes, planes * expansion, stride), new BatchNorm2d(planes * expansion));
        var layers = new List<Module<Tensor, Tensor>> { MakeBlock(_inplanes, planes, stride, downsample, previousDilation) };
        _inplanes = planes * expansion;
        for (int i = 1; i < blocks; i++) layers.Add(MakeBlock(_inplanes, planes, 1, null, _dilation));
        return new Sequential(layers.ToArray());
    }

    private Module<Tensor, Tensor> MakeBlock(int inplanes, int planes, int stride, Sequential? downsample, int dilation) =>
        _block == ResNetBlock.Basic
            ? new BasicBlock(inplanes, planes, stride, downsample, _groups, _baseWidth, dilation)
            : new Bottleneck(inplanes, planes, stride, downsample, _groups, _baseWidth, dilation);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = Maxpool.Call(Relu.Call(Bn1.Call(Conv1.Call(x))));
        x = Layer4.Call(Layer3.Call(Layer2.Call(Layer1.Call(x))));
        x = Avgpool.Call(x).Flatten(1);
        return Fc.Call(x);
    }

    /// <summary>ResNet-18 (<c>torchvision.models.resnet18(num_classes=..., zero_init_residual=...)</c>): basic blocks [2, 2, 2, 2].</summary>
    public static ResNet Resnet18(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Basic, [2, 2, 2, 2], numClasses, zeroInitResidual);

    /// <summary>ResNet-34 (<c>torchvision.models.resnet34()</c>): basic blocks [3, 4, 6, 3].</summary>
    public static ResNet Resnet34(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Basic, [3, 4, 6, 3], numClasses, zeroInitResidual);

    /// <summary>ResNet-50 (<c>torchvision.models.resnet50()</c>): bottleneck blocks [3, 4, 6, 3].</summary>
    public static ResNet Resnet50(int numClasses = 1000, bool zeroInitResidual = false, IReadOnlyList<bool>? replaceStrideWithDilation = null) =>
        new(ResNetBlock.Bottleneck, [3, 4, 6, 3], numClasses, zeroInitResidual, replaceStrideWithDilation: replaceStrideWithDilation);

    /// <summary>ResNet-101 (<c>torchvision.models.resnet101()</c>): bottleneck blocks [3, 4, 23, 3].</summary>
    public static ResNet Resnet101(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Bottleneck, [3, 4, 23, 3], numClasses, zeroInitResidual);

    /// <summary>ResNet-152 (<c>torchvision.models.resnet152()</c>): bottleneck blocks [3, 8, 36, 3].</summary>
    public static ResNet Resnet152(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Bottleneck, [3, 8, 36, 3], numClasses, zeroInitResidual);

    /// <summary>ResNeXt-50 32x4d (<c>torchvision.models.resnext50_32x4d()</c>): ResNet-50 with 32 groups of width 4.</summary>
    public static ResNet Resnext50_32x4d(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Bottleneck, [3, 4, 6, 3], numClasses, zeroInitResidual, groups: 32, widthPerGroup: 4);

    /// <summary>Wide ResNet-50-2 (<c>torchvision.models.wide_resnet50_2()</c>): ResNet-50 with twice the bottleneck width.</summary>
    public static ResNet WideResnet50_2(int numClasses = 1000, bool zeroInitResidual = false) =>
        new(ResNetBlock.Bottleneck, [3, 4, 6, 3], numClasses, zeroInitResidual, widthPerGroup: 128);
}
