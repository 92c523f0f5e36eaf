namespace Ember.NN;

/// <summary>
/// The Kullback-Leibler divergence (<c>nn.KLDivLoss</c>); see <see cref="F.KlDiv"/>. Use
/// <see cref="Reduction.BatchMean"/> for the divergence per sample.
/// </summary>
/// <param name="reduction">None, Mean (default, the mean over all elements), Sum or BatchMean.</param>
/// <param name="logTarget">Whether the target holds log-probabilities (<c>log_target</c>).</param>
public sealed class KlDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false)
    : Loss(reduction, "kl_div", allowBatchMean: true)
{
    /// <summary>Whether the target holds log-probabilities (<c>log_target</c>).</summary>
    public bool LogTarget { get; } = logTarget;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.KlDiv(input, target, Reduction, LogTarget);

    /// <inheritdoc/>
    protected internal override string TypeName() => "KLDivLoss";
}
