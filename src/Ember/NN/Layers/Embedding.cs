namespace Ember.NN;

/// <summary>
/// A lookup table of <c>num_embeddings</c> vectors of size <c>embedding_dim</c> (<c>nn.Embedding</c>),
/// initialised from N(0, 1) as PyTorch does (the same seed gives the same table); the row at
/// <c>padding_idx</c> starts at zero and gets no gradient.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Embedding(num_embeddings, embedding_dim, padding_idx)</c>).</summary>
    /// <exception cref="ArgumentException">A size is negative or <paramref name="paddingIdx"/> is out of range.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, DType? dtype = null, Device? device = null)
        : this(numEmbeddings, embeddingDim, paddingIdx, null, dtype, device) { }

    private Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx, Tensor? weight, DType? dtype, Device? device)
    {
        if (numEmbeddings < 0 || embeddingDim < 0)
            throw new ArgumentException($"Embedding: sizes must be non-negative, got num_embeddings={numEmbeddings}, embedding_dim={embeddingDim}.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is { } p ? F.NormalizePaddingIdx(p, numEmbeddings) : null;
        if (weight is not null) { Weight = new Parameter(weight); return; }
        Weight = new Parameter(Tensor.Empty([numEmbeddings, embeddingDim], dtype, device));
        ResetParameters();
    }

    /// <summary>
    /// An embedding holding <paramref name="embeddings"/> (shared, not copied), trainable unless
    /// <paramref name="freeze"/> (<c>nn.Embedding.from_pretrained</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="embeddings"/> is not 2-d.</exception>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.NDim != 2) throw new ArgumentException($"Embedding.FromPretrained: embeddings parameter is expected to be 2-dimensional, got shape {embeddings.Shape}.");
        var e = new Embedding(embeddings.Shape[0], embeddings.Shape[1], paddingIdx, embeddings.Detach(), null, null);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }

    /// <summary>The number of rows.</summary>
    public int NumEmbeddings { get; }
    /// <summary>The size of each row.</summary>
    public int EmbeddingDim { get; }
    /// <summary>The padding row (non-negative), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>
    /// The table, shape [num_embeddings, embedding_dim]. Assigning another parameter ties the two
    /// (<c>decoder.Weight = encoder.Weight</c>, see <see cref="Module.SetParameter"/>).
    /// </summary>
    public Parameter Weight { get; set => field = value ?? throw new ArgumentNullException(nameof(value), "Embedding.Weight can't be null."); }

    /// <summary>Re-draws the table from N(0, 1) and zeroes the padding row (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        Weight.Normal_();
        if (PaddingIdx is { } p) Weight[p].Fill_(0);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}

/// <summary>
/// y = x1^T A x2 + b (<c>nn.Bilinear</c>): weight [out, in1, in2] and bias [out], both uniform in
/// ±1/sqrt(in1_features) as PyTorch initialises them (weight first, then bias, from the default generator).
/// </summary>
public sealed class Bilinear : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.Bilinear(in1_features, in2_features, out_features, bias)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public Bilinear(int in1Features, int in2Features, int outFeatures, bool bias = true, DType? dtype = null, Device? device = null)
    {
        if (in1Features < 0 || in2Features < 0 || outFeatures < 0)
            throw new ArgumentOutOfRangeException(nameof(in1Features), $"Bilinear: sizes must be non-negative, got in1_features={in1Features}, in2_features={in2Features}, out_features={outFeatures}.");
        In1Features = in1Features;
        In2Features = in2Features;
        OutFeatures = outFeatures;
        Weight = new Parameter(Tensor.Empty([outFeatures, in1Features, in2Features], dtype, device));
        Bias = bias ? new Parameter(Tensor.Empty([outFeatures], dtype, device)) : null;
        ResetParameters();
    }

    /// <summary>The size of the first input's last dim.</summary>
    public int In1Features { get; }
    /// <summary>The size of the second input's last dim.</summary>
    public int In2Features { get; }
    /// <summary>The number of outputs.</summary>
    public int OutFeatures { get; }
    /// <summary>The weight, shape [out, in1, in2].</summary>
    public Parameter Weight { get; }
    /// <summary>The bias, shape [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws weight and bias uniformly in ±1/sqrt(in1_features) (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        double bound = In1Features > 0 ? 1 / Math.Sqrt(In1Features) : 0;
        Weight.Uniform_(-bound, bound);
        Bias?.Uniform_(-bound, bound);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2) => F.Bilinear(input1, input2, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={PyRepr.Bool(Bias is not null)}";
}
