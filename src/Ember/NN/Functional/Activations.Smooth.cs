namespace Ember.NN;

// CELU, hardsigmoid, GLU and softmin. CELU is the ELU primitive with PyTorch's input_scale 1 / alpha;
// hardsigmoid is a primitive with its own row (PyTorch's gradient is 0 at ±3 and uses a float 1/6);
// GLU and softmin are exact composites.
public static partial class F
{
    /// <summary>max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (<c>F.celu</c>); in place with <paramref name="inplace"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> is 0.</exception>
    public static Tensor Celu(Tensor input, double alpha = 1.0, bool inplace = false)
    {
        if (alpha == 0) throw new ArgumentException("celu: ZeroDivisionError: alpha cannot be 0 for CELU.", nameof(alpha));
        return EluCore(input, new Derivatives.EluArgs(alpha, 1, 1 / alpha), inplace, inplace ? "celu_" : "celu");
    }

    /// <summary>
    /// relu6(x + 3) / 6 (<c>F.hardsigmoid</c>); the gradient is 1/6 strictly inside (-3, 3), else 0, with
    /// PyTorch's float constant 1.0f / 6.0f in every dtype, so float64 gradients are PyTorch's to the bit.
    /// </summary>
    public static Tensor Hardsigmoid(Tensor input, bool inplace = false) =>
        Activation(input, inplace ? "hardsigmoid_" : "hardsigmoid", inplace, x => (x + 3).Clamp(0, 6) / 6, Derivatives.Hardsigmoid, null);

    /// <summary>
    /// The gated linear unit (<c>F.glu</c>): the input is split in halves a, b along <paramref name="dim"/>
    /// and a * sigmoid(b) returned.
    /// </summary>
    /// <exception cref="ArgumentException">The input is 0-d or the dim's size is odd.</exception>
    public static Tensor Glu(Tensor input, int dim = -1)
    {
        CheckFloatActivation(input, "glu");
        if (input.NDim == 0) throw new ArgumentException("glu: glu does not support scalars because halving size must be even.");
        int d = dim < 0 ? dim + input.NDim : dim;
        if (d < 0 || d >= input.NDim)
            throw new ArgumentOutOfRangeException(nameof(dim), $"glu: Dimension out of range (expected to be in range of [{-input.NDim}, {input.NDim - 1}], but got {dim}).");
        int n = input.Shape[d];
        if (n % 2 != 0) throw new ArgumentException($"glu: Halving dimension must be even, but dimension {d} is size {n} (input shape {input.Shape}).");
        return input.Narrow(d, 0, n / 2) * input.Narrow(d, n / 2, n / 2).Sigmoid();
    }

    /// <summary>softmax(-x) along <paramref name="dim"/> (<c>F.softmin</c>). Without a dim, PyTorch's legacy implicit dim with its warning.</summary>
    public static Tensor Softmin(Tensor input, int? dim = null, DType? dtype = null) =>
        (-NotNull(input)).Softmax(dim ?? ImplicitSoftmaxDim("softmin", input.NDim), dtype);
}
