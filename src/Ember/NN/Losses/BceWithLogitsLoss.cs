namespace Ember.NN;

/// <summary>
/// Sigmoid and binary cross-entropy in one, numerically stable (<c>nn.BCEWithLogitsLoss</c>); see
/// <see cref="F.BinaryCrossEntropyWithLogits"/>.
/// </summary>
/// <param name="weight">A weight that broadcasts to the input's shape, or null.</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
/// <param name="posWeight">A weight of the positive term per class (broadcast along the last dimension), or null.</param>
public sealed class BceWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    : WeightedLoss(weight, reduction, "binary_cross_entropy_with_logits")
{
    /// <summary>The weight of the positive term (<c>pos_weight</c>, a buffer), or null.</summary>
    [Buffer, Named("pos_weight")] public Tensor? PosWeight { get; } = posWeight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);

    /// <inheritdoc/>
    protected internal override string TypeName() => "BCEWithLogitsLoss";
}
