namespace Ember.NN;

/// <summary>max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (<c>nn.CELU</c>); see <see cref="F.Celu"/>.</summary>
/// <param name="alpha">The alpha of the negative branch (not 0).</param>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class CELU(double alpha = 1.0, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The alpha of the negative branch.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Celu(input, Alpha, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={PyRepr.Float(Alpha)}{(Inplace ? ", inplace=True" : "")}";
}

/// <summary>The gated linear unit a * sigmoid(b) over the halves of <c>dim</c> (<c>nn.GLU</c>); see <see cref="F.Glu"/>.</summary>
/// <param name="dim">The dim split in halves (default -1).</param>
public sealed class GLU(int dim = -1) : Module<Tensor, Tensor>
{
    /// <summary>The dim split in halves.</summary>
    public int Dim { get; } = dim;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Glu(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>x where |x| &gt; lambd, else 0 (<c>nn.Hardshrink</c>); see <see cref="F.Hardshrink"/>.</summary>
/// <param name="lambd">The half-width of the zeroed interval (default 0.5).</param>
public sealed class Hardshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>The half-width of the zeroed interval.</summary>
    public double Lambd { get; } = lambd;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardshrink(input, Lambd);
    /// <summary><c>0.5</c>; an integral lambd prints as PyTorch prints a Python int (<c>1</c>).</summary>
    public override string ExtraRepr() => PyRepr.IntOrFloat(Lambd);
}

/// <summary>x - lambd above lambd, x + lambd below -lambd, else 0 (<c>nn.Softshrink</c>); see <see cref="F.Softshrink"/>.</summary>
/// <param name="lambd">The half-width of the zeroed interval (default 0.5).</param>
public sealed class Softshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    /// <summary>The half-width of the zeroed interval.</summary>
    public double Lambd { get; } = lambd;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softshrink(input, Lambd);
    /// <summary><c>0.5</c>; an integral lambd prints as PyTorch prints a Python int (<c>1</c>).</summary>
    public override string ExtraRepr() => PyRepr.IntOrFloat(Lambd);
}

/// <summary>relu6(x + 3) / 6 (<c>nn.Hardsigmoid</c>); see <see cref="F.Hardsigmoid"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class Hardsigmoid(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardsigmoid(input, Inplace);
}

/// <summary>x / (1 + |x|) (<c>nn.Softsign</c>); see <see cref="F.Softsign"/>.</summary>
public sealed class Softsign : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softsign(input);
}

/// <summary>x - tanh(x) (<c>nn.Tanhshrink</c>); see <see cref="F.Tanhshrink"/>.</summary>
public sealed class Tanhshrink : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Tanhshrink(input);
}

/// <summary>x where x &gt; threshold, else value (<c>nn.Threshold</c>); see <see cref="F.Threshold"/>.</summary>
/// <param name="threshold">The threshold.</param>
/// <param name="value">The replacement below or at the threshold.</param>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class Threshold(double threshold, double value, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The threshold (<c>threshold</c>).</summary>
    public double ThresholdValue { get; } = threshold;
    /// <summary>The replacement value (<c>value</c>).</summary>
    public double Value { get; } = value;
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Threshold(input, ThresholdValue, Value, Inplace);
    /// <summary><c>threshold=0.1, value=20</c>: integral numbers print as Python ints, as PyTorch prints what it was given.</summary>
    public override string ExtraRepr() => $"threshold={PyRepr.IntOrFloat(ThresholdValue)}, value={PyRepr.IntOrFloat(Value)}{(Inplace ? ", inplace=True" : "")}";
}

/// <summary>softmax(-x) along <c>dim</c> (<c>nn.Softmin</c>); see <see cref="F.Softmin"/>.</summary>
/// <param name="dim">The dim normalised; null picks PyTorch's legacy implicit dim.</param>
public sealed class Softmin(int? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised (null: implicit).</summary>
    public int? Dim { get; } = dim;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmin(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={(Dim is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}";
}

/// <summary>
/// The randomized leaky ReLU (<c>nn.RReLU</c>): in training each negative element gets a slope drawn
/// from uniform(lower, upper) (PyTorch's stream); in evaluation the slope is (lower + upper) / 2.
/// See <see cref="F.Rrelu"/>.
/// </summary>
public sealed class RReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.RReLU(lower=1/8, upper=1/3, inplace=False)</c>).</summary>
    public RReLU(double lower = 1.0 / 8, double upper = 1.0 / 3, bool inplace = false)
    {
        Lower = lower;
        Upper = upper;
        Inplace = inplace;
    }
    /// <summary>The lower bound of the slopes.</summary>
    public double Lower { get; }
    /// <summary>The upper bound of the slopes.</summary>
    public double Upper { get; }
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Rrelu(input, Lower, Upper, Training, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"lower={PyRepr.Float(Lower)}, upper={PyRepr.Float(Upper)}{(Inplace ? ", inplace=True" : "")}";
}
