namespace Ember.NN;

/// <summary>
/// A stack of <see cref="NumLayers"/> encoder layers, then an optional norm (<c>nn.TransformerEncoder</c>).
/// The layers are deep copies of the one given, as PyTorch's <c>_get_clones</c> makes them: they all start
/// with its weights (the copies draw nothing from the generator) and train apart from it and from each other.
/// State dict names are PyTorch's: <c>layers.0.self_attn.in_proj_weight</c>, ..., <c>norm.weight</c>.
/// </summary>
public sealed class TransformerEncoder : Module
{
    /// <summary>
    /// Creates the stack (<c>nn.TransformerEncoder(encoder_layer, num_layers, norm, enable_nested_tensor)</c>).
    /// <paramref name="enableNestedTensor"/> is accepted and ignored: Ember has no nested tensors, and
    /// PyTorch's nested fast path computes the same numbers (except that it zeroes padded positions).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numLayers"/> is negative.</exception>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module<Tensor, Tensor>? norm = null, bool enableNestedTensor = true)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        if (numLayers < 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), $"TransformerEncoder: num_layers must be non-negative, got {numLayers}");
        _ = enableNestedTensor;
        Layers = new ModuleList(Enumerable.Range(0, numLayers).Select(_ => (Module)encoderLayer.DeepCopy()).ToArray());
        NumLayers = numLayers;
        Norm = norm;
    }

    /// <summary>The encoder layers (<c>layers</c>), each a <see cref="TransformerEncoderLayer"/>.</summary>
    public ModuleList Layers { get; }

    /// <summary>The norm applied after the last layer, or null (<c>norm</c>).</summary>
    public Module<Tensor, Tensor>? Norm { get; }

    /// <summary>The number of layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; }

    /// <summary>
    /// Runs the layers in turn, then the norm (<c>encoder(src, mask, src_key_padding_mask, is_causal)</c>);
    /// shapes and masks as <see cref="TransformerEncoderLayer.Forward"/>, every layer given the same masks.
    /// </summary>
    /// <exception cref="ArgumentException">The key padding mask is neither bool nor floating, or a layer rejects its input.</exception>
    public Tensor Forward(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (srcKeyPaddingMask is not null && srcKeyPaddingMask.DType != DType.Bool && !srcKeyPaddingMask.DType.IsFloatingPoint())
            throw new ArgumentException($"TransformerEncoder: only bool and floating types of key_padding_mask are supported, got {srcKeyPaddingMask.DType.TorchName()}");
        var output = src;
        foreach (var layer in Layers)
            output = Cast(layer).Call(output, mask, srcKeyPaddingMask, isCausal);
        return Norm is null ? output : Norm.Call(output);
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>encoder(src, ...)</c>).</summary>
    public Tensor Call(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        !HasForwardHooks ? Forward(src, mask, srcKeyPaddingMask, isCausal)
        : CallWithHooks([src, mask, srcKeyPaddingMask, isCausal], args =>
        {
            CheckArgCount(args, 4, 4);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor?>(args, 1), ArgAt<Tensor?>(args, 2), ArgAt<bool>(args, 3));
        });

    private static TransformerEncoderLayer Cast(Module layer) => layer as TransformerEncoderLayer
        ?? throw new InvalidOperationException($"TransformerEncoder: every entry of layers must be a TransformerEncoderLayer, found {layer.GetType().Name}");
}
