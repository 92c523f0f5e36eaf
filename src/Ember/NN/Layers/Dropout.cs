namespace Ember.NN;

/// <summary>
/// What every dropout layer shares (PyTorch's <c>_DropoutNd</c>): the probability p, checked to lie in
/// [0, 1], whether the input is overwritten, and the printed form <c>p=…, inplace=…</c>.
/// </summary>
public abstract class DropoutNd : Module<Tensor, Tensor>
{
    /// <summary>Checks and keeps the arguments.</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    protected DropoutNd(double p, bool inplace)
    {
        F.CheckDropoutP(p);
        P = p;
        Inplace = inplace;
    }

    /// <summary>The probability of dropping an element (or a channel, for the channel-wise layers).</summary>
    public double P { get; }

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace={PyRepr.Bool(Inplace)}";
}

/// <summary>
/// During training, zeroes each element with probability p and scales the rest by 1 / (1 - p)
/// (<c>nn.Dropout</c>); in evaluation mode it returns its input. The masks are PyTorch's for the same seed.
/// </summary>
public sealed class Dropout(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, Inplace);
}

/// <summary>
/// During training, zeroes whole channels with probability p and scales the rest by 1 / (1 - p)
/// (<c>nn.Dropout2d</c>); in evaluation mode it returns its input. See <see cref="F.Dropout2d"/>.
/// </summary>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, Inplace);
}
