namespace Ember.NN;

/// <summary>
/// A long short-term memory network (<c>nn.LSTM</c>), gates in PyTorch's order i, f, g, o:
/// c_t = σ(f)·c_{t−1} + σ(i)·tanh(g), h_t = σ(o)·tanh(c_t), then h_t·W_hrᵀ when <c>projSize</c> &gt; 0.
/// The result is (Output, (H, C)): Output [T, B, D·H_out] (batch first with <c>batchFirst</c>), H
/// [num_layers·D, B, H_out] and C [num_layers·D, B, hidden_size], H_out = proj_size or hidden_size.
/// Deconstruct it as <c>var (output, (h, c)) = lstm.Call(x);</c>. Parameters and initialisation are
/// PyTorch's; see <see cref="RNNBase{TState}"/>.
/// </summary>
public sealed class LSTM : RNNBase<(Tensor H, Tensor C)>
{
    /// <summary>Creates the layer (<c>nn.LSTM(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, proj_size)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, the dropout or <paramref name="projSize"/> (must be below hidden_size) is out of range.</exception>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, int projSize = 0, DType? dtype = null, Device? device = null)
        : base(RecurrentMode.Lstm, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, dtype, device) { }

    /// <summary>Runs the layers from zero initial states.</summary>
    public override (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Runs the layers from the initial states (h_0 [num_layers·D, B, H_out], c_0 [num_layers·D, B, hidden_size];
    /// without the batch dim for unbatched input), zeros when null (<c>lstm(input, (h_0, c_0))</c>).
    /// Returns (output, (h_n, c_n)).
    /// </summary>
    /// <exception cref="ArgumentException">The input or a state has the wrong shape or dtype.</exception>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? hx)
    {
        if (hx is { } s)
        {
            ArgumentNullException.ThrowIfNull(s.H, "hx.H");
            ArgumentNullException.ThrowIfNull(s.C, "hx.C");
        }
        var (o, h, c) = RunLayers(input, hx?.H, hx?.C);
        return (o, (h, c!));
    }

    /// <summary><see cref="Forward(Tensor, ValueTuple{Tensor, Tensor}?)"/> through the forward hooks (<c>module(input, hx)</c>), which see both arguments.</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Call(Tensor input, (Tensor H, Tensor C)? hx) =>
        hx is null ? Call(input) : HasForwardHooks ? CallWithHooks([input, hx], ForwardArgs) : Forward(input, hx);

    /// <summary>Runs Forward on a hooked call's input and, if given, initial state.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected override (Tensor Output, (Tensor H, Tensor C) State) ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 2);
        return Forward(ArgAt<Tensor>(args, 0), ArgAt<(Tensor H, Tensor C)?>(args, 1));
    }

    /// <summary>
    /// Runs the layers over a packed batch of variable-length sequences (<c>lstm(packed, (h_0, c_0))</c>):
    /// the output is packed like the input ([sum(batch_sizes), D·H_out] rows), and h_n, c_n hold each
    /// sequence's states after its own last step, in the batch's original order (as is <paramref name="hx"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The packed data or a state has the wrong shape or dtype.</exception>
    public (PackedSequence Output, (Tensor H, Tensor C) State) Forward(PackedSequence input, (Tensor H, Tensor C)? hx = null)
    {
        if (hx is { } s)
        {
            ArgumentNullException.ThrowIfNull(s.H, "hx.H");
            ArgumentNullException.ThrowIfNull(s.C, "hx.C");
        }
        var (o, h, c) = RunPacked(input, hx?.H, hx?.C);
        return (o, (h, c!));
    }

    /// <summary><see cref="Forward(PackedSequence, ValueTuple{Tensor, Tensor}?)"/> through the forward hooks; the typed hooks, declared on tensor input, skip it, the untyped ones see it.</summary>
    public (PackedSequence Output, (Tensor H, Tensor C) State) Call(PackedSequence input, (Tensor H, Tensor C)? hx = null) =>
        !HasForwardHooks ? Forward(input, hx) : CallWithHooks(hx is null ? [input] : [input, hx], args =>
        {
            CheckArgCount(args, 1, 2);
            return Forward(ArgAt<PackedSequence>(args, 0), ArgAt<(Tensor H, Tensor C)?>(args, 1));
        });
}
