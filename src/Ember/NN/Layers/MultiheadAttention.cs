namespace Ember.NN;

/// <summary>
/// Multi-head attention (<c>nn.MultiheadAttention</c>): query, key and value are projected, split into
/// <see cref="NumHeads"/> heads of <see cref="HeadDim"/> features, attended with softmax(q·kᵀ/√head_dim +
/// mask)·v per head, concatenated and projected by <see cref="OutProj"/>.
/// <para>Parameters carry PyTorch's names and order, so state dicts exchange: <c>in_proj_weight</c>
/// [3E, E] when key and value have the embedding size (else <c>q_proj_weight</c> [E, E],
/// <c>k_proj_weight</c> [E, kdim], <c>v_proj_weight</c> [E, vdim]), <c>in_proj_bias</c> [3E],
/// <c>bias_k</c>, <c>bias_v</c> [1, 1, E] with <c>addBiasKv</c>, then <c>out_proj.weight</c>,
/// <c>out_proj.bias</c>. Initialisation is PyTorch's, drawn in its order (the output projection as a
/// Linear, then Xavier-uniform projections, zero biases, Xavier-normal bias_k and bias_v), so the same
/// seed gives PyTorch's weights.</para>
/// <para>Masks follow PyTorch 2: bool masks are true where a position is <em>left out</em> (the opposite
/// of <see cref="F.ScaledDotProductAttention"/>'s), float masks are added to the scores, and a key padding
/// mask and an attention mask of either kind are combined by adding their float forms.</para>
/// </summary>
public sealed class MultiheadAttention : Module
{
    /// <summary>
    /// Creates the layer (<c>nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, add_bias_kv,
    /// add_zero_attn, kdim, vdim, batch_first)</c>). <paramref name="kdim"/> and <paramref name="vdim"/>
    /// default to <paramref name="embedDim"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive, or embed_dim is not divisible by num_heads.</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool addBiasKv = false,
        bool addZeroAttn = false, int? kdim = null, int? vdim = null, bool batchFirst = false, DType? dtype = null, Device? device = null)
    {
        if (embedDim <= 0 || numHeads <= 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim and num_heads must be greater than 0, got embed_dim={embedDim} and num_heads={numHeads} instead");
        if (embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim={embedDim} and num_heads={numHeads}.");
        if (kdim is <= 0 || vdim is <= 0)
            throw new ArgumentException($"MultiheadAttention: kdim and vdim must be greater than 0, got kdim={kdim} and vdim={vdim}.");
        if (!(dropout >= 0 && dropout <= 1))
            throw new ArgumentException($"MultiheadAttention: dropout probability has to be between 0 and 1, but got {PyRepr.Float(dropout)}");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        Dropout = dropout;
        KDim = kdim ?? embedDim;
        VDim = vdim ?? embedDim;
        BatchFirst = batchFirst;
        AddZeroAttn = addZeroAttn;
        QkvSameEmbedDim = KDim == embedDim && VDim == embedDim;

        // Tensors are created in PyTorch's order; only OutProj draws random numbers before _reset_parameters.
        if (QkvSameEmbedDim) InProjWeight = new Parameter(Tensor.Empty([3 * embedDim, embedDim], dtype, device));
        else
        {
            QProjWeight = new Parameter(Tensor.Empty([embedDim, embedDim], dtype, device));
            KProjWeight = new Parameter(Tensor.Empty([embedDim, KDim], dtype, device));
            VProjWeight = new Parameter(Tensor.Empty([embedDim, VDim], dtype, device));
        }
        if (bias) InProjBias = new Parameter(Tensor.Empty([3 * embedDim], dtype, device));
        OutProj = new Linear(embedDim, embedDim, bias, dtype, device) { PrintedName = "NonDynamicallyQuantizableLinear" };
        if (addBiasKv)
        {
            BiasK = new Parameter(Tensor.Empty([1, 1, embedDim], dtype, device));
            BiasV = new Parameter(Tensor.Empty([1, 1, embedDim], dtype, device));
        }
        ResetParameters();
    }

    /// <summary>The query's (and output's) number of features (<c>embed_dim</c>).</summary>
    [NotRegistered] public int EmbedDim { get; }

    /// <summary>The number of heads (<c>num_heads</c>).</summary>
    [NotRegistered] public int NumHeads { get; }

    /// <summary>The features per head, embed_dim / num_heads (<c>head_dim</c>).</summary>
    [NotRegistered] public int HeadDim { get; }

    /// <summary>The dropout probability on the attention weights in training mode (<c>dropout</c>).</summary>
    [NotRegistered] public double Dropout { get; }

    /// <summary>The key's number of features (<c>kdim</c>).</summary>
    [NotRegistered] public int KDim { get; }

    /// <summary>The value's number of features (<c>vdim</c>).</summary>
    [NotRegistered] public int VDim { get; }

    /// <summary>Whether inputs and output are [batch, seq, feature] rather than [seq, batch, feature] (<c>batch_first</c>).</summary>
    [NotRegistered] public bool BatchFirst { get; }

    /// <summary>Whether a zero key and value are appended to every sequence (<c>add_zero_attn</c>).</summary>
    [NotRegistered] public bool AddZeroAttn { get; }

    /// <summary>True when kdim and vdim equal embed_dim, so the three projections are packed in <see cref="InProjWeight"/> (<c>_qkv_same_embed_dim</c>).</summary>
    [NotRegistered] public bool QkvSameEmbedDim { get; }

    /// <summary>The packed query, key and value projections [3E, E], or null when kdim/vdim differ (<c>in_proj_weight</c>).</summary>
    [Named("in_proj_weight")] public Parameter? InProjWeight { get; }

    /// <summary>The query projection [E, E] when kdim/vdim differ from embed_dim, else null (<c>q_proj_weight</c>).</summary>
    [Named("q_proj_weight")] public Parameter? QProjWeight { get; }

    /// <summary>The key projection [E, kdim] when kdim/vdim differ from embed_dim, else null (<c>k_proj_weight</c>).</summary>
    [Named("k_proj_weight")] public Parameter? KProjWeight { get; }

    /// <summary>The value projection [E, vdim] when kdim/vdim differ from embed_dim, else null (<c>v_proj_weight</c>).</summary>
    [Named("v_proj_weight")] public Parameter? VProjWeight { get; }

    /// <summary>The packed projection biases [3E] (query, key, value), or null without bias (<c>in_proj_bias</c>).</summary>
    [Named("in_proj_bias")] public Parameter? InProjBias { get; }

    /// <summary>The output projection (<c>out_proj</c>, printed as PyTorch's NonDynamicallyQuantizableLinear).</summary>
    [Named("out_proj")] public Linear OutProj { get; }

    /// <summary>A learned key [1, 1, E] appended to every key sequence with <c>addBiasKv</c>, else null (<c>bias_k</c>).</summary>
    [Named("bias_k")] public Parameter? BiasK { get; }

    /// <summary>A learned value [1, 1, E] appended to every value sequence with <c>addBiasKv</c>, else null (<c>bias_v</c>).</summary>
    [Named("bias_v")] public Parameter? BiasV { get; }

    /// <summary>Re-draws the projections and biases as PyTorch's <c>_reset_parameters</c> does (the output projection's weight keeps its Linear draw).</summary>
    public void ResetParameters()
    {
        if (InProjWeight is not null) Init.XavierUniform_(InProjWeight);
        else
        {
            Init.XavierUniform_(QProjWeight!);
            Init.XavierUniform_(KProjWeight!);
            Init.XavierUniform_(VProjWeight!);
        }
        if (InProjBias is not null)
        {
            Init.Constant_(InProjBias, 0);
            Init.Constant_(OutProj.Bias!, 0);
        }
        if (BiasK is not null) Init.XavierNormal_(BiasK);
        if (BiasV is not null) Init.XavierNormal_(BiasV);
    }

    /// <summary>
    /// Attends from <paramref name="query"/> to <paramref name="key"/>/<paramref name="value"/>
    /// (<c>mha(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights)</c>).
    /// Shapes (N batch, L target length, S source length; batch first with <see cref="BatchFirst"/>):
    /// query [L, N, E], key [S, N, kdim], value [S, N, vdim]; unbatched [L, E], [S, kdim], [S, vdim].
    /// <paramref name="keyPaddingMask"/> is [N, S] ([S] unbatched): true (or −∞) marks keys to ignore.
    /// <paramref name="attnMask"/> is [L, S] or [N·num_heads, L, S] ([num_heads, L, S] unbatched); bool
    /// true marks pairs left out, float values are added. Returns the output [L, N, E] and, when
    /// <paramref name="needWeights"/>, the attention weights [N, L, S] averaged over heads (or
    /// [N, num_heads, L, S] without <paramref name="averageAttnWeights"/>; no N unbatched), after dropout.
    /// </summary>
    /// <exception cref="ArgumentException">A shape, dtype or mask does not fit, with PyTorch's message.</exception>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        bool batched = MultiheadAttentionMath.CheckShapes(query, key, value, keyPaddingMask, attnMask, NumHeads);
        if (BatchFirst && batched)
        {
            // Keep self-attention recognisable after the transpose: one projection serves all three.
            bool kv = ReferenceEquals(key, value), qk = ReferenceEquals(query, key);
            query = query.Transpose(1, 0);
            key = qk ? query : key.Transpose(1, 0);
            value = kv ? key : value.Transpose(1, 0);
        }
        var (output, weights) = MultiheadAttentionMath.Forward(this, query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights, batched);
        return (BatchFirst && batched ? output.Transpose(1, 0) : output, weights);
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>mha(query, key, value, ...)</c>).</summary>
    public (Tensor Output, Tensor? Weights) Call(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true) =>
        !HasForwardHooks ? Forward(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights)
        : CallWithHooks([query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights], args =>
        {
            CheckArgCount(args, 7, 7);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor>(args, 1), ArgAt<Tensor>(args, 2), ArgAt<Tensor?>(args, 3), ArgAt<bool>(args, 4), ArgAt<Tensor?>(args, 5), ArgAt<bool>(args, 6));
        });
}
