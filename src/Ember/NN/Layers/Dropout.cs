namespace Ember.NN;

/// <summary>
/// During training, zeroes each element with probability p and scales the rest by 1 / (1 - p)
/// (<c>nn.Dropout</c>); in evaluation mode it returns its input. The masks are PyTorch's for the same seed.
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Dropout(p, inplace)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout(double p = 0.5, bool inplace = false)
    {
        F.CheckDropoutP(p);
        P = p;
        Inplace = inplace;
    }
    /// <summary>The probability of zeroing an element.</summary>
    public double P { get; }
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace={PyRepr.Bool(Inplace)}";
}

/// <summary>
/// During training, zeroes whole channels with probability p and scales the rest by 1 / (1 - p)
/// (<c>nn.Dropout2d</c>); in evaluation mode it returns its input. See <see cref="F.Dropout2d"/>.
/// </summary>
public sealed class Dropout2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Dropout2d(p, inplace)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public Dropout2d(double p = 0.5, bool inplace = false)
    {
        F.CheckDropoutP(p);
        P = p;
        Inplace = inplace;
    }
    /// <summary>The probability of zeroing a channel.</summary>
    public double P { get; }
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace={PyRepr.Bool(Inplace)}";
}
