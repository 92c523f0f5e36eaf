namespace Ember.NN;

/// <summary>
/// An Elman recurrent network (<c>nn.RNN</c>): h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), or
/// relu with <c>nonlinearity: "relu"</c>, stacked <c>num_layers</c> deep. The input is [T, B, input_size]
/// ([B, T, input_size] with <c>batchFirst</c>, or unbatched [T, input_size]); the result is
/// (Output [T, B, D·hidden_size], H [num_layers·D, B, hidden_size]), D = 2 when bidirectional.
/// Parameters and initialisation are PyTorch's; see <see cref="RNNBase{TState}"/>.
/// </summary>
public sealed class RNN : RNNBase<Tensor>
{
    /// <summary>Creates the layer (<c>nn.RNN(input_size, hidden_size, num_layers, nonlinearity, bias, batch_first, dropout, bidirectional)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="nonlinearity"/> is neither "tanh" nor "relu", or a size or the dropout is out of range.</exception>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, DType? dtype = null, Device? device = null)
        : base(ModeOf(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, dtype, device)
    {
        Nonlinearity = nonlinearity;
    }

    internal static RecurrentMode ModeOf(string nonlinearity, string who = "RNN") => nonlinearity switch
    {
        "tanh" => RecurrentMode.RnnTanh,
        "relu" => RecurrentMode.RnnRelu,
        _ => throw new ArgumentException($"{who}: Unknown nonlinearity '{nonlinearity}'; expected 'tanh' or 'relu'.", nameof(nonlinearity)),
    };

    /// <summary>"tanh" or "relu" (<c>nonlinearity</c>).</summary>
    public string Nonlinearity { get; }

    /// <summary>Runs the layers from zero initial state.</summary>
    public override (Tensor Output, Tensor State) Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Runs the layers from the initial hidden state <paramref name="hx"/> [num_layers·D, B, hidden_size]
    /// ([num_layers·D, hidden_size] for unbatched input), zeros when null (<c>rnn(input, h_0)</c>).
    /// Returns (output, h_n).
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
    /// Runs the layers over a packed batch of variable-length sequences (<c>rnn(packed, h_0)</c>): the
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
