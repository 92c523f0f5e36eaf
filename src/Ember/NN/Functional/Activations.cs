using Ember.Jit;
using Ember.Graph;

namespace Ember.NN;

// Activation functions (torch.nn.functional). Those whose gradient at a kink or in saturation must
// follow PyTorch's convention are primitives: the value is computed from existing kernels with
// autograd off and one node is recorded with the row in Derivatives.Activations.cs. PReLU is an
// exact composite (where), Relu, Sigmoid and Tanh are Tensor's own ops.
public static partial class F
{
    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    /// <summary><c>max(x, 0)</c> (<c>F.relu</c>); in place with <paramref name="inplace"/>. The gradient at 0 is 0.</summary>
    public static Tensor Relu(Tensor input, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Tracer.IsActive)
            return inplace ? Tracer.Record("aten::relu_", [input], null, static (x, _) => [Relu(x[0]!, inplace: true)])
                : Tracer.Record("aten::relu", [input], null, static (x, _) => [Relu(x[0]!)]);
        return inplace ? input.Relu_() : input.Relu();
    }

    /// <summary><c>min(max(x, 0), 6)</c> (<c>F.relu6</c>, which is <c>hardtanh(x, 0, 6)</c>): gradient 0 at 0 and 6.</summary>
    public static Tensor Relu6(Tensor input, bool inplace = false) => HardtanhCore(input, 0, 6, inplace, inplace ? "relu6_" : "relu6");

    /// <summary>
    /// x clamped to [<paramref name="minVal"/>, <paramref name="maxVal"/>] (<c>F.hardtanh</c>). Unlike
    /// <see cref="Tensor.Clamp(Tensor?, Tensor?)"/>, the gradient is 0 at the bounds, as PyTorch's hardtanh_backward.
    /// </summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1, bool inplace = false) =>
        HardtanhCore(input, minVal, maxVal, inplace, inplace ? "hardtanh_" : "hardtanh");

    private static Tensor HardtanhCore(Tensor input, double min, double max, bool inplace, string name) =>
        Tracer.IsActive
            ? (inplace
                ? Tracer.Record("aten::hardtanh_", [input], new Attributes().Set("min_val", min).Set("max_val", max),
                    static (x, a) => [Hardtanh(x[0]!, a.Double("min_val"), a.Double("max_val"), inplace: true)])
                : Tracer.Record("aten::hardtanh", [input], new Attributes().Set("min_val", min).Set("max_val", max),
                    static (x, a) => [Hardtanh(x[0]!, a.Double("min_val"), a.Double("max_val"))]))
            : Activation(input, name, inplace, x => x.Clamp(min, max), Derivatives.Hardtanh, new Derivatives.HardtanhArgs(min, max));

    /// <summary>x where x &gt; 0, else <paramref name="negativeSlope"/> * x (<c>F.leaky_relu</c>); the gradient at 0 is the slope.</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01, bool inplace = false) =>
        Activation(input, inplace ? "leaky_relu_" : "leaky_relu", inplace,
            x => Tensor.Where(x.Gt(0), x, x * negativeSlope), Derivatives.LeakyRelu, negativeSlope);

    /// <summary>x where x &gt; 0, else alpha * (exp(x) - 1) (<c>F.elu</c>).</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0, bool inplace = false) =>
        EluCore(input, new Derivatives.EluArgs(alpha, 1, 1), inplace, inplace ? "elu_" : "elu");

    /// <summary>scale * elu(x, alpha) with PyTorch's fixed alpha = 1.6732632423543772 and scale = 1.0507009873554805 (<c>F.selu</c>).</summary>
    public static Tensor Selu(Tensor input, bool inplace = false) =>
        EluCore(input, new Derivatives.EluArgs(SeluAlpha, SeluScale, 1), inplace, inplace ? "selu_" : "selu");

    private static Tensor EluCore(Tensor input, Derivatives.EluArgs a, bool inplace, string name) =>
        Activation(input, name, inplace,
            x => Tensor.Where(x.Le(0), (x * a.InputScale).Expm1() * (a.Alpha * a.Scale), x * a.Scale), Derivatives.Elu, a);

    /// <summary>
    /// x * Phi(x), Phi the standard normal CDF (<c>F.gelu</c>). <paramref name="approximate"/> "none"
    /// (the default) is the exact form x / 2 * (1 + erf(x / sqrt 2)); "tanh" is
    /// x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither "none" nor "tanh".</exception>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        bool tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentException($"gelu: approximate argument must be either none or tanh, got \"{approximate}\".", nameof(approximate)),
        };
        if (Tracer.IsActive)
            return Tracer.Record("aten::gelu", [input], new Attributes().Set("approximate", approximate), static (x, a) => [Gelu(x[0]!, a.String("approximate")!)]);
        return Activation(input, "gelu", false, x => tanh ? GeluTanh(x) : GeluErf(x), Derivatives.Gelu, tanh);
    }

    private static Tensor GeluErf(Tensor x) => x * 0.5 * (1 + (x * 0.707106781186547524400844362104849039).Erf());

    private static Tensor GeluTanh(Tensor x)
    {
        const double kBeta = 1.41421356237309504880168872420969808 * 1.12837916709551257389615890312154517 * 0.5;
        return 0.5 * x * (1 + (kBeta * (x + 0.044715 * (x * x * x))).Tanh());
    }

    /// <summary>x * sigmoid(x) (<c>F.silu</c>, "swish").</summary>
    public static Tensor Silu(Tensor input, bool inplace = false) =>
        Activation(input, inplace ? "silu_" : "silu", inplace, x => x / (1 + x.Neg().Exp()), Derivatives.Silu, null);

    /// <summary>x * tanh(softplus(x)) (<c>F.mish</c>).</summary>
    public static Tensor Mish(Tensor input, bool inplace = false) =>
        Activation(input, inplace ? "mish_" : "mish", inplace, x => x * x.Exp().Log1p().Tanh(), Derivatives.Mish, null);

    /// <summary>1 / (1 + exp(-x)) (<c>F.sigmoid</c>). Deprecated in PyTorch, which warns, and so does Ember: use <see cref="Tensor.Sigmoid()"/>.</summary>
    public static Tensor Sigmoid(Tensor input)
    {
        Warnings.Warn("nn.functional.sigmoid is deprecated. Use torch.sigmoid instead.");
        return NotNull(input).Sigmoid();
    }

    /// <summary>tanh x (<c>F.tanh</c>). Deprecated in PyTorch, which warns, and so does Ember: use <see cref="Tensor.Tanh()"/>.</summary>
    public static Tensor Tanh(Tensor input)
    {
        Warnings.Warn("nn.functional.tanh is deprecated. Use torch.tanh instead.");
        return NotNull(input).Tanh();
    }

    /// <summary>
    /// log(1 + exp(beta * x)) / beta (<c>F.softplus</c>), and x itself where beta * x &gt; threshold
    /// (where the two agree to float precision), as PyTorch; the gradient there is 1.
    /// </summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) =>
        Activation(input, "softplus", false,
            x => Tensor.Where((x * beta).Gt(threshold), x, (x * beta).Exp().Log1p() / beta), Derivatives.Softplus, new Derivatives.SoftplusArgs(beta, threshold));

    /// <summary>x * relu6(x + 3) / 6 (<c>F.hardswish</c>).</summary>
    public static Tensor Hardswish(Tensor input, bool inplace = false) =>
        Activation(input, inplace ? "hardswish_" : "hardswish", inplace, x => x * (x + 3).Clamp(0, 6) / 6, Derivatives.Hardswish, null);

    /// <summary>
    /// x where x &gt; 0, else weight * x (<c>F.prelu</c>). <paramref name="weight"/> holds one slope, or one
    /// per channel (dim 1 of the input). The gradient at 0 goes to the weight branch, as PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The input is 0-d, the weight is not 0-d or 1-d, or its size is neither 1 nor the channel count.</exception>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.NDim == 0) throw new ArgumentException("prelu: Not allow zero-dim input tensor.");
        if (weight.NDim > 1) throw new ArgumentException($"prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = {weight.NDim}.");
        int channels = input.NDim > 1 ? input.Shape[1] : 1;
        int n = (int)weight.Numel();
        if (n != 1 && n != channels)
            throw new ArgumentException($"prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and channel size = {channels}.");
        Tensor w = weight;
        if (n != 1 || input.NDim > 1)
        {
            // Slopes along dim 1, broadcast over the rest.
            var shape = new int[input.NDim];
            Array.Fill(shape, 1);
            if (input.NDim > 1) shape[1] = n;
            w = weight.Reshape(shape);
        }
        return Tensor.Where(input.Gt(0), input, w * input);
    }

    /// <summary>
    /// softmax along <paramref name="dim"/> (<c>F.softmax</c>); see <see cref="Tensor.Softmax(int, DType?)"/>.
    /// Without a dim, PyTorch's legacy choice is made: dim 0 for 0-, 1- and 3-d inputs, else dim 1,
    /// with PyTorch's deprecation warning.
    /// </summary>
    public static Tensor Softmax(Tensor input, int? dim = null, DType? dtype = null) =>
        NotNull(input).Softmax(dim ?? ImplicitSoftmaxDim("softmax", input.NDim), dtype);

    /// <summary>log_softmax along <paramref name="dim"/> (<c>F.log_softmax</c>); see <see cref="Tensor.LogSoftmax(int, DType?)"/>. Without a dim, as <see cref="Softmax"/>.</summary>
    public static Tensor LogSoftmax(Tensor input, int? dim = null, DType? dtype = null) =>
        NotNull(input).LogSoftmax(dim ?? ImplicitSoftmaxDim("log_softmax", input.NDim), dtype);

    // PyTorch's _get_softmax_dim, which warns each time the choice is left to it.
    private static int ImplicitSoftmaxDim(string name, int ndim)
    {
        Warnings.Warn($"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.");
        return ndim is 0 or 1 or 3 ? 0 : 1;
    }

    private static Tensor NotNull(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }

    /// <summary>
    /// Runs a pointwise activation primitive: <paramref name="forward"/> computes the value with autograd
    /// off; one <paramref name="rule"/> node is recorded with the input saved. In place, the result is
    /// written into the input and the overwritten values are kept (a recorded copy) for the formula.
    /// </summary>
    private static Tensor Activation(Tensor input, string name, bool inplace, Func<Tensor, Tensor> forward, Rule rule, object? state)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint())
            throw new NotSupportedException($"{name}: not implemented for {input.DType.TorchName()}; it needs a floating-point input.");
        if (!inplace)
        {
            if (!Autograd.Recording(input)) return forward(input);
            Tensor r;
            using (Autograd.NoGrad()) r = forward(input);
            rule.Record(r, [input], saved: [input], state: state);
            return r;
        }
        input.CheckWritable(name);
        var ip = Autograd.BeginInPlace(input, name, [], saveOriginal: true);
        using (Autograd.NoGrad())
        {
            var v = forward(input);
            input.Backend.Copy(v.Storage, v.Layout, input.Storage, input.Layout);
        }
        input.BumpVersion();
        if (ip.Active) ip.Finish(rule, saved: [ip.Original!], state: state);
        return input;
    }
}
