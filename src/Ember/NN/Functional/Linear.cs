using Ember.Jit;
namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// y = x·Wᵀ + b (<c>F.linear(input, weight, bias=None)</c>): <paramref name="input"/> [*, in],
    /// <paramref name="weight"/> [out, in], <paramref name="bias"/> [out] or null; the result is [*, out].
    /// As PyTorch's <c>at::linear</c>, a contiguous input with a bias runs as one addmm over its rows
    /// (the bias added to each output tile as the product finishes it, not in a second pass over the
    /// output), recorded as <c>AddmmBackward0</c>; other inputs run as matmul then add.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not 2-D, the input's last dimension is not the weight's second, or the bias is not [out].</exception>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        const string op = "linear";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (Tracer.IsActive) return Tracer.Record("aten::linear", [input, weight, bias], null, static (x, _) => [Linear(x[0]!, x[1]!, x[2])]);
        if (weight.NDim != 2)
            throw new ArgumentException($"{op}: expected a 2-D weight [out_features, in_features], got shape {weight.Shape}.", nameof(weight));
        int outF = weight.Size(0), inF = weight.Size(1);
        if (input.NDim == 0 || input.Size(-1) != inF)
            throw new ArgumentException($"{op}: input shape {input.Shape} cannot be multiplied with weight shape {weight.Shape}ᵀ: expected the input's last dimension to be {inF}.", nameof(input));
        if (bias is not null && !(bias.NDim == 1 && bias.Size(0) == outF) && bias.NDim != 0)
            throw new ArgumentException($"{op}: expected a bias of shape [{outF}] (out_features), got {bias.Shape}.", nameof(bias));
        if (bias is not null && bias.NDim == 1 && input.NDim >= 2 && inF > 0 && input.IsContiguous() && FusedLinearApplies(input, weight, bias))
        {
            int rows = (int)(input.Numel() / Math.Max(inF, 1));
            var x2 = input.NDim == 2 ? input : input.Reshape(rows, inF);
            var y = Tensor.Addmm(bias, x2, weight);
            if (input.NDim == 2) return y;
            int[] shape = [.. input.Shape.ToArray()[..^1], outF];
            return y.View(shape);
        }
        var product = input.MatMul(weight.T);
        return bias is null ? product : product + bias;
    }

    private static bool FusedLinearApplies(Tensor x, Tensor w, Tensor b) =>
        x.Device.Type == DeviceType.Cpu && x.DType is DType.Float32 or DType.Float64
        && w.DType == x.DType && b.DType == x.DType && w.Device == x.Device && b.Device == x.Device;
}
