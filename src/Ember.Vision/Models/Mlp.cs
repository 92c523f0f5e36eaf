using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// A multilayer perceptron for images: flatten, Linear(inFeatures, hidden), ReLU, Linear(hidden, classes).
/// A baseline to compare LeNet with.
/// </summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Builds the network.</summary>
    /// <param name="inFeatures">Values per image (channels x height x width).</param>
    /// <param name="hidden">Width of the hidden layer.</param>
    /// <param name="numClasses">Outputs of the last layer.</param>
    public Mlp(int inFeatures, int hidden = 256, int numClasses = 10)
    {
        fc1 = new Linear(inFeatures, hidden);
        fc2 = new Linear(hidden, numClasses);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => fc2.Call(F.Relu(fc1.Call(x.Flatten(1))));
}
