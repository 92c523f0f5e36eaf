using System.Globalization;

namespace Ember.NN;

/// <summary>
/// What <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/> share (<c>nn.RNNBase</c>): the
/// constructor arguments, the parameters registered under PyTorch's names in PyTorch's order
/// (<c>weight_ih_l{k}{suffix}</c>, <c>weight_hh_l{k}{suffix}</c>, <c>bias_ih_l{k}{suffix}</c>,
/// <c>bias_hh_l{k}{suffix}</c>, <c>weight_hr_l{k}{suffix}</c>, suffix <c>_reverse</c> for the backward
/// direction), so state dicts exchange with PyTorch, the initialisation (every parameter uniform in
/// ±1/√hidden_size in that order, so a seed gives PyTorch's weights), the input checks and the
/// layer-by-layer run. <typeparamref name="TState"/> is the state a layer returns: a tensor h_n, or
/// (h_n, c_n) for LSTM.
/// </summary>
public abstract class RNNBase<TState> : Module<Tensor, (Tensor Output, TState State)>
{
    private readonly RecurrentMode _mode;
    private readonly Parameter[][] _weights;

    private protected RNNBase(RecurrentMode mode, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, int projSize, DType? dtype, Device? device)
    {
        string name = TypeName();
        if (inputSize < 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{name}: input_size must be non-negative, got {inputSize}.");
        if (hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"{name}: hidden_size must be greater than zero, got {hiddenSize}.");
        if (numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), $"{name}: num_layers must be greater than or equal to 1, got {numLayers}.");
        if (!(dropout >= 0 && dropout <= 1))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"{name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got {PyRepr.Float(dropout)}.");
        if (projSize < 0)
            throw new ArgumentOutOfRangeException(nameof(projSize), $"{name}: proj_size should be a positive integer or zero to disable projections, got {projSize}.");
        if (projSize >= hiddenSize)
            throw new ArgumentOutOfRangeException(nameof(projSize), $"{name}: proj_size has to be smaller than hidden_size, got proj_size={projSize} and hidden_size={hiddenSize}.");

        _mode = mode;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        ProjSize = projSize;
        if (dropout > 0 && numLayers == 1)
            Warnings.Warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects " +
                $"num_layers greater than 1, but got dropout={PyRepr.Float(dropout)} and num_layers={numLayers}");

        int gates = RecurrentMath.GateCount(mode) * hiddenSize;
        int dirs = bidirectional ? 2 : 1;
        int realHidden = projSize > 0 ? projSize : hiddenSize;
        _weights = new Parameter[numLayers * dirs][];
        for (int layer = 0; layer < numLayers; layer++)
            for (int d = 0; d < dirs; d++)
            {
                int layerInput = layer == 0 ? inputSize : realHidden * dirs;
                string suffix = $"_l{layer.ToString(CultureInfo.InvariantCulture)}{(d == 1 ? "_reverse" : "")}";
                var ps = new List<Parameter>();
                void Add(string n, params int[] shape)
                {
                    var p = new Parameter(Tensor.Empty(shape, dtype, device));
                    RegisterParameter(n + suffix, p);
                    ps.Add(p);
                }
                Add("weight_ih", gates, layerInput);
                Add("weight_hh", gates, realHidden);
                if (bias)
                {
                    Add("bias_ih", gates);
                    Add("bias_hh", gates);
                }
                if (projSize > 0) Add("weight_hr", projSize, hiddenSize);
                _weights[layer * dirs + d] = ps.ToArray();
            }
        ResetParameters();
    }

    /// <summary>The number of features of each input step (<c>input_size</c>).</summary>
    public int InputSize { get; }

    /// <summary>The number of features of the hidden state (<c>hidden_size</c>; the cell state's size for LSTM).</summary>
    public int HiddenSize { get; }

    /// <summary>The number of stacked layers (<c>num_layers</c>).</summary>
    public int NumLayers { get; }

    /// <summary>Whether the layers have the biases b_ih and b_hh (<c>bias</c>).</summary>
    public bool Bias { get; }

    /// <summary>Whether input and output are [batch, seq, feature] rather than [seq, batch, feature] (<c>batch_first</c>); states are not affected.</summary>
    public bool BatchFirst { get; }

    /// <summary>The dropout probability applied to every layer's output but the last's, in training mode (<c>dropout</c>).</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs over the reversed sequence, its outputs concatenated to the forward ones (<c>bidirectional</c>).</summary>
    public bool Bidirectional { get; }

    /// <summary>The size of LSTM's projected hidden state, or 0 for none (<c>proj_size</c>).</summary>
    public int ProjSize { get; }

    /// <summary>
    /// The parameters grouped per layer and direction, layer 0 forward first (<c>all_weights</c>): each
    /// group is [W_ih, W_hh, b_ih, b_hh, W_hr], the biases present when <see cref="Bias"/>, W_hr with a projection.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> AllWeights => _weights;

    /// <summary>Re-draws every parameter uniform in ±1/√hidden_size, in registration order (<c>reset_parameters</c>).</summary>
    public void ResetParameters()
    {
        double stdv = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var group in _weights)
            foreach (var p in group) Init.Uniform_(p, -stdv, stdv);
    }

    private int RealHidden => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>Keeps <see cref="AllWeights"/> (what the layers run with) in step when a weight is replaced (PyTorch refreshes <c>_flat_weights</c> likewise).</summary>
    protected override void OnParameterReplacing(string name, Parameter? old, Parameter? value)
    {
        if (value is null) throw new ArgumentException($"{GetType().Name}.SetParameter: '{name}' can't be null in this module.");
        foreach (var group in _weights)
            for (int i = 0; i < group.Length; i++)
                if (ReferenceEquals(group[i], old)) group[i] = value;
    }

    /// <summary>
    /// Checks and runs the layers over <paramref name="input"/> ([T, B, in], [B, T, in] with
    /// <see cref="BatchFirst"/>, or unbatched [T, in]) from the initial states <paramref name="hx"/>
    /// and, for LSTM, <paramref name="cx"/> (zeros when null). Returns the output in the input's layout
    /// and the final states [L·D, B, H_out] (batch dim dropped for unbatched input).
    /// </summary>
    private protected (Tensor Output, Tensor H, Tensor? C) RunLayers(Tensor input, Tensor? hx, Tensor? cx)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = TypeName();
        bool lstm = _mode == RecurrentMode.Lstm;
        if (input.NDim is not (2 or 3))
            throw new ArgumentException($"{name}: Expected input to be 2-D or 3-D but received {input.NDim}-D tensor (shape {input.Shape}).");
        bool batched = input.NDim == 3;
        if (hx is not null)
        {
            int want = batched ? 3 : 2;
            bool bad = hx.NDim != want || (cx is not null && cx.NDim != want);
            if (bad)
            {
                string what = batched ? "batched 3-D" : "unbatched 2-D";
                throw new ArgumentException(lstm
                    ? $"{name}: For {what} input, hx and cx should also be {want}-D but got ({hx.NDim}-D, {cx!.NDim}-D) tensors."
                    : $"{name}: For {what} input, hx should also be {want}-D but got {hx.NDim}-D tensor.");
            }
        }
        var dtype = CheckInput(name, input);

        var x = batched ? (BatchFirst ? input.Transpose(0, 1) : input) : input.Unsqueeze(1);
        int steps = x.Shape[0], batch = x.Shape[1];
        if (steps == 0)
            throw new ArgumentException($"{name}: Expected sequence length to be larger than 0 in RNN (input shape {input.Shape}).");
        var (h0, c0) = InitialState(name, batched || hx is null ? hx : hx.Unsqueeze(1), batched || cx is null ? cx : cx.Unsqueeze(1),
            batch, dtype, input.Device);

        var weights = _weights.Select(g => Group(g)).ToArray();
        var (output, h, c) = RecurrentMath.Run(_mode, x, h0, c0, weights, NumLayers, Bidirectional, Dropout, Training);
        if (!batched) return (output.Squeeze(1), h.Squeeze(1), c?.Squeeze(1));
        return (BatchFirst ? output.Transpose(0, 1) : output, h, c);
    }

    /// <summary>
    /// Checks and runs the layers over a packed batch (PyTorch's packed path): the initial states
    /// [L·D, B, H_out] are given in the batch's original order and permuted into the packed (sorted)
    /// order, and the final states are permuted back, so h_n[:, b] is sequence b's state after its own
    /// last step. Returns the packed output with the input's batch sizes and permutations.
    /// </summary>
    private protected (PackedSequence Output, Tensor H, Tensor? C) RunPacked(PackedSequence input, Tensor? hx, Tensor? cx)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = TypeName();
        var data = input.Data;
        if (data.NDim != 2)
            throw new ArgumentException($"{name}: input must have 2 dimensions, got {data.NDim} (a PackedSequence's data is [sum(batch_sizes), input_size], shape {data.Shape}).");
        var dtype = CheckInput(name, data);
        var (h0, c0) = InitialState(name, hx, cx, input.Sizes[0], dtype, data.Device);
        if (hx is not null && input.SortedIndices is { } sorted)
        {
            // Given in the batch's original order; the packed rows are in the sorted order.
            h0 = h0.IndexSelect(1, sorted);
            c0 = c0?.IndexSelect(1, sorted);
        }

        var weights = _weights.Select(g => Group(g)).ToArray();
        var (output, h, c) = RecurrentMath.Run(_mode, data, h0, c0, weights, NumLayers, Bidirectional, Dropout, Training, input.Sizes);
        if (input.UnsortedIndices is { } unsorted)
        {
            h = h.IndexSelect(1, unsorted);
            c = c?.IndexSelect(1, unsorted);
        }
        return (input.With(output), h, c);
    }

    /// <summary>Refuses an input whose dtype is not the weights' or whose last dim is not input_size; returns the weights' dtype.</summary>
    private DType CheckInput(string name, Tensor input)
    {
        var dtype = _weights[0][0].DType;
        if (input.DType != dtype)
            throw new ArgumentException($"{name}: input must have the type {dtype.TorchName()}, got type {input.DType.TorchName()}.");
        if (input.Shape[^1] != InputSize)
            throw new ArgumentException($"{name}: input.size(-1) must be equal to input_size. Expected {InputSize}, got {input.Shape[^1]}.");
        return dtype;
    }

    /// <summary>
    /// The initial states [L·D, B, H_out] (and, for LSTM, [L·D, B, H]): zeros when <paramref name="hx"/>
    /// is null, otherwise the given ones, checked for shape and dtype.
    /// </summary>
    private (Tensor H0, Tensor? C0) InitialState(string name, Tensor? hx, Tensor? cx, int batch, DType dtype, Device device)
    {
        bool lstm = _mode == RecurrentMode.Lstm;
        int layers = NumLayers * (Bidirectional ? 2 : 1);
        int[] hShape = [layers, batch, RealHidden];
        int[] cShape = [layers, batch, HiddenSize];
        if (hx is null)
            return (Tensor.Zeros(hShape, dtype, device), lstm ? Tensor.Zeros(cShape, dtype, device) : null);
        CheckState(name, lstm ? "hidden[0]" : "hidden", hx, hShape, dtype);
        if (lstm) CheckState(name, "hidden[1]", cx!, cShape, dtype);
        return (hx, lstm ? cx : null);
    }

    private static void CheckState(string name, string what, Tensor t, int[] expected, DType dtype)
    {
        if (!t.Shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{name}: Expected {what} size ({string.Join(", ", expected)}), got {t.Shape}.");
        if (t.DType != dtype)
            throw new ArgumentException($"{name}: {what} must have the type {dtype.TorchName()}, got type {t.DType.TorchName()}.");
    }

    private RecurrentMath.Weights Group(Parameter[] g) => Bias
        ? new(g[0], g[1], g[2], g[3], ProjSize > 0 ? g[4] : null)
        : new(g[0], g[1], null, null, ProjSize > 0 ? g[2] : null);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InputSize}, {HiddenSize}";
        if (ProjSize != 0) s += $", proj_size={ProjSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={PyRepr.Float(Dropout)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s;
    }
}
