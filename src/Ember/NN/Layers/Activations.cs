namespace Ember.NN;

/// <summary><c>max(x, 0)</c> (<c>nn.ReLU</c>); see <see cref="F.Relu"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu(input, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary><c>min(max(x, 0), 6)</c> (<c>nn.ReLU6</c>); see <see cref="F.Relu6"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class ReLU6(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu6(input, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>x clamped to [min, max] with gradient 0 at the bounds (<c>nn.Hardtanh</c>); see <see cref="F.Hardtanh"/>.</summary>
public sealed class Hardtanh : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Hardtanh(min_val, max_val, inplace)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="maxVal"/> is not greater than <paramref name="minVal"/>.</exception>
    public Hardtanh(double minVal = -1, double maxVal = 1, bool inplace = false)
    {
        if (!(maxVal > minVal)) throw new ArgumentException($"Hardtanh: max_val ({PyRepr.Float(maxVal)}) must be greater than min_val ({PyRepr.Float(minVal)}).");
        MinVal = minVal;
        MaxVal = maxVal;
        Inplace = inplace;
    }
    /// <summary>The lower bound.</summary>
    public double MinVal { get; }
    /// <summary>The upper bound.</summary>
    public double MaxVal { get; }
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardtanh(input, MinVal, MaxVal, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"min_val={PyRepr.Float(MinVal)}, max_val={PyRepr.Float(MaxVal)}{(Inplace ? ", inplace=True" : "")}";
}

/// <summary>x for x &gt; 0, else slope * x (<c>nn.LeakyReLU</c>); see <see cref="F.LeakyRelu"/>.</summary>
/// <param name="negativeSlope">The slope for negative inputs.</param>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"negative_slope={PyRepr.Float(NegativeSlope)}{(Inplace ? ", inplace=True" : "")}";
}

/// <summary>
/// x for x &gt; 0, else a * x with a learnable slope a (<c>nn.PReLU</c>): one slope shared by all
/// channels, or one per channel (dim 1 of the input); every slope starts at <c>init</c> (0.25).
/// </summary>
public sealed class PReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.PReLU(num_parameters, init)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numParameters"/> is less than 1.</exception>
    public PReLU(int numParameters = 1, double init = 0.25, DType? dtype = null, Device? device = null)
    {
        if (numParameters < 1) throw new ArgumentOutOfRangeException(nameof(numParameters), $"PReLU: num_parameters must be at least 1, got {numParameters}.");
        NumParameters = numParameters;
        Init = init;
        Weight = new Parameter(Tensor.Full([numParameters], init, dtype ?? DTypes.DefaultFloat, device));
    }
    /// <summary>The number of slopes.</summary>
    public int NumParameters { get; }
    /// <summary>The initial slope.</summary>
    public double Init { get; }
    /// <summary>The slopes, shape [num_parameters].</summary>
    public Parameter Weight { get; }
    /// <summary>Sets every slope back to <see cref="Init"/> (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        Weight.Fill_(Init);
    }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Prelu(input, Weight);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"num_parameters={NumParameters}";
}

/// <summary>x for x &gt; 0, else alpha * (exp(x) - 1) (<c>nn.ELU</c>); see <see cref="F.Elu"/>.</summary>
/// <param name="alpha">The saturation value for negative inputs.</param>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class ELU(double alpha = 1.0, bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>The alpha of the negative branch.</summary>
    public double Alpha { get; } = alpha;
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Elu(input, Alpha, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={PyRepr.Float(Alpha)}{(Inplace ? ", inplace=True" : "")}";
}

/// <summary>Scaled ELU with PyTorch's fixed constants (<c>nn.SELU</c>); see <see cref="F.Selu"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class SELU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Selu(input, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>x * Phi(x), exact ("none") or with the tanh approximation (<c>nn.GELU</c>); see <see cref="F.Gelu"/>.</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.GELU(approximate)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither "none" nor "tanh".</exception>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate argument must be either none or tanh, got \"{approximate}\".", nameof(approximate));
        Approximate = approximate;
    }
    /// <summary>"none" or "tanh".</summary>
    public string Approximate { get; }
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>x * sigmoid(x) (<c>nn.SiLU</c>); see <see cref="F.Silu"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class SiLU(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Silu(input, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>x * tanh(softplus(x)) (<c>nn.Mish</c>); see <see cref="F.Mish"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class Mish(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Mish(input, Inplace);
    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>1 / (1 + exp(-x)) (<c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();   // as nn.Sigmoid: torch.sigmoid, not the deprecated F.sigmoid
}

/// <summary>tanh x (<c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();   // as nn.Tanh: torch.tanh, not the deprecated F.tanh
}

/// <summary>softmax along <c>dim</c> (<c>nn.Softmax</c>); see <see cref="F.Softmax"/>.</summary>
/// <param name="dim">The dim to normalise; null picks PyTorch's legacy implicit dim.</param>
public sealed class Softmax(int? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised (null: implicit).</summary>
    public int? Dim { get; } = dim;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={(Dim is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}";
}

/// <summary>log(softmax) along <c>dim</c> (<c>nn.LogSoftmax</c>); see <see cref="F.LogSoftmax"/>.</summary>
/// <param name="dim">The dim to normalise; null picks PyTorch's legacy implicit dim.</param>
public sealed class LogSoftmax(int? dim = null) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised (null: implicit).</summary>
    public int? Dim { get; } = dim;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={(Dim is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None")}";
}

/// <summary>log(1 + exp(beta * x)) / beta, linear above the threshold (<c>nn.Softplus</c>); see <see cref="F.Softplus"/>.</summary>
/// <param name="beta">The sharpness.</param>
/// <param name="threshold">Above beta * x &gt; threshold the function is x.</param>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module<Tensor, Tensor>
{
    /// <summary>The sharpness.</summary>
    public double Beta { get; } = beta;
    /// <summary>The linear-region threshold.</summary>
    public double Threshold { get; } = threshold;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);
    /// <summary>
    /// <c>beta=1, threshold=20</c>: PyTorch's defaults are Python ints, so integral values print without
    /// a decimal point (a float passed in Python, <c>beta=2.0</c>, prints <c>2.0</c> there; Ember cannot
    /// tell the two apart and prints <c>2</c>).
    /// </summary>
    public override string ExtraRepr() => $"beta={PyRepr.IntOrFloat(Beta)}, threshold={PyRepr.IntOrFloat(Threshold)}";
}

/// <summary>x * relu6(x + 3) / 6 (<c>nn.Hardswish</c>); see <see cref="F.Hardswish"/>.</summary>
/// <param name="inplace">Overwrite the input instead of allocating the output.</param>
public sealed class Hardswish(bool inplace = false) : Module<Tensor, Tensor>
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Hardswish(input, Inplace);
}
