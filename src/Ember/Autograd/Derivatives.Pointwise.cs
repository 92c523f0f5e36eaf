using Ember.Graph;

namespace Ember;

// Pointwise rows of the derivative table. Formulas follow PyTorch 1.13's tools/autograd/derivatives.yaml
// and FunctionsManual.cpp term for term (same operation order), so gradients agree to the last bit
// where the kernels do, and PyTorch's conventions at non-differentiable points carry over:
// relu'(0) = 0, abs'(0) = 0, clamp passes the gradient at its bounds, maximum/minimum split it at ties,
// and pow has special cases where the base is 0 or the exponent is 0.
internal static partial class Derivatives
{
    private const double Ln2 = 0.693147180559945309417232121458176568;   // M_LN2
    private const double Ln10 = 2.30258509299404568401799145468436421;   // M_LN10

    // ---------------------------------------------------------------- arithmetic

    /// <summary>z = a + alpha * b (inputs: a, b; state: alpha as double).</summary>
    public static readonly Rule Add = new("AddBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] : null, c.NeedsGrad(1) ? Scaled(g[0], c.State<double>()) : null]);

    /// <summary>z = a - alpha * b (inputs: a, b; state: alpha).</summary>
    public static readonly Rule Sub = new("SubBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] : null, c.NeedsGrad(1) ? Scaled(g[0].Neg(), c.State<double>()) : null]);

    /// <summary>z = number - alpha * b, PyTorch's rsub with a number (inputs: b; state: alpha).</summary>
    public static readonly Rule Rsub = new("RsubBackward1", static (c, g) =>
        [Scaled(g[0].Neg(), c.State<double>())]);

    // PyTorch's maybe_multiply: alpha 1 leaves the gradient untouched (no multiply node).
    private static Tensor Scaled(Tensor g, double alpha) => alpha == 1 ? g : g * alpha;

    /// <summary>z = a * b (recorded inputs: a, b).</summary>
    public static readonly Rule Mul = new("MulBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] * c.Saved(1) : null, c.NeedsGrad(1) ? g[0] * c.Saved(0) : null]);

    /// <summary>z = a / b, true division (inputs: a, b; saved: a, b).</summary>
    public static readonly Rule Div = new("DivBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] / c.Saved(1) : null,
         c.NeedsGrad(1) ? g[0].Neg() * (c.Saved(0) / c.Saved(1) / c.Saved(1)) : null]);   // div_tensor_other_backward

    /// <summary>
    /// z = div(a, b, rounding_mode) with "trunc" or "floor": piecewise constant, so PyTorch gives
    /// <c>grad * 0</c> to both inputs (a NaN or infinite incoming gradient stays NaN).
    /// </summary>
    public static readonly Rule DivRounding = new("DivBackward2", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] * 0 : null, c.NeedsGrad(1) ? g[0] * 0 : null]);

    /// <summary>z = self ** exponent with a number exponent (inputs: self; saved: self; state: exponent as double).</summary>
    public static readonly Rule Pow = new("PowBackward0", static (c, g) =>
    {
        double e = c.State<double>();
        // pow_backward: exponent 0 gives exact zeros (not 0 * grad, which would turn inf into NaN).
        if (e == 0) return [Tensor.ZerosLike(g[0])];
        return [g[0] * (e * c.Saved(0).Pow(e - 1))];
    });

    /// <summary>z = self ** exponent, both tensors (inputs: self, exponent; saved: self, exponent, z).</summary>
    public static readonly Rule PowTensor = new("PowBackward1", static (c, g) =>
    {
        Tensor self = c.Saved(0), exponent = c.Saved(1), result = c.Saved(2);
        Tensor? gs = null, ge = null;
        // pow_backward_self: where the exponent is 0 the gradient is 0, even where self ** -1 is infinite.
        if (c.NeedsGrad(0)) gs = Tensor.Where(exponent.Eq(0.0), 0.0, g[0] * (exponent * self.Pow(exponent - 1)));
        if (c.NeedsGrad(1))
        {
            // pow_backward_exponent: 0 ** e has gradient 0 in e for e >= 0 (the limit from the right), not 0 * log(0) = NaN.
            var cond = self.Eq(0).LogicalAnd(exponent.Ge(0));
            var selfP = self.DType == result.DType ? self : self.To(result.DType);
            ge = g[0] * Tensor.Where(cond, 0.0, result * selfP.Log());
        }
        return [gs, ge];
    });

    /// <summary>z = base ** exponent with a number base (inputs: exponent; saved: exponent, z; state: base as double).</summary>
    public static readonly Rule PowScalarBase = new("PowBackward2", static (c, g) =>
    {
        double b = c.State<double>();
        Tensor exponent = c.Saved(0), result = c.Saved(1);
        // Base 0: gradient 0 where the exponent is >= 0, as pow_backward_exponent(grad, Scalar base, ...).
        if (b == 0) return [g[0] * Tensor.Where(exponent.Ge(0), 0.0, result * Math.Log(b))];
        return [g[0] * (result * Math.Log(b))];
    });

    // ---------------------------------------------------------------- unary

    /// <summary>z = -x.</summary>
    public static readonly Rule Neg = new("NegBackward0", static (c, g) => [g[0].Neg()]);

    /// <summary>z = e^x (saved: z).</summary>
    public static readonly Rule Exp = new("ExpBackward0", static (c, g) => [g[0] * c.Saved(0)]);

    /// <summary>z = 2^x (saved: z).</summary>
    public static readonly Rule Exp2 = new("Exp2Backward0", static (c, g) => [g[0] * c.Saved(0) * Ln2]);

    /// <summary>z = e^x - 1 (saved: z).</summary>
    public static readonly Rule Expm1 = new("Expm1Backward0", static (c, g) => [g[0] * (c.Saved(0) + 1)]);

    /// <summary>z = log x (saved: x).</summary>
    public static readonly Rule Log = new("LogBackward0", static (c, g) => [g[0] / c.Saved(0)]);

    /// <summary>z = log2 x (saved: x).</summary>
    public static readonly Rule Log2 = new("Log2Backward0", static (c, g) => [g[0] / (c.Saved(0) * Ln2)]);

    /// <summary>z = log10 x (saved: x).</summary>
    public static readonly Rule Log10 = new("Log10Backward0", static (c, g) => [g[0] / (c.Saved(0) * Ln10)]);

    /// <summary>z = log(1 + x) (saved: x).</summary>
    public static readonly Rule Log1p = new("Log1PBackward0", static (c, g) => [g[0] / (c.Saved(0) + 1)]);

    /// <summary>z = sqrt x (saved: z); infinite at 0, as PyTorch.</summary>
    public static readonly Rule Sqrt = new("SqrtBackward0", static (c, g) => [g[0] / (2 * c.Saved(0))]);

    /// <summary>z = 1 / sqrt x (saved: z).</summary>
    public static readonly Rule Rsqrt = new("RsqrtBackward0", static (c, g) => [-0.5 * g[0] * c.Saved(0).Pow(3)]);

    /// <summary>z = |x| (saved: x); the gradient at 0 is 0 (sign(0) = 0), as PyTorch.</summary>
    public static readonly Rule Abs = new("AbsBackward0", static (c, g) => [g[0] * c.Saved(0).Sign()]);

    /// <summary>z = sign x: zero gradient everywhere.</summary>
    public static readonly Rule Sign = new("SignBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>z = sin x (saved: x).</summary>
    public static readonly Rule Sin = new("SinBackward0", static (c, g) => [g[0] * c.Saved(0).Cos()]);

    /// <summary>z = cos x (saved: x).</summary>
    public static readonly Rule Cos = new("CosBackward0", static (c, g) => [g[0] * c.Saved(0).Sin().Neg()]);

    /// <summary>z = tanh x (saved: z): tanh_backward, grad * (1 - z * z).</summary>
    public static readonly Rule Tanh = new("TanhBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        return [g[0] * (1 - y * y)];
    });

    /// <summary>z = sigmoid x (saved: z): sigmoid_backward, grad * (1 - z) * z.</summary>
    public static readonly Rule Sigmoid = new("SigmoidBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        return [g[0] * (1 - y) * y];
    });

    /// <summary>z = max(x, 0) (saved: z): threshold_backward(grad, z, 0), so the gradient at 0 is 0.</summary>
    /// Without a graph to build (the usual backward) one fused kernel; under create_graph the
    /// differentiable where.
    public static readonly Rule Relu = new("ReluBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        if (Autograd.IsGradEnabled || y.DType != g[0].DType || !y.DType.IsFloatingPoint())
            return [Tensor.Where(y.Le(0), 0, g[0])];
        return [Tensor.BinaryOp(Backends.BinaryOp.ReluBackward, y, g[0], y.DType, "threshold_backward")];
    });

    /// <summary>z = 1 / x (saved: z).</summary>
    public static readonly Rule Reciprocal = new("ReciprocalBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        return [g[0].Neg() * (y * y)];
    });

    /// <summary>z = floor x: zero gradient.</summary>
    public static readonly Rule Floor = new("FloorBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>z = ceil x: zero gradient.</summary>
    public static readonly Rule Ceil = new("CeilBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>z = round x: zero gradient.</summary>
    public static readonly Rule Round = new("RoundBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>z = round(x, decimals): zero gradient.</summary>
    public static readonly Rule RoundDecimals = new("RoundBackward1", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>z = trunc x: zero gradient.</summary>
    public static readonly Rule Trunc = new("TruncBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);

    // ---------------------------------------------------------------- clamp, maximum, minimum

    /// <summary>Which bounds a clamp had (the absent ones are recorded as null inputs).</summary>
    internal readonly record struct ClampBounds(bool HasMin, bool HasMax);

    /// <summary>clamp with number bounds (inputs: x, min, max; saved: x, min, max; state: <see cref="ClampBounds"/>).</summary>
    public static readonly Rule Clamp = new("ClampBackward1", ClampFormula);

    /// <summary>clamp with tensor bounds (inputs: x, min, max; saved: x, min, max; state: <see cref="ClampBounds"/>).</summary>
    public static readonly Rule ClampTensor = new("ClampBackward0", ClampFormula);

    // clamp_backward and clamp_backward_min_max: the input keeps its gradient at the bounds; a bound
    // gets the gradient only where it is strictly the value taken (where min > max, max wins).
    private static Tensor?[] ClampFormula(BackwardContext c, Tensor[] g)
    {
        var b = c.State<ClampBounds>();
        Tensor self = c.Saved(0), min = c.Saved(1), max = c.Saved(2);
        var gz = g[0];
        Tensor? gs = null, gmin = null, gmax = null;
        if (c.NeedsGrad(0))
        {
            Tensor pred = b.HasMin && b.HasMax ? self.Ge(min).LogicalAnd(self.Le(max)) : b.HasMin ? self.Ge(min) : self.Le(max);
            gs = Tensor.Where(pred, gz, 0.0);
        }
        if (b.HasMin && b.HasMax)
        {
            if (c.NeedsGrad(1)) gmin = Tensor.Where(self.Lt(min).LogicalAnd(min.Lt(max)), gz, 0.0);
            if (c.NeedsGrad(2)) gmax = Tensor.Where(self.Gt(max).LogicalOr(max.Lt(min)), gz, 0.0);
        }
        else if (b.HasMin && c.NeedsGrad(1)) gmin = Tensor.Where(self.Lt(min), gz, 0.0);
        else if (b.HasMax && c.NeedsGrad(2)) gmax = Tensor.Where(self.Gt(max), gz, 0.0);
        return [gs, gmin, gmax];
    }

    /// <summary>clamp_min with a number bound (inputs: x; saved: x, min).</summary>
    public static readonly Rule ClampMin = new("ClampMinBackward0", ClampMinFormula);

    /// <summary>clamp_min with a tensor bound (inputs: x, min; saved: x, min).</summary>
    public static readonly Rule ClampMinTensor = new("ClampMinBackward1", ClampMinFormula);

    private static Tensor?[] ClampMinFormula(BackwardContext c, Tensor[] g)
    {
        Tensor self = c.Saved(0), min = c.Saved(1);
        return [c.NeedsGrad(0) ? Tensor.Where(self.Ge(min), g[0], 0.0) : null,
                c.NeedsGrad(1) ? Tensor.Where(self.Lt(min), g[0], 0.0) : null];
    }

    /// <summary>clamp_max with a number bound (inputs: x; saved: x, max).</summary>
    public static readonly Rule ClampMax = new("ClampMaxBackward0", ClampMaxFormula);

    /// <summary>clamp_max with a tensor bound (inputs: x, max; saved: x, max).</summary>
    public static readonly Rule ClampMaxTensor = new("ClampMaxBackward1", ClampMaxFormula);

    private static Tensor?[] ClampMaxFormula(BackwardContext c, Tensor[] g)
    {
        Tensor self = c.Saved(0), max = c.Saved(1);
        return [c.NeedsGrad(0) ? Tensor.Where(self.Le(max), g[0], 0.0) : null,
                c.NeedsGrad(1) ? Tensor.Where(self.Gt(max), g[0], 0.0) : null];
    }

    /// <summary>z = maximum(a, b) (saved: a, b): ties split the gradient in half between a and b.</summary>
    public static readonly Rule Maximum = new("MaximumBackward0", static (c, g) =>
    {
        Tensor a = c.Saved(0), b = c.Saved(1);
        var split = Tensor.Where(a.Eq(b), g[0] / 2, g[0]);
        return [c.NeedsGrad(0) ? Tensor.Where(a.Lt(b), 0.0, split) : null,
                c.NeedsGrad(1) ? Tensor.Where(a.Gt(b), 0.0, split) : null];
    });

    /// <summary>z = minimum(a, b) (saved: a, b): ties split the gradient in half between a and b.</summary>
    public static readonly Rule Minimum = new("MinimumBackward0", static (c, g) =>
    {
        Tensor a = c.Saved(0), b = c.Saved(1);
        var split = Tensor.Where(a.Eq(b), g[0] / 2, g[0]);
        return [c.NeedsGrad(0) ? Tensor.Where(a.Gt(b), 0.0, split) : null,
                c.NeedsGrad(1) ? Tensor.Where(a.Lt(b), 0.0, split) : null];
    });

    // ---------------------------------------------------------------- three-input ops

    /// <summary>z = where(condition, x, y) (inputs: x, y; saved: condition). The condition is not differentiable.</summary>
    public static readonly Rule Where = new("WhereBackward0", static (c, g) =>
    {
        var cond = c.Saved(0);
        return [c.NeedsGrad(0) ? Tensor.Where(cond, g[0], 0.0) : null,
                c.NeedsGrad(1) ? Tensor.Where(cond, 0.0, g[0]) : null];
    });

    /// <summary>z = lerp(self, end, w) with a number weight (inputs: self, end; state: w as double).</summary>
    public static readonly Rule Lerp = new("LerpBackward0", static (c, g) =>
    {
        double w = c.State<double>();
        return [c.NeedsGrad(0) ? g[0] * (1 - w) : null, c.NeedsGrad(1) ? g[0] * w : null];
    });

    /// <summary>z = lerp(self, end, weight) with a tensor weight (inputs: self, end, weight; saved: self, end, weight).</summary>
    public static readonly Rule LerpTensor = new("LerpBackward1", static (c, g) =>
    {
        Tensor weight = c.Saved(2);
        return [c.NeedsGrad(0) ? g[0] * (1 - weight) : null,
                c.NeedsGrad(1) ? g[0] * weight : null,
                c.NeedsGrad(2) ? g[0] * (c.Saved(1) - c.Saved(0)) : null];
    });

    /// <summary>z = self + value * t1 * t2 (inputs: self, t1, t2; saved: t1, t2; state: value as double).</summary>
    public static readonly Rule Addcmul = new("AddcmulBackward0", static (c, g) =>
    {
        double v = c.State<double>();
        return [c.NeedsGrad(0) ? g[0] : null,
                c.NeedsGrad(1) ? g[0] * (c.Saved(1) * v) : null,
                c.NeedsGrad(2) ? g[0] * (c.Saved(0) * v) : null];
    });

    /// <summary>z = self + value * t1 / t2 (inputs: self, t1, t2; saved: t1, t2; state: value as double).</summary>
    public static readonly Rule Addcdiv = new("AddcdivBackward0", static (c, g) =>
    {
        double v = c.State<double>();
        Tensor t1 = c.Saved(0), t2 = c.Saved(1);
        return [c.NeedsGrad(0) ? g[0] : null,
                c.NeedsGrad(1) ? g[0] * (v / t2) : null,
                c.NeedsGrad(2) ? g[0].Neg() * (v * t1 / (t2 * t2)) : null];
    });

    // ---------------------------------------------------------------- overwrites

    /// <summary>x.fill_(number): the tensor becomes a constant, so its old values get a zero gradient.</summary>
    public static readonly Rule Fill = new("FillBackward2", static (c, g) => [Tensor.ZerosLike(g[0])]);

    /// <summary>x.zero_(): the tensor becomes a constant, so its old values get a zero gradient.</summary>
    public static readonly Rule Zero = new("ZeroBackward0", static (c, g) => [Tensor.ZerosLike(g[0])]);
}
