using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// The LeNet of the chapter (and of PyTorch's "Training a classifier" tutorial): convolution 5x5 to 6
/// channels, ReLU, 2x2 max-pool, convolution 5x5 to 16 channels, ReLU, 2x2 max-pool, then fully
/// connected 400 -> 120 -> 84 -> classes with ReLUs between. Its submodules are named as the tutorial's
/// (<c>conv1</c>, <c>pool</c>, <c>conv2</c>, <c>fc1</c>, <c>fc2</c>, <c>fc3</c>), so state dicts
/// exchange with PyTorch's, and the same seed gives the same initial weights.
/// </summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly MaxPool2d pool;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    /// <summary>Builds the network.</summary>
    /// <param name="inChannels">Image channels: 3 for CIFAR-10, 1 for (Fashion-)MNIST.</param>
    /// <param name="numClasses">Outputs of the last layer.</param>
    /// <param name="padding">
    /// Zero padding of the first convolution: 0 for 32x32 images, 2 for 28x28 ones (which then take
    /// the same shapes as CIFAR's: 28 -> 28 -> 14 -> 10 -> 5).
    /// </param>
    public LeNet(int inChannels = 3, int numClasses = 10, int padding = 0)
    {
        conv1 = new Conv2d(inChannels, 6, 5, padding: padding);
        pool = new MaxPool2d(2, 2);
        conv2 = new Conv2d(6, 16, 5);
        fc1 = new Linear(16 * 5 * 5, 120);
        fc2 = new Linear(120, 84);
        fc3 = new Linear(84, numClasses);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = pool.Call(F.Relu(conv1.Call(x)));
        x = pool.Call(F.Relu(conv2.Call(x)));
        x = x.Flatten(1);
        x = F.Relu(fc1.Call(x));
        x = F.Relu(fc2.Call(x));
        return fc3.Call(x);
    }
}
