using System.Globalization;

namespace Ember.NN;

/// <summary>
/// Legacy local response normalisation across channels of [N, C, H, W] inputs (<c>nn.CrossMapLRN2d</c>,
/// Lua Torch's SpatialCrossMapLRN as PyTorch 1.13 ports it): y = x · (k + α/size · S)^−β, where S sums
/// x² over a channel window. It is not <see cref="LocalResponseNorm"/>: PyTorch's running window never
/// drops channel 0, so from channel ⌊(size+1)/2⌋ on S also counts x₀², and for an even size the window
/// is size − 1 wide. Its gradient is PyTorch's hand-written backward, reproduced as it is: that formula
/// takes the window one channel lower than the forward's, so it is the true derivative only where the
/// windows cover all channels (C = 1, or size ≥ 2C + 1) — <c>torch.autograd.gradcheck</c> fails on
/// PyTorch's own layer elsewhere. Use <see cref="LocalResponseNorm"/> for new models.
/// </summary>
/// <param name="size">The channel window (<c>size</c>).</param>
/// <param name="alpha">The scale (default 1e-4).</param>
/// <param name="beta">The exponent (default 0.75).</param>
/// <param name="k">The additive constant (default 1).</param>
public sealed class CrossMapLrn2d(int size, double alpha = 1e-4, double beta = 0.75, double k = 1) : Module<Tensor, Tensor>
{
    /// <summary>The channel window (<c>size</c>).</summary>
    public int Size { get; } = size > 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), $"CrossMapLRN2d: size must be positive, got {size}.");
    /// <summary>The scale (<c>alpha</c>).</summary>
    public double Alpha { get; } = alpha;
    /// <summary>The exponent (<c>beta</c>).</summary>
    public double Beta { get; } = beta;
    /// <summary>The additive constant (<c>k</c>).</summary>
    public double K { get; } = k;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not 4-D.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim != 4)
            throw new ArgumentException($"CrossMapLRN2d: expected a 4D input [N, C, H, W], got shape {input.Shape}.", nameof(input));
        return new CrossMapLrnFunction(Size, Alpha, Beta, K).Apply(input);
    }

    // PyTorch formats the attributes with str(): the default k is the int 1; an integral k prints as an int here.
    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"{Size}, alpha={PyRepr.Float(Alpha)}, beta={PyRepr.Float(Beta)}, k={(K == Math.Floor(K) && Math.Abs(K) < 1e15 ? ((long)K).ToString(CultureInfo.InvariantCulture) : PyRepr.Float(K))}";

    /// <inheritdoc/>
    protected internal override string TypeName() => "CrossMapLRN2d";
}

/// <summary>PyTorch's <c>torch.nn._functions.CrossMapLRN2d</c>: its forward and its backward, as tensor operations.</summary>
internal sealed class CrossMapLrnFunction(int size, double alpha, double beta, double k) : Function
{
    protected override string NodeName => "CrossMapLRN2dBackward";

    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        var x = inputs[0];
        int c = x.Size(1);
        // PyTorch keeps a running sum: the first map adds channels [0, prePad), each next one adds
        // channel c + prePad − 1 and, past prePad, removes c − prePad, which never reaches channel 0.
        int prePad = (size - 1) / 2 + 1, half = prePad - 1;
        var window = new double[c * c];
        for (int i = 0; i < c; i++)
        {
            for (int j = Math.Max(0, i - half); j <= Math.Min(c - 1, i + half); j++) window[i * c + j] = 1;
            if (i >= prePad) window[i * c] = 1;
        }
        var scale = ChannelSum(x * x, window, c) * (alpha / size) + k;
        var output = x * scale.Pow(-beta);
        ctx.SaveForBackward(x, output, scale);
        return output;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs)
    {
        var g = gradOutputs[0];
        var (x, output, scale) = (ctx.SavedTensors[0], ctx.SavedTensors[1], ctx.SavedTensors[2]);
        int c = x.Size(1);
        // PyTorch pads the ratios g·y/scale by inversePrePad = int(size − (size − 1)/2) channels in front
        // and sums size of them per channel: channel i gathers ratios [i − inversePrePad, i + size − 1 − inversePrePad].
        int inversePrePad = (int)(size - (size - 1) / 2.0);
        if (inversePrePad > size - 1)
            throw new InvalidOperationException($"CrossMapLRN2d: the backward pass needs size >= 2 (got size={size}); PyTorch's fails there too.");
        var window = new double[c * c];
        for (int i = 0; i < c; i++)
            for (int j = Math.Max(0, i - inversePrePad); j <= Math.Min(c - 1, i + size - 1 - inversePrePad); j++) window[i * c + j] = 1;
        var ratio = g * output / scale;
        var grad = scale.Pow(-beta) * g - x * ChannelSum(ratio, window, c) * (2 * alpha * beta / size);
        return [grad];
    }

    // out[:, i] = Σ_j window[i, j] · t[:, j], as one matmul over the channel dim.
    private static Tensor ChannelSum(Tensor t, double[] window, int c)
    {
        var w = Tensor.From<double>(window, [c, c], t.Device).To(t.DType);
        return t.Permute(0, 2, 3, 1).MatMul(w.T).Permute(0, 3, 1, 2);
    }
}
