namespace Ember.NN;

/// <summary>The mean squared error (<c>nn.MSELoss</c>); see <see cref="F.MseLoss"/>.</summary>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class MseLoss(Reduction reduction = Reduction.Mean) : Loss(reduction, "mse_loss")
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "MSELoss";
}
