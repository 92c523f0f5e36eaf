namespace Ember.NN;

/// <summary>The negative log-likelihood loss (<c>nn.NLLLoss</c>); see <see cref="F.NllLoss"/>.</summary>
/// <param name="weight">A weight per class, shape [C], or null.</param>
/// <param name="ignoreIndex">A target value that contributes nothing (<c>ignore_index</c>, default -100).</param>
/// <param name="reduction">None, Mean (default; weighted) or Sum.</param>
public sealed class NllLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    : WeightedLoss(weight, reduction, "nll_loss")
{
    /// <summary>The target value that is ignored (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "NLLLoss";
}
