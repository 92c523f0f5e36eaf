using System.Globalization;

namespace Ember.NN;

/// <summary>
/// What the convolution modules share (PyTorch's <c>_ConvNd</c>): the weight and optional bias, the
/// hyper-parameters, PyTorch's seeded initialisation and its printed form. The weight is
/// [out, in/groups, k...] for a convolution and [in, out/groups, k...] for a transposed one.
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    private static readonly string[] PaddingModes = ["zeros", "reflect", "replicate", "circular"];

    /// <summary>Checks the hyper-parameters, allocates the parameters and initialises them as PyTorch does.</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a non-positive size, an unknown padding mode, or "same" with a stride.</exception>
    private protected ConvNd(string name, bool transposed, int inChannels, int outChannels, int[] kernelSize, int[] stride,
        int[] padding, string? paddingString, int[] dilation, int[] outputPadding, int groups, bool bias, string paddingMode,
        DType? dtype, Device? device, bool lazy = false)
    {
        ArgumentNullException.ThrowIfNull(paddingMode);
        if (groups <= 0) throw new ArgumentException($"{name}: groups must be a positive integer, but got groups={groups}");
        if (inChannels < 0 || outChannels < 0) throw new ArgumentException($"{name}: channel counts must be non-negative, but got in_channels={inChannels}, out_channels={outChannels}");
        if (inChannels % groups != 0) throw new ArgumentException($"{name}: in_channels must be divisible by groups (in_channels={inChannels}, groups={groups})");
        if (outChannels % groups != 0) throw new ArgumentException($"{name}: out_channels must be divisible by groups (out_channels={outChannels}, groups={groups})");
        foreach (int k in kernelSize) if (k <= 0) throw new ArgumentException($"{name}: kernel_size must be positive, but got kernel_size={Tuple(kernelSize)}");
        if (paddingString == "same")
            foreach (int s in stride) if (s != 1) throw new ArgumentException($"{name}: padding='same' is not supported for strided convolutions");
        if (Array.IndexOf(PaddingModes, paddingMode) < 0)
            throw new ArgumentException($"{name}: padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{paddingMode}'");
        if (transposed && paddingMode != "zeros")
            throw new ArgumentException($"{name}: Only \"zeros\" padding mode is supported for {name}");
        InChannels = inChannels; OutChannels = outChannels; KernelSize = kernelSize; Stride = stride;
        Padding = padding; PaddingString = paddingString; Dilation = dilation; OutputPadding = outputPadding;
        Groups = groups; PaddingMode = paddingMode; Transposed = transposed;
        if (lazy)
        {
            LazyPending = true;
            _becomes = name[4..];
            // The lazy convolutions: shapes wait for the first input (MaterializeLazy).
            Weight = Uninitialized.Parameter(dtype: dtype, device: device);
            Bias = bias ? Uninitialized.Parameter(dtype: dtype, device: device) : null;
            return;
        }
        Weight = new Parameter(Tensor.Empty(WeightShape(), dtype, device));
        Bias = bias ? new Parameter(Tensor.Empty([outChannels], dtype, device)) : null;
        ResetParameters();
    }

    private readonly string? _becomes;   // a lazy convolution's PyTorch class after the first forward

    /// <summary>True for a lazy convolution until its first forward.</summary>
    private protected bool LazyPending { get; private set; }

    /// <summary>A lazy convolution's first forward: materializes what no state dict gave a shape, then behaves as the plain layer.</summary>
    private protected void InitializeLazy(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!LazyPending) return;
        string name = TypeName();
        if (LazyModules.HasUninitialized(this))
        {
            LazyModules.RefusePartial(this, name);
            MaterializeLazy(input, name);
        }
        LazyPending = false;
    }

    private protected override void BeforeLoadingState(IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        if (!LazyPending || !LazyModules.HasUninitialized(this)) return;
        LazyModules.MaterializeFrom(this, stateDict, prefix);
        InChannelsFromWeight();
    }

    /// <inheritdoc/>
    protected internal override string TypeName() => !LazyPending && _becomes is not null ? _becomes : base.TypeName();

    private int[] WeightShape() => Transposed
        ? [InChannels, OutChannels / Groups, .. KernelSize]
        : [OutChannels, InChannels / Groups, .. KernelSize];

    /// <summary>
    /// The lazy convolutions' first forward (PyTorch's <c>_LazyConvXdMixin.initialize_parameters</c>):
    /// <see cref="InChannels"/> from the input's channel dim, then the parameters' shapes and PyTorch's draws.
    /// </summary>
    private protected void MaterializeLazy(Tensor input, string name)
    {
        int nd = KernelSize.Length;
        if (input.NDim != nd + 1 && input.NDim != nd + 2)
            throw new ArgumentException($"{name}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of size: {input.Shape}");
        int inChannels = input.Size(input.NDim == nd + 2 ? 1 : 0);
        if (inChannels % Groups != 0)
            throw new ArgumentException($"{name}: in_channels must be divisible by groups (in_channels={inChannels} from input of size {input.Shape}, groups={Groups})");
        InChannels = inChannels;
        using var _ = Autograd.NoGrad();
        Weight.Materialize(WeightShape());
        Bias?.Materialize([OutChannels]);
        ResetParameters();
    }

    /// <summary>After a state dict materialized a lazy weight: <see cref="InChannels"/> from its shape.</summary>
    private protected void InChannelsFromWeight()
    {
        if (Weight.IsLazy || Weight.NDim != KernelSize.Length + 2) return;
        InChannels = Transposed ? Weight.Size(0) : Weight.Size(1) * Groups;
    }

    /// <summary>Input channels (0 for a lazy convolution before its first forward).</summary>
    [NotRegistered] public int InChannels { get; private set; }

    /// <summary>Output channels.</summary>
    [NotRegistered] public int OutChannels { get; }

    /// <summary>The kernel's size per spatial dim.</summary>
    [NotRegistered] public int[] KernelSize { get; }

    /// <summary>The stride per spatial dim.</summary>
    [NotRegistered] public int[] Stride { get; }

    /// <summary>The padding per spatial dim (zeros when <see cref="PaddingString"/> is set).</summary>
    [NotRegistered] public int[] Padding { get; }

    /// <summary><c>"same"</c> or <c>"valid"</c> when the padding was given as a string, else null.</summary>
    [NotRegistered] public string? PaddingString { get; }

    /// <summary>The dilation per spatial dim.</summary>
    [NotRegistered] public int[] Dilation { get; }

    /// <summary>The extra size added to one side of a transposed convolution's output (zeros otherwise).</summary>
    [NotRegistered] public int[] OutputPadding { get; }

    /// <summary>The number of channel groups.</summary>
    [NotRegistered] public int Groups { get; }

    /// <summary><c>"zeros"</c>, <c>"reflect"</c>, <c>"replicate"</c> or <c>"circular"</c>.</summary>
    [NotRegistered] public string PaddingMode { get; }

    /// <summary>True for the transposed convolutions.</summary>
    [NotRegistered] public bool Transposed { get; }

    /// <summary>The weight: [out, in/groups, k...], or [in, out/groups, k...] when transposed.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>
    /// Re-draws the parameters as PyTorch's <c>reset_parameters</c>: the weight Kaiming-uniform with
    /// a = √5 and the bias uniform in ±1/√fan_in, where fan_in = weight.size(1) · prod(kernel_size),
    /// in that order from the default generator, so a seed gives PyTorch's initial weights.
    /// </summary>
    public void ResetParameters()
    {
        Init.ResetLinearOrConv(Weight, Bias, drawBiasWithoutFanIn: false);
    }

    /// <summary>
    /// The input padded in <see cref="PaddingMode"/> for modes other than zeros (PyTorch's
    /// <c>_reversed_padding_repeated_twice</c>), after which the convolution itself pads nothing.
    /// </summary>
    private protected Tensor PadForMode(Tensor input)
    {
        var pad = new int[2 * KernelSize.Length];
        for (int i = 0; i < KernelSize.Length; i++)
        {
            int d = KernelSize.Length - 1 - i;
            if (PaddingString == "same")
            {
                int total = Dilation[d] * (KernelSize[d] - 1);
                pad[2 * i] = total / 2; pad[2 * i + 1] = total - total / 2;
            }
            else if (PaddingString is null) { pad[2 * i] = Padding[d]; pad[2 * i + 1] = Padding[d]; }
        }
        return F.Pad(input, pad, PaddingMode);
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Tuple(KernelSize)}, stride={Tuple(Stride)}";
        if (PaddingString is not null) s += $", padding={PaddingString}";
        else if (Padding.Any(p => p != 0)) s += $", padding={Tuple(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={Tuple(Dilation)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={Tuple(OutputPadding)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }

    /// <summary>Python's repr of a tuple of ints: <c>(3,)</c>, <c>(3, 5)</c>.</summary>
    internal static string Tuple(int[] v) => v.Length == 1
        ? $"({v[0].ToString(CultureInfo.InvariantCulture)},)"
        : "(" + string.Join(", ", v.Select(x => x.ToString(CultureInfo.InvariantCulture))) + ")";
}
