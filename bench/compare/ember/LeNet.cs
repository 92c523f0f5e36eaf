using Ember;
using Ember.NN;

namespace EmberCompare;

/// <summary>
/// The chapter's CIFAR-10 LeNet (PyTorch's 60-minute blitz <c>Net</c>): conv(3->6, 5) - relu - pool 2,
/// conv(6->16, 5) - relu - pool 2, flatten, 400->120->84->10 with ReLUs. Shared with the
/// BenchmarkDotNet suite (bench/Ember.Benchmarks links this file).
/// </summary>
public sealed class LeNet : Module<Tensor, Tensor>
{
    /// <summary>First convolution, 3 -> 6 channels, 5x5.</summary>
    public Conv2d Conv1 { get; } = new(3, 6, 5);
    /// <summary>2x2 max pooling, stride 2 (used twice).</summary>
    public MaxPool2d Pool { get; } = new(2, 2);
    /// <summary>Second convolution, 6 -> 16 channels, 5x5.</summary>
    public Conv2d Conv2 { get; } = new(6, 16, 5);
    /// <summary>400 -> 120.</summary>
    public Linear Fc1 { get; } = new(16 * 5 * 5, 120);
    /// <summary>120 -> 84.</summary>
    public Linear Fc2 { get; } = new(120, 84);
    /// <summary>84 -> 10.</summary>
    public Linear Fc3 { get; } = new(84, 10);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = Pool.Call(F.Relu(Conv1.Call(x)));
        x = Pool.Call(F.Relu(Conv2.Call(x)));
        x = x.Flatten(1);
        x = F.Relu(Fc1.Call(x));
        x = F.Relu(Fc2.Call(x));
        return Fc3.Call(x);
    }
}
