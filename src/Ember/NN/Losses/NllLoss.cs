namespace Ember.NN;

/// <summary>The negative log-likelihood loss (<c>nn.NLLLoss</c>); see <see cref="F.NllLoss"/>.</summary>
/// <param name="weight">A weight per class, shape [C], or null.</param>
/// <param name="ignoreIndex">A target value that contributes nothing (<c>ignore_index</c>, default -100).</param>
/// <param name="reduction">None, Mean (default; weighted) or Sum.</param>
public class NllLoss(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    : WeightedLoss(weight, reduction, "nll_loss")
{
    /// <summary>The target value that is ignored (<c>ignore_index</c>).</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "NLLLoss";
}

/// <summary>
/// PyTorch's deprecated 2-D alias of <see cref="NllLoss"/> (<c>nn.NLLLoss2d</c>): the same loss, for any
/// input rank <see cref="NllLoss"/> takes. Creating one warns as PyTorch does; use <see cref="NllLoss"/>.
/// </summary>
public sealed class NllLoss2d : NllLoss
{
    /// <summary>Creates the loss (<c>nn.NLLLoss2d(weight, ignore_index=-100, reduction='mean')</c>) and warns that it is deprecated.</summary>
    /// <param name="weight">A weight per class, shape [C], or null.</param>
    /// <param name="ignoreIndex">A target value that contributes nothing (<c>ignore_index</c>, default -100).</param>
    /// <param name="reduction">None, Mean (default; weighted) or Sum.</param>
    public NllLoss2d(Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean) : base(weight, ignoreIndex, reduction)
    {
        Warnings.Warn("NLLLoss2d has been deprecated. Please use NLLLoss instead as a drop-in replacement and see https://pytorch.org/docs/master/nn.html#torch.nn.NLLLoss for more details.");
    }

    /// <inheritdoc/>
    protected internal override string TypeName() => "NLLLoss2d";
}
