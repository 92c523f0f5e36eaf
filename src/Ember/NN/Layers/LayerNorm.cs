namespace Ember.NN;

/// <summary>
/// Normalises each sample over its trailing dims <c>normalized_shape</c> (<c>nn.LayerNorm</c>), then an
/// elementwise weight (ones) and bias (zeros) of that shape when <c>elementwise_affine</c>.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer over one trailing dim of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType? dtype = null, Device? device = null)
        : this([normalizedShape], eps, elementwiseAffine, dtype, device) { }

    /// <summary>Creates the layer (<c>nn.LayerNorm(normalized_shape, eps, elementwise_affine)</c>).</summary>
    /// <exception cref="ArgumentException">The shape is empty or has a negative size.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be a non-empty list of non-negative sizes, got [{string.Join(", ", normalizedShape)}].");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        var dt = dtype ?? DTypes.DefaultFloat;
        if (elementwiseAffine)
        {
            Weight = new Parameter(Tensor.Ones(normalizedShape, dt, device));
            Bias = new Parameter(Tensor.Zeros(normalizedShape, dt, device));
        }
    }

    /// <summary>The trailing shape normalised over.</summary>
    public IReadOnlyList<int> NormalizedShape { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Whether there is a learnable weight and bias.</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>The scale (null without affine).</summary>
    public Parameter? Weight { get; }
    /// <summary>The shift (null without affine).</summary>
    public Parameter? Bias { get; }

    /// <summary>Sets weight to ones and bias to zeros (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        Weight?.Fill_(1);
        Bias?.Zero_();
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LayerNorm(input, NormalizedShape.ToArray(), Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{PyRepr.Tuple(NormalizedShape)}, eps={PyRepr.Float(Eps)}, elementwise_affine={PyRepr.Bool(ElementwiseAffine)}";
}

/// <summary>
/// Splits the channels into groups and normalises each group of each sample (<c>nn.GroupNorm</c>), then a
/// per-channel weight (ones) and bias (zeros) when <c>affine</c>.
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.GroupNorm(num_groups, num_channels, eps, affine)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="numChannels"/> is not divisible by <paramref name="numGroups"/>.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType? dtype = null, Device? device = null)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels must be divisible by num_groups (got num_channels={numChannels}, num_groups={numGroups}).");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        var dt = dtype ?? DTypes.DefaultFloat;
        if (affine)
        {
            Weight = new Parameter(Tensor.Ones([numChannels], dt, device));
            Bias = new Parameter(Tensor.Zeros([numChannels], dt, device));
        }
    }

    /// <summary>The number of groups.</summary>
    public int NumGroups { get; }
    /// <summary>The number of channels C.</summary>
    public int NumChannels { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Whether there is a learnable weight and bias.</summary>
    public bool Affine { get; }
    /// <summary>The scale, shape [C] (null without affine).</summary>
    public Parameter? Weight { get; }
    /// <summary>The shift, shape [C] (null without affine).</summary>
    public Parameter? Bias { get; }

    /// <summary>Sets weight to ones and bias to zeros (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        Weight?.Fill_(1);
        Bias?.Zero_();
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={PyRepr.Float(Eps)}, affine={PyRepr.Bool(Affine)}";
}
