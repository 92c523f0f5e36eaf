namespace Ember.NN;

/// <summary>
/// What <see cref="RNNCell"/>, <see cref="LSTMCell"/> and <see cref="GRUCell"/> share (<c>nn.RNNCellBase</c>):
/// the parameters <c>weight_ih</c> [G·hidden, input], <c>weight_hh</c> [G·hidden, hidden], <c>bias_ih</c>
/// and <c>bias_hh</c> [G·hidden] (G gate blocks: 1, 4 or 3), initialised uniform in ±1/√hidden_size in
/// that order as PyTorch does, and the checks of one step's input [B, input_size] (or unbatched [input_size]).
/// </summary>
public abstract class RNNCellBase<TState> : Module<Tensor, TState>
{
    private protected RNNCellBase(RecurrentMode mode, int inputSize, int hiddenSize, bool bias, DType? dtype, Device? device)
    {
        string name = TypeName();
        if (inputSize < 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{name}: input_size must be non-negative, got {inputSize}.");
        if (hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"{name}: hidden_size must be greater than zero, got {hiddenSize}.");
        Mode = mode;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int gates = RecurrentMath.GateCount(mode) * hiddenSize;
        WeightIh = new Parameter(Tensor.Empty([gates, inputSize], dtype, device));
        WeightHh = new Parameter(Tensor.Empty([gates, hiddenSize], dtype, device));
        BiasIh = bias ? new Parameter(Tensor.Empty([gates], dtype, device)) : null;
        BiasHh = bias ? new Parameter(Tensor.Empty([gates], dtype, device)) : null;
        ResetParameters();
    }

    private protected RecurrentMode Mode { get; }

    /// <summary>The number of input features (<c>input_size</c>).</summary>
    public int InputSize { get; }

    /// <summary>The number of hidden features (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>The input weights, gate blocks stacked (<c>weight_ih</c>).</summary>
    [Named("weight_ih")] public Parameter WeightIh { get; }

    /// <summary>The hidden weights, gate blocks stacked (<c>weight_hh</c>).</summary>
    [Named("weight_hh")] public Parameter WeightHh { get; }

    /// <summary>The input bias (<c>bias_ih</c>), or null without bias.</summary>
    [Named("bias_ih")] public Parameter? BiasIh { get; }

    /// <summary>The hidden bias (<c>bias_hh</c>), or null without bias.</summary>
    [Named("bias_hh")] public Parameter? BiasHh { get; }

    /// <summary>Re-draws every parameter uniform in ±1/√hidden_size, in PyTorch's order (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        double stdv = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters(recurse: false)) Init.Uniform_(p, -stdv, stdv);
    }

    private protected RecurrentMath.Weights Weights => new(WeightIh, WeightHh, BiasIh, BiasHh, null);

    /// <summary>Checks the input and returns it as [B, input_size] (unbatched inputs get a batch dim of 1).</summary>
    private protected Tensor CheckInput(Tensor input, out bool batched)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = TypeName();
        if (input.NDim is not (1 or 2))
            throw new ArgumentException($"{name}: Expected input to be 1-D or 2-D but received {input.NDim}-D tensor (shape {input.Shape}).");
        if (input.DType != WeightIh.DType)
            throw new ArgumentException($"{name}: input must have the type {WeightIh.DType.TorchName()}, got type {input.DType.TorchName()}.");
        if (input.Shape[^1] != InputSize)
            throw new ArgumentException($"{name}: input has inconsistent input_size: got {input.Shape[^1]} expected {InputSize}.");
        batched = input.NDim == 2;
        return batched ? input : input.Unsqueeze(0);
    }

    /// <summary>Checks a given state (hidden0 or hidden1) against the [B, hidden_size] the input calls for and returns it batched; zeros when null.</summary>
    private protected Tensor StateOrZeros(Tensor? state, string what, Tensor x, bool batched)
    {
        int batch = x.Shape[0];
        if (state is null) return Tensor.Zeros([batch, HiddenSize], x.DType, x.Device);
        string name = TypeName();
        if (state.NDim != (batched ? 2 : 1))
            throw new ArgumentException($"{name}: Expected {what} to be {(batched ? 2 : 1)}-D for {(batched ? "batched 2-D" : "unbatched 1-D")} input, but got {state.NDim}-D tensor (shape {state.Shape}).");
        var s = batched ? state : state.Unsqueeze(0);
        if (s.Shape[0] != batch)
            throw new ArgumentException($"{name}: Input batch size {batch} doesn't match {what} batch size {s.Shape[0]}.");
        if (s.Shape[1] != HiddenSize)
            throw new ArgumentException($"{name}: {what} has inconsistent hidden_size: got {s.Shape[1]}, expected {HiddenSize}.");
        if (s.DType != x.DType)
            throw new ArgumentException($"{name}: {what} must have the type {x.DType.TorchName()}, got type {s.DType.TorchName()}.");
        return s;
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (BiasIh is null) s += ", bias=False";
        if (Mode == RecurrentMode.RnnRelu) s += ", nonlinearity=relu";
        return s;
    }
}

/// <summary>
/// One step of an Elman RNN (<c>nn.RNNCell</c>): h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu).
/// Input [B, input_size] or unbatched [input_size]; hidden state of the same batch shape with hidden_size features.
/// </summary>
public sealed class RNNCell : RNNCellBase<Tensor>
{
    /// <summary>Creates the cell (<c>nn.RNNCell(input_size, hidden_size, bias, nonlinearity)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="nonlinearity"/> is neither "tanh" nor "relu", or a size is out of range.</exception>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", DType? dtype = null, Device? device = null)
        : base(RNN.ModeOf(nonlinearity, "RNNCell"), inputSize, hiddenSize, bias, dtype, device)
    {
        Nonlinearity = nonlinearity;
    }

    /// <summary>"tanh" or "relu" (<c>nonlinearity</c>).</summary>
    public string Nonlinearity { get; }

    /// <summary>One step from a zero hidden state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>One step from <paramref name="hx"/> (zeros when null); returns h' (<c>cell(input, hx)</c>).</summary>
    /// <exception cref="ArgumentException">The input or the state has the wrong shape or dtype.</exception>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        var x = CheckInput(input, out bool batched);
        var h = StateOrZeros(hx, "hidden0", x, batched);
        var w = Weights;
        var (hNext, _) = RecurrentMath.Step(Mode, RecurrentMath.InputProjection(x, w), h, null, w);
        return batched ? hNext : hNext.Squeeze(0);
    }

    /// <summary><see cref="Forward(Tensor, Tensor?)"/> through the forward hooks (<c>cell(input, hx)</c>), which see both arguments.</summary>
    public Tensor Call(Tensor input, Tensor? hx) =>
        hx is null ? Call(input) : HasForwardHooks ? CallWithHooks([input, hx], ForwardArgs) : Forward(input, hx);

    /// <summary>Runs Forward on a hooked call's input and, if given, state.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected override Tensor ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 2);
        return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor?>(args, 1));
    }
}

/// <summary>
/// One step of an LSTM (<c>nn.LSTMCell</c>), gates i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').
/// Input [B, input_size] or unbatched [input_size]; the state is (H, C), each [B, hidden_size].
/// </summary>
public sealed class LSTMCell : RNNCellBase<(Tensor H, Tensor C)>
{
    /// <summary>Creates the cell (<c>nn.LSTMCell(input_size, hidden_size, bias)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
        : base(RecurrentMode.Lstm, inputSize, hiddenSize, bias, dtype, device) { }

    /// <summary>One step from zero states.</summary>
    public override (Tensor H, Tensor C) Forward(Tensor input) => Forward(input, null);

    /// <summary>One step from (h, c) (zeros when null); returns (h', c') (<c>cell(input, (h, c))</c>).</summary>
    /// <exception cref="ArgumentException">The input or a state has the wrong shape or dtype.</exception>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? hx)
    {
        var x = CheckInput(input, out bool batched);
        if (hx is { } s)
        {
            ArgumentNullException.ThrowIfNull(s.H, "hx.H");
            ArgumentNullException.ThrowIfNull(s.C, "hx.C");
        }
        var h = StateOrZeros(hx?.H, "hidden0", x, batched);
        var c = StateOrZeros(hx?.C, "hidden1", x, batched);
        var w = Weights;
        var (hNext, cNext) = RecurrentMath.Step(Mode, RecurrentMath.InputProjection(x, w), h, c, w);
        return batched ? (hNext, cNext!) : (hNext.Squeeze(0), cNext!.Squeeze(0));
    }

    /// <summary><see cref="Forward(Tensor, ValueTuple{Tensor, Tensor}?)"/> through the forward hooks (<c>cell(input, hx)</c>), which see both arguments.</summary>
    public (Tensor H, Tensor C) Call(Tensor input, (Tensor H, Tensor C)? hx) =>
        hx is null ? Call(input) : HasForwardHooks ? CallWithHooks([input, hx], ForwardArgs) : Forward(input, hx);

    /// <summary>Runs Forward on a hooked call's input and, if given, state.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected override (Tensor H, Tensor C) ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 2);
        return Forward(ArgAt<Tensor>(args, 0), ArgAt<(Tensor H, Tensor C)?>(args, 1));
    }
}

/// <summary>
/// One step of a GRU (<c>nn.GRUCell</c>), gates r, z, n: r = σ(W_ir x + b_ir + W_hr h + b_hr),
/// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r·(W_hn h + b_hn)), h' = (1 − z)·n + z·h.
/// Input [B, input_size] or unbatched [input_size]; hidden state of the same batch shape with hidden_size features.
/// </summary>
public sealed class GRUCell : RNNCellBase<Tensor>
{
    /// <summary>Creates the cell (<c>nn.GRUCell(input_size, hidden_size, bias)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, DType? dtype = null, Device? device = null)
        : base(RecurrentMode.Gru, inputSize, hiddenSize, bias, dtype, device) { }

    /// <summary>One step from a zero hidden state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>One step from <paramref name="hx"/> (zeros when null); returns h' (<c>cell(input, hx)</c>).</summary>
    /// <exception cref="ArgumentException">The input or the state has the wrong shape or dtype.</exception>
    public Tensor Forward(Tensor input, Tensor? hx)
    {
        var x = CheckInput(input, out bool batched);
        var h = StateOrZeros(hx, "hidden0", x, batched);
        var w = Weights;
        var (hNext, _) = RecurrentMath.Step(Mode, RecurrentMath.InputProjection(x, w), h, null, w);
        return batched ? hNext : hNext.Squeeze(0);
    }

    /// <summary><see cref="Forward(Tensor, Tensor?)"/> through the forward hooks (<c>cell(input, hx)</c>), which see both arguments.</summary>
    public Tensor Call(Tensor input, Tensor? hx) =>
        hx is null ? Call(input) : HasForwardHooks ? CallWithHooks([input, hx], ForwardArgs) : Forward(input, hx);

    /// <summary>Runs Forward on a hooked call's input and, if given, state.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected override Tensor ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 2);
        return Forward(ArgAt<Tensor>(args, 0), ArgAt<Tensor?>(args, 1));
    }
}
