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

    /// <summary><see cref="Forward(Tensor, Tensor?)"/> with the forward hooks when <paramref name="hx"/> is null (<c>gru(input, h_0)</c>).</summary>
    public (Tensor Output, Tensor State) Call(Tensor input, Tensor? hx) => hx is null ? Call(input) : Forward(input, hx);

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

    /// <summary>The same as <see cref="Forward(PackedSequence, Tensor?)"/> (the forward hooks are typed on tensor input).</summary>
    public (PackedSequence Output, Tensor State) Call(PackedSequence input, Tensor? hx = null) => Forward(input, hx);
}
