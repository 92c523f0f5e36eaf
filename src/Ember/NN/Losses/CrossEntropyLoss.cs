namespace Ember.NN;

/// <summary>
/// The cross-entropy loss between logits and class indices or class probabilities
/// (<c>nn.CrossEntropyLoss</c>); see <see cref="F.CrossEntropy"/>.
/// </summary>
public sealed class CrossEntropyLoss : WeightedLoss
{
    /// <summary>Creates the loss (<c>nn.CrossEntropyLoss(weight, ignore_index, reduction, label_smoothing)</c>).</summary>
    /// <param name="weight">A weight per class, shape [C], or null.</param>
    /// <param name="ignoreIndex">A class index that contributes nothing (<c>ignore_index</c>, default -100).</param>
    /// <param name="reduction">None, Mean (default) or Sum.</param>
    /// <param name="labelSmoothing">In [0, 1]: how much of the target is replaced by the uniform distribution.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
        : base(weight, reduction, "cross_entropy")
    {
        F.CheckLabelSmoothing(labelSmoothing);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The class index that is ignored (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; }

    /// <summary>The label smoothing (<c>label_smoothing</c>).</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}
