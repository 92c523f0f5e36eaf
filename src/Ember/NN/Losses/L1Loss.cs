namespace Ember.NN;

/// <summary>The mean absolute error (<c>nn.L1Loss</c>); see <see cref="F.L1Loss"/>.</summary>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction, "l1_loss")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}
