namespace Ember.NN;

/// <summary>
/// One Transformer decoder layer (<c>nn.TransformerDecoderLayer</c>): self-attention over the target,
/// attention from the target to the encoder's output (memory), and a feed-forward network
/// (linear1 → activation → dropout → linear2), each with dropout, a residual connection and a LayerNorm,
/// after the sum (post-norm, the default) or before the block (<see cref="NormFirst"/>).
/// <para>Submodules carry PyTorch's names and order, so state dicts exchange: <c>self_attn</c>,
/// <c>multihead_attn</c>, <c>linear1</c>, <c>dropout</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>,
/// <c>norm3</c>, <c>dropout1</c>, <c>dropout2</c>, <c>dropout3</c>; they are built in PyTorch's order, so
/// the same seed gives PyTorch's weights.</para>
/// </summary>
public sealed class TransformerDecoderLayer : Module
{
    private const string Op = "TransformerDecoderLayer";

    /// <summary>
    /// Creates the layer (<c>nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
    /// layer_norm_eps, batch_first, norm_first)</c>) with the activation named "relu" (the default) or "gelu".
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, dropout is
    /// outside [0, 1], or the activation is neither "relu" nor "gelu".</exception>
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, TransformerParts.Activation(Op, activation), activation, null, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>Creates the layer with any unary <paramref name="activation"/> (PyTorch's callable activation), e.g. <c>x => F.Gelu(x, "tanh")</c>.</summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public TransformerDecoderLayer(int dModel, int nhead, Func<Tensor, Tensor> activation, int dimFeedforward = 2048, double dropout = 0.1,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, activation, null, null, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>
    /// Creates the layer with an activation module (PyTorch's <c>activation=nn.GELU()</c>), e.g. <c>new GELU("tanh")</c>
    /// or <c>new PReLU()</c>: it is registered as the child <c>activation</c>, after the others, so the layer
    /// prints, lists its parameters and state dict and moves with <c>To</c>/<c>Double</c> as PyTorch's does;
    /// a stack built from the layer gets a copy of it in every layer (PyTorch's deepcopy).
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public TransformerDecoderLayer(int dModel, int nhead, Module<Tensor, Tensor> activation, int dimFeedforward = 2048, double dropout = 0.1,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, null, null, activation ?? throw new ArgumentNullException(nameof(activation)), dimFeedforward, dropout, layerNormEps,
            batchFirst, normFirst, dtype, device) { }

    private TransformerDecoderLayer(int dModel, int nhead, Func<Tensor, Tensor>? activation, string? activationName, Module<Tensor, Tensor>? activationModule,
        int dimFeedforward, double dropout, double layerNormEps, bool batchFirst, bool normFirst, DType? dtype, Device? device)
    {
        if (activationModule is null) ArgumentNullException.ThrowIfNull(activation);
        TransformerParts.CheckArguments(Op, dModel, nhead, dimFeedforward, dropout);
        DModel = dModel;
        DimFeedforward = dimFeedforward;
        DropoutP = dropout;
        LayerNormEps = layerNormEps;
        BatchFirst = batchFirst;
        NormFirst = normFirst;
        Activation = activationModule is null ? activation! : activationModule.Call;
        ActivationName = activationName;
        // Built in PyTorch's order: the draws of the default generator follow it.
        SelfAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, device: device);
        MultiheadAttn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype, device: device);
        Linear1 = new Linear(dModel, dimFeedforward, dtype: dtype, device: device);
        Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, dtype: dtype, device: device);
        Norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device);
        Norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device);
        Norm3 = new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        Dropout3 = new Dropout(dropout);
        ActivationModule = activationModule;
    }

    /// <summary>The self-attention over the target (<c>self_attn</c>).</summary>
    [Named("self_attn")] public MultiheadAttention SelfAttn { get; }

    /// <summary>The attention from the target to the memory (<c>multihead_attn</c>).</summary>
    [Named("multihead_attn")] public MultiheadAttention MultiheadAttn { get; }

    /// <summary>The feed-forward network's first projection, d_model → dim_feedforward (<c>linear1</c>).</summary>
    public Linear Linear1 { get; }

    /// <summary>The dropout after the activation (<c>dropout</c>).</summary>
    public Dropout Dropout { get; }

    /// <summary>The feed-forward network's second projection, dim_feedforward → d_model (<c>linear2</c>).</summary>
    public Linear Linear2 { get; }

    /// <summary>The LayerNorm of the self-attention block (<c>norm1</c>).</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The LayerNorm of the memory-attention block (<c>norm2</c>).</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The LayerNorm of the feed-forward block (<c>norm3</c>).</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>The dropout on the self-attention block's output (<c>dropout1</c>).</summary>
    public Dropout Dropout1 { get; }

    /// <summary>The dropout on the memory-attention block's output (<c>dropout2</c>).</summary>
    public Dropout Dropout2 { get; }

    /// <summary>The dropout on the feed-forward block's output (<c>dropout3</c>).</summary>
    public Dropout Dropout3 { get; }

    /// <summary>
    /// The activation when given as a module (<c>activation</c>, registered last as in PyTorch, so the
    /// layer prints it and its parameters are the layer's), else null.
    /// </summary>
    [Named("activation")] public Module<Tensor, Tensor>? ActivationModule { get; }

    /// <summary>The number of features of target, memory and output (<c>d_model</c>).</summary>
    public int DModel { get; }

    /// <summary>The feed-forward network's hidden size (<c>dim_feedforward</c>).</summary>
    public int DimFeedforward { get; }

    /// <summary>The dropout probability of every dropout in the layer, attention weights included (<c>dropout</c>).</summary>
    public double DropoutP { get; }

    /// <summary>The LayerNorms' eps (<c>layer_norm_eps</c>).</summary>
    public double LayerNormEps { get; }

    /// <summary>Whether inputs and output are [batch, seq, feature] rather than [seq, batch, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether each LayerNorm runs before its block (pre-norm) rather than after the residual sum (<c>norm_first</c>).</summary>
    public bool NormFirst { get; }

    /// <summary>The feed-forward network's activation (<c>activation</c>): the function given, the named one, or a call of <see cref="ActivationModule"/>.</summary>
    public Func<Tensor, Tensor> Activation { get; }

    /// <summary>"relu" or "gelu" when the activation was given by name, else null.</summary>
    public string? ActivationName { get; }

    /// <summary>
    /// Runs the layer (<c>layer(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
    /// tgt_is_causal, memory_is_causal)</c>). <paramref name="tgt"/> is [T, N, E] and <paramref name="memory"/>
    /// [S, N, E] ([N, ·, E] with <see cref="BatchFirst"/>, no N unbatched); the output has the target's shape.
    /// <paramref name="tgtMask"/> is [T, T] or [N·nhead, T, T], <paramref name="memoryMask"/> [T, S] or
    /// [N·nhead, T, S], the key padding masks [N, T] and [N, S] ([T], [S] unbatched), with
    /// <see cref="MultiheadAttention"/>'s meaning: bool true (or −∞) leaves a position out. A causal flag
    /// without its mask applies the causal mask (aligned at the top left); with a mask it is a hint, as in
    /// PyTorch 2, and the mask is used as given.
    /// </summary>
    /// <exception cref="ArgumentException">An input is not 2-D or 3-D with d_model features, target and memory
    /// differ in batch size, or a mask does not fit.</exception>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        bool batched = TransformerParts.CheckInput(Op, "tgt", tgt, DModel);
        TransformerParts.CheckInput(Op, "memory", memory, DModel);
        if (memory.NDim != tgt.NDim)
            throw new ArgumentException($"{Op}: tgt {tgt.Shape} and memory {memory.Shape} must both be batched (3-D) or both unbatched (2-D)");
        int batchDim = BatchFirst ? 0 : 1;
        if (batched && tgt.Shape[batchDim] != memory.Shape[batchDim])
            throw new ArgumentException($"{Op}: tgt {tgt.Shape} and memory {memory.Shape} must have the same batch size (dim {batchDim} with batch_first={PyRepr.Bool(BatchFirst)}), got {tgt.Shape[batchDim]} and {memory.Shape[batchDim]}");
        int t = TransformerParts.SeqLen(tgt, BatchFirst), s = TransformerParts.SeqLen(memory, BatchFirst);
        if (tgtIsCausal && tgtMask is null) tgtMask = TransformerParts.CausalMask(t, t, tgt.DType, tgt.Device);
        if (memoryIsCausal && memoryMask is null) memoryMask = TransformerParts.CausalMask(t, s, tgt.DType, tgt.Device);

        var x = tgt;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Call(x), tgtMask, tgtKeyPaddingMask);
            x = x + MemoryAttentionBlock(Norm2.Call(x), memory, memoryMask, memoryKeyPaddingMask);
            x = x + FeedForwardBlock(Norm3.Call(x));
        }
        else
        {
            x = Norm1.Call(x + SelfAttentionBlock(x, tgtMask, tgtKeyPaddingMask));
            x = Norm2.Call(x + MemoryAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask));
            x = Norm3.Call(x + FeedForwardBlock(x));
        }
        return x;
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>layer(tgt, memory, ...)</c>).</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false) =>
        !HasForwardHooks ? Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal)
        : CallWithHooks([tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal], args =>
        {
            CheckArgCount(args, 8, 8);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor>(args, 1), ArgAt<Tensor?>(args, 2), ArgAt<Tensor?>(args, 3), ArgAt<Tensor?>(args, 4), ArgAt<Tensor?>(args, 5), ArgAt<bool>(args, 6), ArgAt<bool>(args, 7));
        });

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout1.Call(SelfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor MemoryAttentionBlock(Tensor x, Tensor memory, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout2.Call(MultiheadAttn.Call(x, memory, memory, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForwardBlock(Tensor x) =>
        Dropout3.Call(Linear2.Call(Dropout.Call(Activation(Linear1.Call(x)))));

    /// <summary>A deep copy (PyTorch's <c>copy.deepcopy</c>): the same configuration and parameter values, new tensors.</summary>
    internal TransformerDecoderLayer DeepCopy()
    {
        var w = SelfAttn.OutProj.Weight;
        return TransformerParts.DeepCopy(this, () => new TransformerDecoderLayer(DModel, SelfAttn.NumHeads, ActivationModule is null ? Activation : null, ActivationName,
            (Module<Tensor, Tensor>?)ActivationModule?.DeepClone(), DimFeedforward, DropoutP, LayerNormEps, BatchFirst, NormFirst, w.DType, w.Device));
    }
}
