namespace Ember.NN;

/// <summary>
/// One Transformer encoder layer (<c>nn.TransformerEncoderLayer</c>): self-attention and a feed-forward
/// network (linear1 → activation → dropout → linear2), each with dropout, a residual connection and a
/// LayerNorm, after the sum (post-norm, the default) or before the block (<see cref="NormFirst"/>).
/// <para>Submodules carry PyTorch's names and order, so state dicts exchange: <c>self_attn</c>,
/// <c>linear1</c>, <c>dropout</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>, <c>dropout1</c>,
/// <c>dropout2</c>; they are built in PyTorch's order, so the same seed gives PyTorch's weights.</para>
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    private const string Op = "TransformerEncoderLayer";

    /// <summary>
    /// Creates the layer (<c>nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
    /// layer_norm_eps, batch_first, norm_first)</c>) with the activation named "relu" (the default) or "gelu".
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, dropout is
    /// outside [0, 1], or the activation is neither "relu" nor "gelu".</exception>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, TransformerParts.Activation(Op, activation), activation, null, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>Creates the layer with any unary <paramref name="activation"/> (PyTorch's callable activation), e.g. <c>x => F.Gelu(x, "tanh")</c>.</summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public TransformerEncoderLayer(int dModel, int nhead, Func<Tensor, Tensor> activation, int dimFeedforward = 2048, double dropout = 0.1,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, activation, null, null, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>
    /// Creates the layer with an activation module (PyTorch's <c>activation=nn.GELU()</c>), e.g. <c>new GELU("tanh")</c>
    /// or <c>new PReLU()</c>: it is registered as the child <c>activation</c>, after the others, so the layer
    /// prints, lists its parameters and state dict and moves with <c>To</c>/<c>Double</c> as PyTorch's does;
    /// a stack built from the layer gets a copy of it in every layer (PyTorch's deepcopy).
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public TransformerEncoderLayer(int dModel, int nhead, Module<Tensor, Tensor> activation, int dimFeedforward = 2048, double dropout = 0.1,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, null, null, activation ?? throw new ArgumentNullException(nameof(activation)), dimFeedforward, dropout, layerNormEps,
            batchFirst, normFirst, dtype, device) { }

    private TransformerEncoderLayer(int dModel, int nhead, Func<Tensor, Tensor>? activation, string? activationName, Module<Tensor, Tensor>? activationModule,
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
        Linear1 = new Linear(dModel, dimFeedforward, dtype: dtype, device: device);
        Dropout = new Dropout(dropout);
        Linear2 = new Linear(dimFeedforward, dModel, dtype: dtype, device: device);
        Norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device);
        Norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device);
        Dropout1 = new Dropout(dropout);
        Dropout2 = new Dropout(dropout);
        ActivationModule = activationModule;
    }

    /// <summary>The self-attention (<c>self_attn</c>).</summary>
    [Named("self_attn")] public MultiheadAttention SelfAttn { get; }

    /// <summary>The feed-forward network's first projection, d_model → dim_feedforward (<c>linear1</c>).</summary>
    public Linear Linear1 { get; }

    /// <summary>The dropout after the activation (<c>dropout</c>).</summary>
    public Dropout Dropout { get; }

    /// <summary>The feed-forward network's second projection, dim_feedforward → d_model (<c>linear2</c>).</summary>
    public Linear Linear2 { get; }

    /// <summary>The LayerNorm of the attention block (<c>norm1</c>).</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The LayerNorm of the feed-forward block (<c>norm2</c>).</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The dropout on the attention block's output (<c>dropout1</c>).</summary>
    public Dropout Dropout1 { get; }

    /// <summary>The dropout on the feed-forward block's output (<c>dropout2</c>).</summary>
    public Dropout Dropout2 { get; }

    /// <summary>
    /// The activation when given as a module (<c>activation</c>, registered last as in PyTorch, so the
    /// layer prints it and its parameters are the layer's), else null.
    /// </summary>
    [Named("activation")] public Module<Tensor, Tensor>? ActivationModule { get; }

    /// <summary>The number of features of inputs and output (<c>d_model</c>).</summary>
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
    /// Runs the layer (<c>layer(src, src_mask, src_key_padding_mask, is_causal)</c>). <paramref name="src"/>
    /// is [S, N, E] ([N, S, E] with <see cref="BatchFirst"/>, [S, E] unbatched); the output has its shape.
    /// <paramref name="srcMask"/> is [S, S] or [N·nhead, S, S] and <paramref name="srcKeyPaddingMask"/> [N, S]
    /// ([S] unbatched), with <see cref="MultiheadAttention"/>'s meaning: bool true (or −∞) leaves a position out.
    /// <paramref name="isCausal"/> without a mask applies the causal mask (<see cref="Transformer.GenerateSquareSubsequentMask"/>);
    /// with a mask it is a hint, as in PyTorch 2, and the mask is used as given.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not 2-D or 3-D with d_model features, or a mask does not fit.</exception>
    public Tensor Forward(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        TransformerParts.CheckInput(Op, "src", src, DModel);
        if (isCausal && srcMask is null)
        {
            int s = TransformerParts.SeqLen(src, BatchFirst);
            srcMask = TransformerParts.CausalMask(s, s, src.DType, src.Device);
        }
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(Norm1.Call(x), srcMask, srcKeyPaddingMask);
            x = x + FeedForwardBlock(Norm2.Call(x));
        }
        else
        {
            x = Norm1.Call(x + SelfAttentionBlock(x, srcMask, srcKeyPaddingMask));
            x = Norm2.Call(x + FeedForwardBlock(x));
        }
        return x;
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>layer(src, ...)</c>).</summary>
    public Tensor Call(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        !HasForwardHooks ? Forward(src, srcMask, srcKeyPaddingMask, isCausal)
        : CallWithHooks([src, srcMask, srcKeyPaddingMask, isCausal], args =>
        {
            CheckArgCount(args, 4, 4);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor?>(args, 1), ArgAt<Tensor?>(args, 2), ArgAt<bool>(args, 3));
        });

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout1.Call(SelfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForwardBlock(Tensor x) =>
        Dropout2.Call(Linear2.Call(Dropout.Call(Activation(Linear1.Call(x)))));

    /// <summary>A deep copy (PyTorch's <c>copy.deepcopy</c>): the same configuration and parameter values, new tensors.</summary>
    internal TransformerEncoderLayer DeepCopy()
    {
        var w = SelfAttn.OutProj.Weight;
        return TransformerParts.DeepCopy(this, () => new TransformerEncoderLayer(DModel, SelfAttn.NumHeads, ActivationModule is null ? Activation : null, ActivationName,
            (Module<Tensor, Tensor>?)ActivationModule?.DeepClone(), DimFeedforward, DropoutP, LayerNormEps, BatchFirst, NormFirst, w.DType, w.Device));
    }
}
