namespace Ember.NN;

/// <summary>
/// A gated recurrent unit network (<c>nn.GRU</c>), gates in PyTorch's order r, z, n:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h. Shapes as <see cref="RNN"/>;
/// parameters and initialisation are PyTorch's; see <see cref="RNNBase{TState}"/>.
/// </summary>
public sealed class GRU : RNNBase<Tensor>
{
    /// <summary>Creates the layer (<c>nn.GRU(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or the dropout is out of range.</exception>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, DType? dtype = null, Device? device = null)
        : base(RecurrentMode.Gru, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, dtype, device) { }

    /// <summary>Runs the layers from zero initial state.</summary>
    public override (Tensor Output, Tensor State) Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Runs the layers from the initial hidden state <paramref name="hx"/> [num_layers·D, B, hidden_size]
    /// ([num_layers·D, hidden_size] for unbatched input), zeros when null (<c>gru(input, h_0)</c>). Returns (output, h_n).
    /// </summary>
    /// <exception cref="ArgumentException">The input or the state has the wrong shape or dtype.</exception>
    public (Tensor Output, Tensor State) Forward(Tensor input, Tensor? hx)
    {
        var (o, h, _) = RunLayers(input, hx, null);
        return (o, h);
    }

    /// <summary><see cref="Forward(Tensor, Tensor?)"/> through the forward hooks (<c>module(input, hx)</c>), which see both arguments.</summary>
    public (Tensor Output, Tensor State) Call(Tensor input, Tensor? hx) =>
        hx is null ? Call(input) : HasForwardHooks ? CallWithHooks([input, hx], ForwardArgs) : Forward(input, hx);

    /// <summary>Runs Forward on a hooked call's input and, if given, initial state.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected override (Tensor Output, Tensor State) ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 2);
        return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor?>(args, 1));
    }

    /// <summary>
    /// Runs the layers over a packed batch of variable-length sequences (<c>gru(packed, h_0)</c>): the
    /// output is packed like the input ([sum(batch_sizes), D·hidden_size] rows), and h_n [num_layers·D, B, hidden_size]
    /// holds each sequence's state after its own last step, in the batch's original order (as is <paramref name="hx"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The packed data or the state has the wrong shape or dtype.</exception>
    public (PackedSequence Output, Tensor State) Forward(PackedSequence input, Tensor? hx = null)
    {
        var (o, h, _) = RunPacked(input, hx, null);
        return (o, h);
    }

    /// <summary><see cref="Forward(PackedSequence, Tensor?)"/> through the forward hooks; the typed hooks, declared on tensor input, skip it, the untyped ones see it.</summary>
    public (PackedSequence Output, Tensor State) Call(PackedSequence input, Tensor? hx = null) =>
        !HasForwardHooks ? Forward(input, hx) : CallWithHooks(hx is null ? [input] : [input, hx], args =>
        {
            CheckArgCount(args, 1, 2);
            return Forward(ArgAt<PackedSequence>(args, 0), ArgAt<Tensor?>(args, 1));
        });
}
