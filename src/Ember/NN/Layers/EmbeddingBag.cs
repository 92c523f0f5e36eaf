namespace Ember.NN;

/// <summary>
/// Sums, averages or takes the maximum of bags of embeddings (<c>nn.EmbeddingBag</c>); see
/// <see cref="F.EmbeddingBag"/>. The table is initialised from N(0, 1) as PyTorch does (the same seed
/// gives the same table); the row at <c>padding_idx</c> starts at zero and is left out of every bag.
/// </summary>
public sealed class EmbeddingBag : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.EmbeddingBag(num_embeddings, embedding_dim, mode='mean', include_last_offset=False, padding_idx=None)</c>).</summary>
    /// <exception cref="ArgumentException">A size is negative, the mode is unknown or <paramref name="paddingIdx"/> is out of range.</exception>
    public EmbeddingBag(int numEmbeddings, int embeddingDim, string mode = "mean", bool includeLastOffset = false, int? paddingIdx = null,
        DType? dtype = null, Device? device = null)
        : this(numEmbeddings, embeddingDim, mode, includeLastOffset, paddingIdx, null, dtype, device) { }

    private EmbeddingBag(int numEmbeddings, int embeddingDim, string mode, bool includeLastOffset, int? paddingIdx, Tensor? weight, DType? dtype, Device? device)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (numEmbeddings < 0 || embeddingDim < 0)
            throw new ArgumentException($"EmbeddingBag: sizes must be non-negative, got num_embeddings={numEmbeddings}, embedding_dim={embeddingDim}.");
        if (mode is not ("sum" or "mean" or "max")) throw new ArgumentException($"EmbeddingBag: mode has to be one of sum, mean or max, got '{mode}'.", nameof(mode));
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Mode = mode;
        IncludeLastOffset = includeLastOffset;
        PaddingIdx = paddingIdx is { } p ? F.NormalizePaddingIdx(p, numEmbeddings) : null;
        if (weight is not null) { Weight = new Parameter(weight); return; }
        Weight = new Parameter(Tensor.Empty([numEmbeddings, embeddingDim], dtype, device));
        ResetParameters();
    }

    /// <summary>
    /// A bag layer holding <paramref name="embeddings"/> (shared, not copied), trainable unless
    /// <paramref name="freeze"/> (<c>nn.EmbeddingBag.from_pretrained</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="embeddings"/> is not 2-d.</exception>
    public static EmbeddingBag FromPretrained(Tensor embeddings, bool freeze = true, string mode = "mean", bool includeLastOffset = false, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.NDim != 2) throw new ArgumentException($"EmbeddingBag.FromPretrained: Embeddings parameter is expected to be 2-dimensional, got shape {embeddings.Shape}.");
        var e = new EmbeddingBag(embeddings.Shape[0], embeddings.Shape[1], mode, includeLastOffset, paddingIdx, embeddings.Detach(), null, null);
        e.Weight.RequiresGrad = !freeze;
        return e;
    }

    /// <summary>The number of rows.</summary>
    public int NumEmbeddings { get; }
    /// <summary>The size of each row.</summary>
    public int EmbeddingDim { get; }
    /// <summary>"sum", "mean" or "max".</summary>
    public string Mode { get; }
    /// <summary>Whether the offsets end with the end of the last bag (<c>include_last_offset</c>).</summary>
    public bool IncludeLastOffset { get; }
    /// <summary>The padding row (non-negative), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>The table, shape [num_embeddings, embedding_dim].</summary>
    public Parameter Weight { get; }

    /// <summary>Re-draws the table from N(0, 1) and zeroes the padding row (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        using var _ = Autograd.NoGrad();
        Weight.Normal_();
        if (PaddingIdx is { } p) Weight[p].Fill_(0);
    }

    /// <summary>The bags of a [B, L] input, one per row.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null);

    /// <summary>The bags of a 1-d input cut at <paramref name="offsets"/> (or of a [B, L] input), optionally weighted per sample ("sum" only).</summary>
    public Tensor Forward(Tensor input, Tensor? offsets, Tensor? perSampleWeights = null) =>
        F.EmbeddingBag(input, Weight, offsets, Mode, perSampleWeights, IncludeLastOffset, PaddingIdx);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}, mode={Mode}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
