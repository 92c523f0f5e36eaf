namespace Ember.NN;

/// <summary>
/// y = x W^T + b (<c>nn.Linear</c>). The weight has shape [out, in]. Initialised as PyTorch does:
/// weight and bias uniform in ±1/sqrt(in_features) (Kaiming-uniform with a = sqrt(5)), drawn from the
/// default generator in PyTorch's order, so the same seed gives PyTorch's initial weights.
/// </summary>
public class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Linear(in_features, out_features, bias)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: sizes must be non-negative, got in_features={inFeatures}, out_features={outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(Tensor.Empty([outFeatures, inFeatures], dtype, device));
        Bias = bias ? new Parameter(Tensor.Empty([outFeatures], dtype, device)) : null;
        ResetParameters();
    }

    // LazyLinear's: uninitialized parameters, drawn at the first forward.
    private protected Linear(int outFeatures, bool bias, DType? dtype, Device? device)
    {
        if (outFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(outFeatures), $"LazyLinear: out_features must be non-negative, got {outFeatures}.");
        OutFeatures = outFeatures;
        Weight = Uninitialized.Parameter(dtype: dtype, device: device);
        Bias = bias ? Uninitialized.Parameter(dtype: dtype, device: device) : null;
    }

    /// <summary>The number of input features (0 for a <see cref="LazyLinear"/> before its first forward).</summary>
    [NotRegistered] public int InFeatures { get; private protected set; }

    /// <summary>The number of output features.</summary>
    [NotRegistered] public int OutFeatures { get; }

    /// <summary>
    /// The weight, shape [out, in]. Assigning another parameter ties the two (<c>linear.weight = embedding.weight</c>,
    /// see <see cref="Module.SetParameter"/>).
    /// </summary>
    public Parameter Weight { get; set => field = value ?? throw new ArgumentNullException(nameof(value), "Linear.Weight can't be null."); }

    /// <summary>The bias, shape [out], or null; assignable like <see cref="Weight"/>.</summary>
    public Parameter? Bias { get; set; }

    /// <summary>Re-draws the weights as the constructor did (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        Init.ResetLinearOrConv(Weight, Bias, drawBiasWithoutFanIn: true);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Shape.Count == 0 || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"Linear: expected input with last dimension {InFeatures}, got shape {input.Shape}.");
        return F.Linear(input, Weight, Bias);
    }

    // MultiheadAttention's output projection prints as PyTorch's NonDynamicallyQuantizableLinear, a
    // Linear subclass that only exists to steer quantisation; the name keeps printed models identical.
    internal string? PrintedName { get; init; }

    /// <inheritdoc/>
    protected internal override string TypeName() => PrintedName ?? base.TypeName();

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}
