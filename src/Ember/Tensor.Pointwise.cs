using Ember.Jit;
using Ember.Backends;
using U = Ember.Backends.UnaryOp;
using B = Ember.Backends.BinaryOp;

namespace Ember;

// The public pointwise math API. Every op broadcasts and promotes like PyTorch; numbers convert to
// wrapped 0-d tensors (x.Add(2), Tensor.Maximum(x, 0)), so one Tensor overload serves both.
public partial class Tensor
{
    // ---------------------------------------------------------------- arithmetic

    /// <summary>
    /// <c>this + alpha * other</c> with broadcasting and type promotion (<c>torch.add</c>). Bool plus
    /// bool is a logical or, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> is fractional for an integer result, or bool for a non-bool result.</exception>
    public Tensor Add(Tensor other, Scalar? alpha = null) => Add(this, other, alpha);

    /// <summary><c>input + alpha * other</c> (<c>torch.add</c>); see the instance method.</summary>
    public static Tensor Add(Tensor input, Tensor other, Scalar? alpha = null)
    {
        NotNull(input, other);
        if (Tracer.IsActive) return Tracer.Record("aten::add", [input, other], new Attributes().Set("alpha", alpha), static (x, a) => [Add(x[0]!, x[1]!, a["alpha"] as Scalar?)]);
        DType t = TypePromotion.ResultType([input, other]);
        var b = ScaledByAlpha(other, alpha, t, "add");
        var r = BinaryOp(t == DType.Bool ? B.LogicalOr : B.Add, input, b, t, "add");
        if (Autograd.Recording(input, other)) Derivatives.Add.Record(r, [input, other], state: AlphaValue(alpha));
        return r;
    }

    /// <summary>
    /// <c>this - alpha * other</c> (<c>torch.sub</c>). Bool operands are refused with PyTorch's
    /// message (use <see cref="LogicalXor(Tensor)"/> or <see cref="LogicalNot()"/>).
    /// </summary>
    public Tensor Sub(Tensor other, Scalar? alpha = null) => Sub(this, other, alpha);

    /// <summary><c>input - alpha * other</c> (<c>torch.sub</c>); see the instance method.</summary>
    public static Tensor Sub(Tensor input, Tensor other, Scalar? alpha = null)
    {
        NotNull(input, other);
        if (Tracer.IsActive) return Tracer.Record("aten::sub", [input, other], new Attributes().Set("alpha", alpha), static (x, a) => [Sub(x[0]!, x[1]!, a["alpha"] as Scalar?)]);
        CheckSub(input, other);
        DType t = TypePromotion.ResultType([input, other]);
        var r = BinaryOp(B.Sub, input, ScaledByAlpha(other, alpha, t, "sub"), t, "sub");
        if (Autograd.Recording(input, other))
        {
            // number - tensor is PyTorch's rsub (RsubBackward1), which has the tensor as its only input.
            if (input.IsWrappedNumber) Derivatives.Rsub.Record(r, [other], state: AlphaValue(alpha));
            else Derivatives.Sub.Record(r, [input, other], state: AlphaValue(alpha));
        }
        return r;
    }

    // alpha as the double the add/sub formulas multiply by (1 when absent).
    private static double AlphaValue(Scalar? alpha) => alpha is { } a ? a.ToDouble() : 1;

    private static void CheckSub(Tensor a, Tensor b)
    {
        if (a.DType == DType.Bool && b.DType == DType.Bool)
            throw new ArgumentException("sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `LogicalXor()` operator instead.");
        if (a.DType == DType.Bool || b.DType == DType.Bool)
            throw new ArgumentException("sub: Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `LogicalNot()` operator instead.");
    }

    // alpha * other in the result type, with PyTorch's alpha_check.
    private static Tensor ScaledByAlpha(Tensor other, Scalar? alpha, DType t, string name)
    {
        if (alpha is not { } a) return other;
        if (a.Kind == ScalarKind.Bool && t != DType.Bool)
            throw new ArgumentException($"{name}: Boolean alpha only supported for Boolean results (result type is {t.TorchName()}).");
        if (a.Kind == ScalarKind.Floating && !t.IsFloatingPoint())
            throw new ArgumentException($"{name}: For integral input tensors, argument alpha must not be a floating point number (result type is {t.TorchName()}, alpha is {a}).");
        if (a.ToDouble() == 1) return other;
        return BinaryOp(t == DType.Bool ? B.LogicalAnd : B.Mul, other, ScalarTensor(a, t, other.Device), t, name);
    }

    /// <summary>Elementwise product with broadcasting and type promotion (<c>torch.mul</c>); bool times bool is a logical and.</summary>
    public Tensor Mul(Tensor other) => Mul(this, other);

    /// <summary>Elementwise product (<c>torch.mul</c>).</summary>
    public static Tensor Mul(Tensor input, Tensor other)
    {
        NotNull(input, other);
        if (Tracer.IsActive) return Tracer.Record("aten::mul", [input, other], null, static (x, _) => [Mul(x[0]!, x[1]!)]);
        DType t = TypePromotion.ResultType([input, other]);
        var r = BinaryOp(t == DType.Bool ? B.LogicalAnd : B.Mul, input, other, t, "mul");
        if (Autograd.Recording(input, other)) Derivatives.Mul.Record(r, [input, other], saved: [input, other]);
        return r;
    }

    /// <summary>
    /// Elementwise division (<c>torch.div</c>). Without a rounding mode it is true division: integer
    /// and bool inputs give the default float dtype. <paramref name="roundingMode"/> <c>"trunc"</c>
    /// rounds toward zero and <c>"floor"</c> toward negative infinity (Python's <c>//</c>); both keep
    /// the promoted dtype, and integer division by zero then throws, as PyTorch's ZeroDivisionError.
    /// With a rounding mode the result is piecewise constant, so its gradient is zero (<c>grad * 0</c>, as PyTorch).
    /// </summary>
    public Tensor Div(Tensor other, string? roundingMode = null) => Div(this, other, roundingMode);

    /// <summary>Elementwise division (<c>torch.div</c>); see the instance method.</summary>
    public static Tensor Div(Tensor input, Tensor other, string? roundingMode = null)
    {
        NotNull(input, other);
        if (Tracer.IsActive)
            return Tracer.Record("aten::div", [input, other], new Attributes().Set("rounding_mode", roundingMode), static (x, a) => [Div(x[0]!, x[1]!, a.String("rounding_mode"))]);
        DType t = TypePromotion.ResultType([input, other]);
        if (roundingMode is null)
        {
            var q = BinaryOp(B.Div, input, other, t.ToFloating(), "div");
            if (Autograd.Recording(input, other)) Derivatives.Div.Record(q, [input, other], saved: [input, other]);
            return q;
        }
        B op = DivRoundingOp(roundingMode, t);
        CheckNoIntegerZero("div", input, other, t, roundingMode);
        var r = BinaryOp(op, input, other, t, "div");
        if (Autograd.Recording(input, other)) Derivatives.DivRounding.Record(r, [input, other]);
        return r;
    }

    // Integer division by zero has no value; refuse it before anything is written (PyTorch's ZeroDivisionError).
    private static void CheckNoIntegerZero(string name, Tensor a, Tensor b, DType t, string mode)
    {
        if (t.IsFloatingPoint() || !Array.Exists(b.Eq(0).ToArray<bool>(), z => z)) return;
        throw new DivideByZeroException($"{name}: ZeroDivisionError: integer division by zero (rounding_mode \"{mode}\", {a.DType.TorchName()} by {b.DType.TorchName()}).");
    }

    private static B DivRoundingOp(string roundingMode, DType t)
    {
        B op = roundingMode switch
        {
            "trunc" => B.DivTrunc,
            "floor" => B.DivFloor,
            _ => throw new ArgumentException($"div: expected rounding_mode to be one of null, \"trunc\", or \"floor\" but found \"{roundingMode}\"."),
        };
        if (t == DType.Bool) throw new NotSupportedException($"div: rounding_mode \"{roundingMode}\" is not implemented for torch.bool.");
        return op;
    }

    /// <summary>
    /// Elementwise power (<c>torch.pow</c>): tensor or number exponent, and a number base via
    /// <c>Tensor.Pow(2, x)</c>. Integer results use exact integer arithmetic; an integer tensor
    /// raised to a negative integer number is refused, as in PyTorch. Number exponents 0, 1, ±0.5,
    /// ±1, 2, 3 and -2 take PyTorch's special cases (sqrt, rsqrt, reciprocal, products), so results
    /// match it bit for bit there. Gradients follow PyTorch at 0: exponent 0 gives a zero gradient, and
    /// the gradient in the exponent of <c>0 ** e</c> is 0 where e &gt;= 0 (not 0 * log 0 = NaN).
    /// </summary>
    public Tensor Pow(Tensor exponent) => Pow(this, exponent);

    /// <summary>Elementwise power (<c>torch.pow</c>); see the instance method.</summary>
    public static Tensor Pow(Tensor input, Tensor exponent)
    {
        NotNull(input, exponent);
        if (!Autograd.Recording(input, exponent)) return PowForward(input, exponent);
        Tensor r;
        using (Autograd.NoGrad()) r = PowForward(input, exponent);
        RecordPow(r, input, exponent);
        return r;
    }

    // Records the pow node PyTorch would: PowBackward0 for a number exponent, PowBackward2 for a number
    // base, PowBackward1 for two tensors.
    private static void RecordPow(Tensor r, Tensor input, Tensor exponent)
    {
        if (exponent.IsWrappedNumber)
            Derivatives.Pow.Record(r, [input], saved: [input], state: exponent.Item().ToDouble());
        else if (input.IsWrappedNumber)
            Derivatives.PowScalarBase.Record(r, [exponent], saved: [exponent, r], state: input.Item().ToDouble());
        else
            Derivatives.PowTensor.Record(r, [input, exponent], saved: [input, exponent, r]);
    }

    private static Tensor PowForward(Tensor input, Tensor exponent)
    {
        DType t = TypePromotion.ResultType([input, exponent]);
        if (input.IsWrappedNumber && !exponent.IsWrappedNumber && input.Item().ToDouble() == 1)
            return Full(exponent.Layout.Shape, 1, t, exponent.Device);
        if (exponent.IsWrappedNumber && !input.IsWrappedNumber)
        {
            Scalar e = exponent.Item();
            if (!t.IsFloatingPoint() && e.Kind != ScalarKind.Floating && e.ToInt64() < 0)
                throw new ArgumentException($"pow: Integers to negative integer powers are not allowed ({input.DType.TorchName()} tensor to the power {e}).");
            double v = e.ToDouble();
            if (v == 0) return Full(input.Layout.Shape, 1, t, input.Device);
            var x = input.AsType(t);
            if (v == 1) return ReferenceEquals(x, input) ? input.Clone() : x;
            if (v == 2) return BinaryOp(B.Mul, x, x, t, "pow");
            if (v == 3) return BinaryOp(B.Mul, BinaryOp(B.Mul, x, x, t, "pow"), x, t, "pow");
            if (t.IsFloatingPoint())
            {
                if (v == 0.5) return x.UnaryOp(U.Sqrt, t);
                if (v == -0.5) return x.UnaryOp(U.Rsqrt, t);
                if (v == -1) return x.UnaryOp(U.Reciprocal, t);
                if (v == -2) return BinaryOp(B.Mul, x, x, t, "pow").UnaryOp(U.Reciprocal, t);
            }
        }
        return BinaryOp(B.Pow, input, exponent, t, "pow");
    }

    /// <summary><c>this * this</c> (<c>torch.square</c>, which is <c>pow(x, 2)</c>: bool gives int64).</summary>
    public Tensor Square() => Pow(this, 2);

    /// <summary>Elementwise maximum with broadcasting and promotion; NaN propagates (<c>torch.maximum</c>). Where the inputs tie, each gets half the gradient, as in PyTorch.</summary>
    public Tensor Maximum(Tensor other) => Maximum(this, other);

    /// <summary>Elementwise maximum (<c>torch.maximum</c>); numbers work too: <c>Tensor.Maximum(x, 0)</c>.</summary>
    public static Tensor Maximum(Tensor input, Tensor other)
    {
        NotNull(input, other);
        var r = BinaryOp(B.Maximum, input, other, "maximum");
        if (Autograd.Recording(input, other)) Derivatives.Maximum.Record(r, [input, other], saved: [input, other]);
        return r;
    }

    /// <summary>Elementwise minimum with broadcasting and promotion; NaN propagates (<c>torch.minimum</c>). Where the inputs tie, each gets half the gradient, as in PyTorch.</summary>
    public Tensor Minimum(Tensor other) => Minimum(this, other);

    /// <summary>Elementwise minimum (<c>torch.minimum</c>).</summary>
    public static Tensor Minimum(Tensor input, Tensor other)
    {
        NotNull(input, other);
        var r = BinaryOp(B.Minimum, input, other, "minimum");
        if (Autograd.Recording(input, other)) Derivatives.Minimum.Record(r, [input, other], saved: [input, other]);
        return r;
    }

    /// <summary>
    /// Limits every element to [<paramref name="min"/>, <paramref name="max"/>] (<c>torch.clamp</c>).
    /// Bounds are numbers or tensors (broadcast); either may be null but not both. The result dtype is
    /// promoted over the input and bounds (an int tensor clamped to 0.5 is float32). A NaN element
    /// stays NaN; where min &gt; max the result is max. A NaN bound gives NaN, except a lone number bound,
    /// which PyTorch ignores when it is NaN. A bool input needs integer or float bounds (bool results are
    /// refused, as in PyTorch). Gradients follow PyTorch: the input keeps its gradient at the bounds
    /// (inclusive); a tensor bound gets it only where the input is strictly beyond it, and where
    /// min &gt; max only max does (where min == max and the input is below, nothing gets it).
    /// </summary>
    public Tensor Clamp(Tensor? min = null, Tensor? max = null) => Clamp(this, min, max);

    /// <summary>Limits every element to [min, max] (<c>torch.clamp</c>); see the instance method.</summary>
    public static Tensor Clamp(Tensor input, Tensor? min = null, Tensor? max = null)
    {
        var r = ClampForward(input, min, max);
        if (Autograd.Recording([input, min, max])) RecordClamp(r, input, min, max);
        return r;
    }

    // clamp with only number bounds is ClampBackward1 in PyTorch; any tensor bound makes it ClampBackward0.
    private static void RecordClamp(Tensor r, Tensor input, Tensor? min, Tensor? max)
    {
        bool numbers = (min is null || min.IsWrappedNumber) && (max is null || max.IsWrappedNumber);
        var rule = numbers ? Derivatives.Clamp : Derivatives.ClampTensor;
        rule.Record(r, [input, min, max], saved: [input, min ?? input, max ?? input], state: new Derivatives.ClampBounds(min is not null, max is not null));
    }

    // ignoreLoneNaN: clamp(min=nan) leaves the input as it is, but clamp_min(nan) and clamp_max(nan)
    // give NaN everywhere (PyTorch 1.13 does both).
    private static Tensor ClampForward(Tensor input, Tensor? min, Tensor? max, bool ignoreLoneNaN = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        DType t = ClampType(input, min, max);
        if (min is not null && max is not null) return TernaryOp(Backends.TernaryOp.Clamp, input, min, max, t, "clamp");
        Tensor bound = min ?? max!;
        // PyTorch's one-sided number clamp is std::max(x, bound), which ignores a NaN bound.
        if (ignoreLoneNaN && bound.IsWrappedNumber && double.IsNaN(bound.Item().ToDouble()))
            using (Autograd.NoGrad()) return input.DType == t ? input.Clone() : input.To(t);
        return BinaryOp(min is not null ? B.Maximum : B.Minimum, input, bound, t, "clamp");
    }

    private static DType ClampType(Tensor input, Tensor? min, Tensor? max)
    {
        if (min is null && max is null) throw new ArgumentException("clamp: At least one of 'min' or 'max' must not be null.");
        DType t = min is null ? TypePromotion.ResultType([input, max!]) : max is null ? TypePromotion.ResultType([input, min]) : TypePromotion.ResultType([input, min, max]);
        if (t == DType.Bool) throw new NotSupportedException("clamp: not implemented for torch.bool (a bool tensor clamped to integer bounds gives int64).");
        return t;
    }

    /// <summary>
    /// Limits every element from below (<c>torch.clamp_min</c>). Unlike <c>Clamp(min: double.NaN)</c>,
    /// which leaves the input as it is, a NaN bound gives NaN everywhere, as PyTorch 1.13 does.
    /// </summary>
    public Tensor ClampMin(Tensor min)
    {
        ArgumentNullException.ThrowIfNull(min);
        var r = ClampForward(this, min, null, ignoreLoneNaN: false);
        if (Autograd.Recording(this, min))
            (min.IsWrappedNumber ? Derivatives.ClampMin : Derivatives.ClampMinTensor).Record(r, [this, min], saved: [this, min]);
        return r;
    }

    /// <summary>Limits every element from above (<c>torch.clamp_max</c>); a NaN bound gives NaN everywhere, as for <see cref="ClampMin(Tensor)"/>.</summary>
    public Tensor ClampMax(Tensor max)
    {
        ArgumentNullException.ThrowIfNull(max);
        var r = ClampForward(this, null, max, ignoreLoneNaN: false);
        if (Autograd.Recording(this, max))
            (max.IsWrappedNumber ? Derivatives.ClampMax : Derivatives.ClampMaxTensor).Record(r, [this, max], saved: [this, max]);
        return r;
    }

    // ---------------------------------------------------------------- unary

    /// <summary>Negation (<c>torch.neg</c>); refused for bool tensors with PyTorch's message.</summary>
    public Tensor Neg()
    {
        CheckNotBoolNeg(this, "neg");
        return Unary(U.Neg, Derivatives.Neg, Save.None);
    }

    private static void CheckNotBoolNeg(Tensor t, string name)
    {
        if (t.DType == DType.Bool)
            throw new ArgumentException($"{name}: Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `LogicalNot()` operator instead.");
    }

    private Tensor NotBool(string name)
    {
        if (DType == DType.Bool) throw new NotSupportedException($"{name}: not implemented for torch.bool.");
        return this;
    }

    /// <summary>Absolute value (<c>torch.abs</c>). Integers wrap at the minimum value, as in PyTorch. The gradient at 0 is 0.</summary>
    public Tensor Abs() => NotBool("abs").Unary(U.Abs, Derivatives.Abs, Save.Input);

    /// <summary>-1, 0 or 1 by sign, keeping the dtype (<c>torch.sign</c>); NaN stays NaN, ±0 stays ±0. Its gradient is zero.</summary>
    public Tensor Sign() => Unary(U.Sign, Derivatives.Sign, Save.None);

    /// <summary><c>max(x, 0)</c> (<c>torch.relu</c>); NaN stays NaN; bool is refused as in PyTorch. The gradient at 0 is 0.</summary>
    public Tensor Relu()
    {
        if (Tracer.IsActive) return Tracer.Record("aten::relu", [this], null, static (x, _) => [x[0]!.Relu()]);
        if (DType == DType.Bool) throw new NotSupportedException("relu: Boolean inputs not supported for relu.");
        return Unary(U.Relu, Derivatives.Relu, Save.Output);
    }

    /// <summary>e^x (<c>torch.exp</c>); integer inputs give the default float.</summary>
    public Tensor Exp() => Unary(U.Exp, Derivatives.Exp, Save.Output);
    /// <summary>2^x (<c>torch.exp2</c>); integer inputs give the default float.</summary>
    public Tensor Exp2() => Unary(U.Exp2, Derivatives.Exp2, Save.Output);
    /// <summary>e^x - 1, accurate near 0 (<c>torch.expm1</c>).</summary>
    public Tensor Expm1() => Unary(U.Expm1, Derivatives.Expm1, Save.Output);
    /// <summary>Natural logarithm (<c>torch.log</c>); log(0) = -inf, negative gives NaN.</summary>
    public Tensor Log() => Unary(U.Log, Derivatives.Log, Save.Input);
    /// <summary>Base-2 logarithm (<c>torch.log2</c>).</summary>
    public Tensor Log2() => Unary(U.Log2, Derivatives.Log2, Save.Input);
    /// <summary>Base-10 logarithm (<c>torch.log10</c>).</summary>
    public Tensor Log10() => Unary(U.Log10, Derivatives.Log10, Save.Input);
    /// <summary>log(1 + x), accurate near 0 (<c>torch.log1p</c>).</summary>
    public Tensor Log1p() => Unary(U.Log1p, Derivatives.Log1p, Save.Input);
    /// <summary>Square root (<c>torch.sqrt</c>); integer inputs give the default float.</summary>
    public Tensor Sqrt() => Unary(U.Sqrt, Derivatives.Sqrt, Save.Output);
    /// <summary>1 / sqrt(x) (<c>torch.rsqrt</c>).</summary>
    public Tensor Rsqrt() => Unary(U.Rsqrt, Derivatives.Rsqrt, Save.Output);
    /// <summary>Sine (<c>torch.sin</c>).</summary>
    public Tensor Sin() => Unary(U.Sin, Derivatives.Sin, Save.Input);
    /// <summary>Cosine (<c>torch.cos</c>).</summary>
    public Tensor Cos() => Unary(U.Cos, Derivatives.Cos, Save.Input);
    /// <summary>Hyperbolic tangent (<c>torch.tanh</c>).</summary>
    public Tensor Tanh() => Tracer.IsActive ? Tracer.Record("aten::tanh", [this], null, static (x, _) => [x[0]!.Tanh()]) : Unary(U.Tanh, Derivatives.Tanh, Save.Output);
    /// <summary>1 / (1 + e^-x) (<c>torch.sigmoid</c>).</summary>
    public Tensor Sigmoid() => Tracer.IsActive ? Tracer.Record("aten::sigmoid", [this], null, static (x, _) => [x[0]!.Sigmoid()]) : Unary(U.Sigmoid, Derivatives.Sigmoid, Save.Output);
    /// <summary>1 / x (<c>torch.reciprocal</c>); integer inputs give the default float.</summary>
    public Tensor Reciprocal() => Unary(U.Reciprocal, Derivatives.Reciprocal, Save.Output);
    /// <summary>Rounds down (<c>torch.floor</c>); integer tensors are returned as a copy. Its gradient is zero.</summary>
    public Tensor Floor() => Unary(U.Floor, Derivatives.Floor, Save.None);
    /// <summary>Rounds up (<c>torch.ceil</c>); integer tensors are returned as a copy. Its gradient is zero.</summary>
    public Tensor Ceil() => Unary(U.Ceil, Derivatives.Ceil, Save.None);
    /// <summary>Rounds toward zero (<c>torch.trunc</c>); integer tensors are returned as a copy. Its gradient is zero.</summary>
    public Tensor Trunc() => Unary(U.Trunc, Derivatives.Trunc, Save.None);

    /// <summary>
    /// Rounds half to even (<c>torch.round</c>). With <paramref name="decimals"/> it rounds to that many
    /// decimal places (negative: to tens, hundreds...) as PyTorch computes it, by scaling with 10^decimals
    /// in the tensor's dtype, so results share its representation error. Integer tensors accept only
    /// decimals 0. Its gradient is zero.
    /// </summary>
    public Tensor Round(int decimals = 0)
    {
        if (decimals == 0) return Unary(U.Round, Derivatives.Round, Save.None);
        if (!DType.IsFloatingPoint())
            throw new NotSupportedException($"round: decimals={decimals} is not implemented for {DType.TorchName()}; only floating-point tensors can be rounded to decimals.");
        double p = Math.Pow(10, Math.Abs(decimals));
        var scale = ScalarTensor(p, DType, Device);
        var r = decimals > 0
            ? BinaryOp(B.Div, BinaryOp(B.Mul, this, scale, DType, "round").UnaryOp(U.Round, DType), scale, DType, "round")
            : BinaryOp(B.Mul, BinaryOp(B.Div, this, scale, DType, "round").UnaryOp(U.Round, DType), scale, DType, "round");
        if (Autograd.Recording(this)) Derivatives.RoundDecimals.Record(r, [this]);
        return r;
    }

    // What a unary op's formula needs: nothing, its input, or its output.
    private enum Save { None, Input, Output }

    // A unary kernel plus its derivative row. Integer inputs never record: they cannot require grad.
    private Tensor Unary(U op, Graph.Rule rule, Save save)
    {
        var r = UnaryOp(op);
        if (Autograd.Recording(this))
            rule.Record(r, [this], saved: save switch { Save.Input => [this], Save.Output => [r], _ => default });
        return r;
    }

    // ---------------------------------------------------------------- comparisons and logic

    /// <summary>Elementwise <c>this == other</c> as a bool tensor (<c>torch.eq</c>). C#'s <c>==</c> on tensors stays reference equality.</summary>
    public Tensor Eq(Tensor other) => Eq(this, other);
    /// <summary>Elementwise <c>a == b</c> as a bool tensor (<c>torch.eq</c>).</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare(B.Eq, a, b, "eq");
    /// <summary>Elementwise <c>this != other</c> as a bool tensor (<c>torch.ne</c>). C#'s <c>!=</c> on tensors stays reference inequality.</summary>
    public Tensor Ne(Tensor other) => Ne(this, other);
    /// <summary>Elementwise <c>a != b</c> as a bool tensor (<c>torch.ne</c>).</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare(B.Ne, a, b, "ne");
    /// <summary>Elementwise <c>this &lt; other</c> as a bool tensor (<c>torch.lt</c>).</summary>
    public Tensor Lt(Tensor other) => Lt(this, other);
    /// <summary>Elementwise <c>a &lt; b</c> as a bool tensor (<c>torch.lt</c>).</summary>
    public static Tensor Lt(Tensor a, Tensor b) => Compare(B.Lt, a, b, "lt");
    /// <summary>Elementwise <c>this &lt;= other</c> as a bool tensor (<c>torch.le</c>).</summary>
    public Tensor Le(Tensor other) => Le(this, other);
    /// <summary>Elementwise <c>a &lt;= b</c> as a bool tensor (<c>torch.le</c>).</summary>
    public static Tensor Le(Tensor a, Tensor b) => Compare(B.Le, a, b, "le");
    /// <summary>Elementwise <c>this &gt; other</c> as a bool tensor (<c>torch.gt</c>).</summary>
    public Tensor Gt(Tensor other) => Gt(this, other);
    /// <summary>Elementwise <c>a &gt; b</c> as a bool tensor (<c>torch.gt</c>).</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare(B.Gt, a, b, "gt");
    /// <summary>Elementwise <c>this &gt;= other</c> as a bool tensor (<c>torch.ge</c>).</summary>
    public Tensor Ge(Tensor other) => Ge(this, other);
    /// <summary>Elementwise <c>a &gt;= b</c> as a bool tensor (<c>torch.ge</c>).</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare(B.Ge, a, b, "ge");

    private static Tensor Compare(B op, Tensor a, Tensor b, string name)
    {
        NotNull(a, b);
        return BinaryOp(op, a, b, name);
    }

    /// <summary>Elementwise logical and of the truth values (non-zero is true) as a bool tensor (<c>torch.logical_and</c>).</summary>
    public Tensor LogicalAnd(Tensor other) => Compare(B.LogicalAnd, this, other, "logical_and");
    /// <summary>Elementwise logical or as a bool tensor (<c>torch.logical_or</c>).</summary>
    public Tensor LogicalOr(Tensor other) => Compare(B.LogicalOr, this, other, "logical_or");
    /// <summary>Elementwise logical exclusive or as a bool tensor (<c>torch.logical_xor</c>).</summary>
    public Tensor LogicalXor(Tensor other) => Compare(B.LogicalXor, this, other, "logical_xor");
    /// <summary>Elementwise logical not (zero becomes true) as a bool tensor (<c>torch.logical_not</c>).</summary>
    public Tensor LogicalNot() => UnaryOp(U.LogicalNot);

    /// <summary>Bitwise and of integer or bool tensors (<c>torch.bitwise_and</c>, Python's <c>&amp;</c>); for bool it is the logical and.</summary>
    public Tensor BitwiseAnd(Tensor other) => Bitwise(B.BitwiseAnd, this, other, "bitwise_and");
    /// <summary>Bitwise or of integer or bool tensors (<c>torch.bitwise_or</c>, <c>|</c>).</summary>
    public Tensor BitwiseOr(Tensor other) => Bitwise(B.BitwiseOr, this, other, "bitwise_or");
    /// <summary>Bitwise exclusive or of integer or bool tensors (<c>torch.bitwise_xor</c>, <c>^</c>).</summary>
    public Tensor BitwiseXor(Tensor other) => Bitwise(B.BitwiseXor, this, other, "bitwise_xor");

    /// <summary>Bitwise not (<c>torch.bitwise_not</c>, Python's <c>~</c>): logical not for bool tensors, ones' complement for integers.</summary>
    public Tensor BitwiseNot()
    {
        if (DType == DType.Bool) return UnaryOp(U.LogicalNot);
        if (DType.IsFloatingPoint()) throw new NotSupportedException($"bitwise_not: not implemented for {DType.TorchName()}; bitwise ops take integer or bool tensors.");
        return UnaryOp(U.BitwiseNot);
    }

    private static Tensor Bitwise(B op, Tensor a, Tensor b, string name)
    {
        NotNull(a, b);
        DType t = TypePromotion.ResultType([a, b]);
        if (t.IsFloatingPoint())
            throw new NotSupportedException($"{name}: not implemented for {t.TorchName()} (operands {a.DType.TorchName()} and {b.DType.TorchName()}); bitwise ops take integer or bool tensors.");
        return BinaryOp(op, a, b, t, name);
    }
}
