namespace Ember.NN;

/// <summary>The smooth L1 loss (<c>nn.SmoothL1Loss</c>); see <see cref="F.SmoothL1Loss"/>.</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary>Creates the loss (<c>nn.SmoothL1Loss(reduction, beta)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is negative.</exception>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : base(reduction, "smooth_l1_loss")
    {
        F.CheckBeta(beta);
        Beta = beta;
    }

    /// <summary>Where the loss turns from quadratic to linear (<c>beta</c>).</summary>
    public double Beta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, Beta);
}
