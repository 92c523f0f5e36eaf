namespace Ember.NN;

/// <summary>
/// The encoder-decoder Transformer of "Attention Is All You Need" (<c>nn.Transformer</c>): a
/// <see cref="TransformerEncoder"/> and a <see cref="TransformerDecoder"/>, each ending in a LayerNorm.
/// <para>State dict names are PyTorch's (<c>encoder.layers.0.self_attn.in_proj_weight</c>, ...,
/// <c>encoder.norm.weight</c>, <c>decoder.layers.0.multihead_attn.out_proj.bias</c>, <c>decoder.norm.bias</c>),
/// and initialisation is PyTorch's: the layers are built and copied as PyTorch does, then every parameter
/// with more than one dim is re-drawn Xavier-uniform in <see cref="Module.Parameters"/> order, so the same
/// seed gives PyTorch's weights.</para>
/// </summary>
public sealed class Transformer : Module
{
    private const string Op = "Transformer";

    /// <summary>
    /// Creates the model (<c>nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers,
    /// dim_feedforward, dropout, activation, custom_encoder, custom_decoder, layer_norm_eps, batch_first,
    /// norm_first)</c>) with the activation named "relu" (the default) or "gelu". A custom encoder or decoder
    /// replaces the one that would be built (and is re-initialised with the rest, as in PyTorch).
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, dropout is
    /// outside [0, 1], or the activation is neither "relu" nor "gelu".</exception>
    public Transformer(int dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6, int dimFeedforward = 2048,
        double dropout = 0.1, string activation = "relu", TransformerEncoder? customEncoder = null, TransformerDecoder? customDecoder = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout, TransformerParts.Activation(Op, activation),
            activation, null, customEncoder, customDecoder, layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>Creates the model with any unary <paramref name="activation"/> in every layer (PyTorch's callable activation).</summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public Transformer(Func<Tensor, Tensor> activation, int dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6,
        int dimFeedforward = 2048, double dropout = 0.1, TransformerEncoder? customEncoder = null, TransformerDecoder? customDecoder = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout, activation, null, null, customEncoder, customDecoder,
            layerNormEps, batchFirst, normFirst, dtype, device) { }

    /// <summary>
    /// Creates the model with an activation module (PyTorch's <c>activation=nn.GELU()</c>): every encoder and
    /// decoder layer holds a copy of it as its child <c>activation</c>, as PyTorch's deep-copied layers do.
    /// </summary>
    /// <exception cref="ArgumentException">d_model is not divisible by nhead, a size is not positive, or dropout is outside [0, 1].</exception>
    public Transformer(Module<Tensor, Tensor> activation, int dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6,
        int dimFeedforward = 2048, double dropout = 0.1, TransformerEncoder? customEncoder = null, TransformerDecoder? customDecoder = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null, Device? device = null)
        : this(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, dropout, null, null,
            activation ?? throw new ArgumentNullException(nameof(activation)), customEncoder, customDecoder, layerNormEps, batchFirst, normFirst, dtype, device) { }

    private Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward, double dropout,
        Func<Tensor, Tensor>? activation, string? activationName, Module<Tensor, Tensor>? activationModule, TransformerEncoder? customEncoder,
        TransformerDecoder? customDecoder, double layerNormEps, bool batchFirst, bool normFirst, DType? dtype, Device? device)
    {
        if (activationModule is null) ArgumentNullException.ThrowIfNull(activation);
        TransformerParts.CheckArguments(Op, dModel, nhead, dimFeedforward, dropout);
        if (numEncoderLayers < 0 || numDecoderLayers < 0)
            throw new ArgumentException($"{Op}: num_encoder_layers and num_decoder_layers must be non-negative, got {numEncoderLayers} and {numDecoderLayers}");
        // PyTorch builds the encoder layer, its norm, the encoder, then the same for the decoder; the copies draw nothing.
        Encoder = customEncoder ?? new TransformerEncoder(
            activationModule is not null
                ? new TransformerEncoderLayer(dModel, nhead, activationModule, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device)
                : activationName is null
                ? new TransformerEncoderLayer(dModel, nhead, activation!, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device)
                : new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activationName, layerNormEps, batchFirst, normFirst, dtype, device),
            numEncoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device));
        Decoder = customDecoder ?? new TransformerDecoder(
            activationModule is not null
                ? new TransformerDecoderLayer(dModel, nhead, activationModule, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device)
                : activationName is null
                ? new TransformerDecoderLayer(dModel, nhead, activation!, dimFeedforward, dropout, layerNormEps, batchFirst, normFirst, dtype, device)
                : new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activationName, layerNormEps, batchFirst, normFirst, dtype, device),
            numDecoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype, device: device));
        ResetParameters();
        DModel = dModel;
        NHead = nhead;
        BatchFirst = batchFirst;
    }

    /// <summary>The encoder (<c>encoder</c>).</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>The decoder (<c>decoder</c>).</summary>
    public TransformerDecoder Decoder { get; }

    /// <summary>The number of features of inputs and output (<c>d_model</c>).</summary>
    public int DModel { get; }

    /// <summary>The number of attention heads (<c>nhead</c>).</summary>
    public int NHead { get; }

    /// <summary>Whether inputs and output are [batch, seq, feature] rather than [seq, batch, feature] (<c>batch_first</c>).</summary>
    public bool BatchFirst { get; }

    /// <summary>Re-draws every parameter with more than one dim Xavier-uniform, in parameter order (<c>_reset_parameters</c>); biases and norms keep their values.</summary>
    public void ResetParameters()
    {
        foreach (var p in Parameters())
            if (p.NDim > 1) Init.XavierUniform_(p);
    }

    /// <summary>
    /// Encodes <paramref name="src"/> and decodes <paramref name="tgt"/> against it (<c>transformer(src, tgt,
    /// src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask,
    /// src_is_causal, tgt_is_causal, memory_is_causal)</c>). src is [S, N, E] and tgt [T, N, E] ([N, ·, E] with
    /// <see cref="BatchFirst"/>, no N unbatched); the output is tgt's shape. Masks: src [S, S], tgt [T, T],
    /// memory [T, S] (or [N·nhead, ·, ·]); key padding masks [N, S], [N, T], [N, S]. Bool true (or −∞) leaves a
    /// position out. A causal flag without its mask applies the causal mask (build one with
    /// <see cref="GenerateSquareSubsequentMask"/> to pass it explicitly).
    /// </summary>
    /// <exception cref="ArgumentException">src and tgt differ in batch size or do not have d_model features, or a
    /// mask does not fit.</exception>
    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null,
        bool srcIsCausal = false, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentNullException.ThrowIfNull(tgt);
        bool batched = src.NDim == 3;
        int batchDim = BatchFirst ? 0 : 1;
        if (batched && (tgt.NDim != 3 || src.Shape[batchDim] != tgt.Shape[batchDim]))
            throw new ArgumentException($"{Op}: the batch number of src and tgt must be equal, got src of shape {src.Shape} and tgt of shape {tgt.Shape} (batch dim {batchDim} with batch_first={PyRepr.Bool(BatchFirst)})");
        if (src.NDim == 0 || tgt.NDim == 0 || src.Shape[^1] != DModel || tgt.Shape[^1] != DModel)
            throw new ArgumentException($"{Op}: the feature number of src and tgt must be equal to d_model ({DModel}), got src of shape {src.Shape} and tgt of shape {tgt.Shape}");
        var memory = Encoder.Call(src, srcMask, srcKeyPaddingMask, srcIsCausal);
        return Decoder.Call(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>transformer(src, tgt, ...)</c>).</summary>
    public Tensor Call(Tensor src, Tensor tgt, Tensor? srcMask = null, Tensor? tgtMask = null, Tensor? memoryMask = null,
        Tensor? srcKeyPaddingMask = null, Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null,
        bool srcIsCausal = false, bool tgtIsCausal = false, bool memoryIsCausal = false) =>
        !HasForwardHooks ? Forward(src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask, srcIsCausal, tgtIsCausal, memoryIsCausal)
        : CallWithHooks([src, tgt, srcMask, tgtMask, memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask, srcIsCausal, tgtIsCausal, memoryIsCausal], args =>
        {
            CheckArgCount(args, 11, 11);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor>(args, 1), ArgAt<Tensor?>(args, 2), ArgAt<Tensor?>(args, 3), ArgAt<Tensor?>(args, 4), ArgAt<Tensor?>(args, 5), ArgAt<Tensor?>(args, 6), ArgAt<Tensor?>(args, 7), ArgAt<bool>(args, 8), ArgAt<bool>(args, 9), ArgAt<bool>(args, 10));
        });

    /// <summary>
    /// The causal mask for a sequence of <paramref name="sz"/> (<c>Transformer.generate_square_subsequent_mask</c>):
    /// a float [sz, sz] tensor, 0 on and below the diagonal and −∞ above it, so position i attends to 0..i.
    /// It is float32 (the default float dtype) unless <paramref name="dtype"/> is given, as PyTorch 1.13's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="sz"/> is negative.</exception>
    public static Tensor GenerateSquareSubsequentMask(int sz, Device? device = null, DType? dtype = null)
    {
        if (sz < 0) throw new ArgumentException($"generate_square_subsequent_mask: sz must be non-negative, got {sz}", nameof(sz));
        return TransformerParts.CausalMask(sz, sz, dtype, device);
    }
}
