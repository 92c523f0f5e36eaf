using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// AlexNet as torchvision 0.14 builds it (<c>torchvision.models.AlexNet</c>, the "one weird trick" variant):
/// five convolutions with ReLUs and three max-pools in <see cref="Features"/>, adaptive average pooling to
/// 6x6, and dropout / linear / ReLU layers in <see cref="Classifier"/>. Every layer keeps its default
/// initialisation, as in torchvision. <c>torchvision.models.alexnet(num_classes=10)</c> is
/// <c>new AlexNet(numClasses: 10)</c>.
/// </summary>
public sealed class AlexNet : Module<Tensor, Tensor>
{
    /// <summary>Builds the network (<c>AlexNet(num_classes, dropout)</c>).</summary>
    /// <param name="numClasses">Outputs of the last linear layer.</param>
    /// <param name="dropout">Dropout probability in the classifier.</param>
    public AlexNet(int numClasses = 1000, double dropout = 0.5)
    {
        Features = new Sequential(
            new Conv2d(3, 64, 11, 4, 2),
            new ReLU(true),
            new MaxPool2d(3, 2),
            new Conv2d(64, 192, 5, padding: 2),
            new ReLU(true),
            new MaxPool2d(3, 2),
            new Conv2d(192, 384, 3, padding: 1),
            new ReLU(true),
            new Conv2d(384, 256, 3, padding: 1),
            new ReLU(true),
            new Conv2d(256, 256, 3, padding: 1),
            new ReLU(true),
            new MaxPool2d(3, 2));
        Avgpool = new AdaptiveAvgPool2d((6, 6));
        Classifier = new Sequential(
            new Dropout(dropout),
            new Linear(256 * 6 * 6, 4096),
            new ReLU(true),
            new Dropout(dropout),
            new Linear(4096, 4096),
            new ReLU(true),
            new Linear(4096, numClasses));
    }

    /// <summary>The convolutional part.</summary>
    public Sequential Features { get; }
    /// <summary>Adaptive average pooling to 6x6.</summary>
    public AdaptiveAvgPool2d Avgpool { get; }
    /// <summary>The classifier; replaceable for fine-tuning.</summary>
    public Sequential Classifier { get; set; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = Avgpool.Call(Features.Call(x)).Flatten(1);
        return Classifier.Call(x);
    }
}
