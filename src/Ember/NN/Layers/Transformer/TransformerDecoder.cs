namespace Ember.NN;

/// <summary>
/// A stack of <see cref="NumLayers"/> decoder layers, then an optional norm (<c>nn.TransformerDecoder</c>).
/// The layers are deep copies of the one given, as PyTorch's <c>_get_clones</c> makes them: they all start
/// with its weights (the copies draw nothing from the generator) and train apart from it and from each other.
/// State dict names are PyTorch's: <c>layers.0.self_attn.in_proj_weight</c>, ..., <c>norm.weight</c>.
/// </summary>
public sealed class TransformerDecoder : Module
{
    /// <summary>Creates the stack (<c>nn.TransformerDecoder(decoder_layer, num_layers, norm)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numLayers"/> is negative.</exception>
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, Module<Tensor, Tensor>? norm = null)
    {
        ArgumentNullException.ThrowIfNull(decoderLayer);
        if (numLayers < 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), $"TransformerDecoder: num_layers must be non-negative, got {numLayers}");
        Layers = new ModuleList(Enumerable.Range(0, numLayers).Select(_ => (Module)decoderLayer.DeepCopy()).ToArray());
        NumLayers = numLayers;
        Norm = norm;
    }

    /// <summary>The decoder layers (<c>layers</c>), each a <see cref="TransformerDecoderLayer"/>.</summary>
    public ModuleList Layers { get; }

    /// <summary>The norm applied after the last layer, or null (<c>norm</c>).</summary>
    public Module<Tensor, Tensor>? Norm { get; }

    /// <summary>The number of layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; }

    /// <summary>
    /// Runs the layers in turn on the target, each attending to the same <paramref name="memory"/>, then the
    /// norm (<c>decoder(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask,
    /// tgt_is_causal, memory_is_causal)</c>); shapes and masks as <see cref="TransformerDecoderLayer.Forward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A layer rejects its input or a mask.</exception>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        var output = tgt;
        foreach (var layer in Layers)
        {
            var l = layer as TransformerDecoderLayer
                ?? throw new InvalidOperationException($"TransformerDecoder: every entry of layers must be a TransformerDecoderLayer, found {layer.GetType().Name}");
            output = l.Call(output, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal);
        }
        return Norm is null ? output : Norm.Call(output);
    }

    /// <summary><see cref="Forward"/> through the forward hooks, which get the arguments in this order (<c>decoder(tgt, memory, ...)</c>).</summary>
    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false) =>
        !HasForwardHooks ? Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal)
        : CallWithHooks([tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal], args =>
        {
            CheckArgCount(args, 8, 8);
            return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor>(args, 1), ArgAt<Tensor?>(args, 2), ArgAt<Tensor?>(args, 3), ArgAt<Tensor?>(args, 4), ArgAt<Tensor?>(args, 5), ArgAt<bool>(args, 6), ArgAt<bool>(args, 7));
        });
}
