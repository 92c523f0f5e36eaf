namespace Ember.NN;

/// <summary>The Huber loss (<c>nn.HuberLoss</c>); see <see cref="F.HuberLoss"/>.</summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Creates the loss (<c>nn.HuberLoss(reduction, delta)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not positive.</exception>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : base(reduction, "huber_loss")
    {
        F.CheckDelta(delta);
        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear (<c>delta</c>).</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, Delta);
}
