namespace Ember.NN;

/// <summary>The binary cross-entropy on probabilities (<c>nn.BCELoss</c>); see <see cref="F.BinaryCrossEntropy"/>.</summary>
/// <param name="weight">A weight that broadcasts to the input's shape, or null.</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class BceLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean)
    : WeightedLoss(weight, reduction, "binary_cross_entropy")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Weight, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "BCELoss";
}
