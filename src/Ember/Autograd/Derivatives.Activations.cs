using Ember.Graph;

namespace Ember;

// Rows for erf and the activation functions (Ember.NN.F) that are primitives rather than
// composites, because PyTorch's gradient at a kink or in saturation needs them, or a composite would
// lose accuracy. Each follows PyTorch 1.13's derivatives.yaml / FunctionsManual.cpp / the CPU
// *_backward kernels, so the conventions carry over (hardtanh gives 0 at its bounds, leaky_relu gives
// the slope at 0, softplus passes the gradient above its threshold).
internal static partial class Derivatives
{
    private const double TwoOverSqrtPi = 1.12837916709551257389615890312154517;   // M_2_SQRTPI

    /// <summary>z = erf x (saved: x): 2/sqrt(pi) e^(-x^2).</summary>
    public static readonly Rule Erf = new("ErfBackward0", static (c, g) =>
        [TwoOverSqrtPi * c.Saved(0).Pow(2).Neg().Exp() * g[0]]);
}

internal static partial class Derivatives
{
    /// <summary>The bounds of a hardtanh.</summary>
    internal readonly record struct HardtanhArgs(double Min, double Max);

    /// <summary>
    /// z = hardtanh(x, min, max) (saved: x; state: <see cref="HardtanhArgs"/>): hardtanh_backward, so the
    /// gradient is 0 at and beyond the bounds and passes strictly inside them (and where x is NaN).
    /// </summary>
    public static readonly Rule Hardtanh = new("HardtanhBackward0", static (c, g) =>
    {
        var a = c.State<HardtanhArgs>();
        var x = c.Saved(0);
        return [Tensor.Where(x.Le(a.Min).LogicalOr(x.Ge(a.Max)), 0.0, g[0])];
    });

    /// <summary>z = leaky_relu(x, slope) (saved: x; state: slope as double): g where x &gt; 0, else g * slope (so the slope at 0).</summary>
    public static readonly Rule LeakyRelu = new("LeakyReluBackward0", static (c, g) =>
        [Tensor.Where(c.Saved(0).Gt(0), g[0], g[0] * c.State<double>())]);

    /// <summary>The constants of an ELU-family function: PyTorch's alpha, scale and input_scale.</summary>
    internal readonly record struct EluArgs(double Alpha, double Scale, double InputScale);

    /// <summary>
    /// z = elu(x) = scale * x for x &gt; 0, else alpha * scale * (exp(x * input_scale) - 1) (saved: x; state:
    /// <see cref="EluArgs"/>): elu_backward with the input. The exponential is taken of min(x, 0), which
    /// changes nothing where it is used and keeps the unused branch finite for second derivatives.
    /// </summary>
    public static readonly Rule Elu = new("EluBackward0", static (c, g) =>
    {
        var a = c.State<EluArgs>();
        var x = c.Saved(0);
        var neg = g[0] * (a.InputScale * (a.Alpha * a.Scale)) * (x.ClampMax(0) * a.InputScale).Exp();
        return [Tensor.Where(x.Le(0), neg, g[0] * a.Scale)];
    });

    /// <summary>z = gelu(x) (saved: x; state: true for the tanh approximation): gelu_backward.</summary>
    public static readonly Rule Gelu = new("GeluBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        if (!c.State<bool>())
        {
            // cdf + x * pdf, pdf = exp(-x^2 / 2) / sqrt(2 pi).
            const double kAlpha = 0.707106781186547524400844362104849039;   // M_SQRT1_2
            const double kBeta = 1.12837916709551257389615890312154517 * kAlpha * 0.5;   // M_2_SQRTPI * M_SQRT1_2 * 0.5
            var cdf = 0.5 * (1 + (x * kAlpha).Erf());
            var pdf = (-0.5 * x * x).Exp() * kBeta;
            return [g[0] * (cdf + x * pdf)];
        }
        const double kB = 1.41421356237309504880168872420969808 * 1.12837916709551257389615890312154517 * 0.5;   // M_SQRT2 * M_2_SQRTPI * 0.5
        const double kKappa = 0.044715;
        var xSq = x * x;
        var inner = kB * (x + kKappa * xSq * x);
        var t = inner.Tanh();
        var left = 0.5 * x;
        var right = 1 + t;
        var leftDerivative = 0.5 * right;
        var rightDerivative = left * (1 - t * t) * (kB * (1 + 3 * kKappa * xSq));
        return [g[0] * (leftDerivative + rightDerivative)];
    });

    /// <summary>z = silu(x) = x * sigmoid(x) (saved: x): g * s * (1 + x * (1 - s)).</summary>
    public static readonly Rule Silu = new("SiluBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        var s = x.Sigmoid();
        return [g[0] * s * (1 + x * (1 - s))];
    });

    /// <summary>z = mish(x) = x * tanh(softplus(x)) (saved: x): mish_backward.</summary>
    public static readonly Rule Mish = new("MishBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        var s = x.Sigmoid();
        var t = x.Exp().Log1p().Tanh();
        return [g[0] * (t + x * s * (1 - t * t))];
    });

    /// <summary>The parameters of a softplus.</summary>
    internal readonly record struct SoftplusArgs(double Beta, double Threshold);

    /// <summary>
    /// z = softplus(x) (saved: x; state: <see cref="SoftplusArgs"/>): softplus_backward, g where
    /// x * beta &gt; threshold (the linear region), else g * sigmoid(x * beta) (PyTorch's z / (z + 1) with
    /// z = exp(x * beta), written so that it cannot overflow).
    /// </summary>
    public static readonly Rule Softplus = new("SoftplusBackward0", static (c, g) =>
    {
        var a = c.State<SoftplusArgs>();
        var xb = c.Saved(0) * a.Beta;
        return [Tensor.Where(xb.Gt(a.Threshold), g[0], g[0] * xb.Sigmoid())];
    });

    /// <summary>
    /// z = hardswish(x) (saved: x): 0 below -3, g * (x / 3 + 1/2) on [-3, 3], g above 3. At exactly 3
    /// PyTorch 1.13's scalar and vectorised CPU kernels disagree (1.5 g and g, so its answer depends on
    /// where the element sits in the tensor); this follows the scalar kernel, hardswish_backward's formula.
    /// </summary>
    public static readonly Rule Hardswish = new("HardswishBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        return [Tensor.Where(x.Lt(-3), 0.0, Tensor.Where(x.Le(3), g[0] * (x / 3 + 0.5), g[0]))];
    });
}

internal static partial class Derivatives
{
    // PyTorch's hardsigmoid_backward multiplies by a float 1.0f / 6.0f for every dtype, so its float64
    // gradient is off from g / 6 in the 8th digit; the same constant gives PyTorch's numbers.
    private const double OneSixthF = 1.0f / 6.0f;

    /// <summary>z = hardsigmoid(x) = relu6(x + 3) / 6 (saved: x): g * (1/6 as a float) strictly inside (-3, 3), else 0.</summary>
    public static readonly Rule Hardsigmoid = new("HardsigmoidBackward0", static (c, g) =>
    {
        var x = c.Saved(0);
        return [Tensor.Where(x.Gt(-3).LogicalAnd(x.Lt(3)), g[0] * OneSixthF, 0.0)];
    });
}
