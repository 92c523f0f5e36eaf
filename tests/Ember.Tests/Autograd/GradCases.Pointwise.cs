namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    // Makers of leaves in a given shape: the shape is passed so one maker serves the plain,
    // non-contiguous, transposed and 0-d variants.
    private static readonly Func<int[], Tensor> Normal = s => R(s);
    private static Func<int[], Tensor> Uniform(double lo, double hi) => s => U(lo, hi, s);

    private static Tensor NonContig(Func<int[], Tensor> make, params int[] shape) => TestViews.NonContiguous(make(shape).Detach()).RequiresGrad_();

    private static Tensor Transposed(Func<int[], Tensor> make, params int[] shape)
    {
        var s = (int[])shape.Clone();
        (s[^1], s[^2]) = (s[^2], s[^1]);
        return make(s).Detach().Transpose(-1, -2).RequiresGrad_();
    }

    // Second derivatives through broadcasting need the engine's un-broadcasting (a sum) to be
    // differentiable, which it is once the reductions record their rows; until then those cases run
    // gradcheck only.
    private static bool? s_sumRecords;
    private static bool SumRecords => s_sumRecords ??= Tensor.Zeros([2], DType.Float64).RequiresGrad_().Sum().RequiresGrad;

    // Small positive offsets, so adding them keeps inputs inside restricted domains.
    private static Tensor Small(params int[] shape) => U(0, 0.1, shape);

    /// <summary>
    /// y = x[0] * 1, then <paramref name="op"/> in place on the view y[1]. The view is first given a
    /// history by an in-place add of x[1] (a view of a non-leaf only requires grad by itself once view
    /// ops record theirs), so the op under test runs inside a CopySlices node.
    /// </summary>
    private static Tensor OnView(Tensor[] x, Action<Tensor> op)
    {
        var y = x[0] * 1.0;
        var v = y[1];
        v.Add_(x[1]);
        op(v);
        return y;
    }

    /// <summary>
    /// The standard cases of a unary op: plain (with gradgradcheck when asked), non-contiguous,
    /// transposed, 0-d, and, when it has one, its in-place form on a non-leaf and on a view of a non-leaf.
    /// </summary>
    private static IEnumerable<GradCase> UnaryCases(string rule, Func<Tensor, Tensor> f, Action<Tensor>? inPlace, Func<int[], Tensor> make,
        bool gradGrad, bool inPlaceGradGrad = false)
    {
        yield return Case(rule, "2x3", x => f(x[0]), () => [make([2, 3])], gradGrad);
        yield return Case(rule, "non-contiguous", x => f(x[0]), () => [NonContig(make, 3, 2)], gradGrad);
        yield return Case(rule, "transposed", x => f(x[0]), () => [Transposed(make, 2, 3)], gradGrad);
        yield return Case(rule, "0-d", x => f(x[0]), () => [make([])], gradGrad);
        if (inPlace is null) yield break;
        yield return Case(rule, "in place on a non-leaf", x => { var y = x[0] * 1.0; inPlace(y); return y; }, () => [make([2, 3])], inPlaceGradGrad);
        yield return Case(rule, "in place on a view of a non-leaf", x => OnView(x, inPlace), () => [make([2, 3]), Small(3)]);
    }

    private static IEnumerable<GradCase> PointwiseCases()
    {
        // ---- mul
        yield return Case("Mul", "same shape", x => x[0] * x[1], () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Mul", "broadcast [3,1]*[1,4]", x => x[0] * x[1], () => [R(3, 1), R(1, 4)], gradGrad: SumRecords);
        yield return Case("Mul", "non-contiguous and transposed", x => x[0] * x[1], () => [NC(3, 4), T(3, 4)], gradGrad: true);
        yield return Case("Mul", "by a constant", x => x[0] * x[1], () => [R(2, 2), C(2, 2)], gradGrad: true);
        yield return Case("Mul", "by a number", x => x[0] * 2.5, () => [R(2, 2)], gradGrad: true);
        yield return Case("Mul", "0-d by a vector", x => x[0] * x[1], () => [R(), R(3)]);
        yield return Case("Mul", "empty", x => x[0] * x[1], () => [R(0, 3), R(3)]);
        yield return Case("Mul", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Mul_(x[1]); return y; }, () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Mul", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Mul_(x[1]); return y; }, () => [R(2, 3), R(3)], gradGrad: SumRecords);
        yield return Case("Mul", "in place by itself", x => { var y = x[0] * 1.0; y.Mul_(y); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Mul", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Mul_(x[1]); return y; }, () => [R(2, 3), R(3)]);

        // ---- add, sub, rsub (alpha)
        yield return Case("Add", "same shape", x => x[0] + x[1], () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Add", "alpha, broadcast", x => x[0].Add(x[1], alpha: 2.5), () => [R(3, 1), R(1, 4)], gradGrad: SumRecords);
        yield return Case("Add", "non-contiguous + transposed", x => x[0] + x[1], () => [NC(3, 4), T(3, 4)], gradGrad: true);
        yield return Case("Add", "a number", x => x[0] + 3, () => [R(2, 2)], gradGrad: true);
        yield return Case("Add", "empty", x => x[0] + x[1], () => [R(0, 3), R(1, 3)]);
        yield return Case("Add", "in place on a non-leaf, alpha", x => { var y = x[0] * 1.0; y.Add_(x[1], alpha: -2); return y; }, () => [R(2, 3), R(3)], gradGrad: SumRecords);
        yield return Case("Add", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].Add_(x[1]); return y; }, () => [R(2, 3), R(3)]);
        yield return Case("Sub", "same shape", x => x[0] - x[1], () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Sub", "alpha, broadcast", x => x[0].Sub(x[1], alpha: 0.5), () => [R(3, 1), R(4)], gradGrad: SumRecords);
        yield return Case("Sub", "non-contiguous - transposed", x => x[0] - x[1], () => [NC(3, 4), T(3, 4)], gradGrad: true);
        yield return Case("Sub", "in place on a non-leaf, alpha", x => { var y = x[0] * 1.0; y.Sub_(x[1], alpha: 3); return y; }, () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Sub", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Sub_(x[1]); return y; }, () => [R(2, 3), R(1)]);
        yield return Case("Rsub", "number - tensor", x => 2.0 - x[0], () => [R(2, 3)], gradGrad: true);
        yield return Case("Rsub", "number - alpha * tensor", x => Tensor.Sub(1, x[0], alpha: 3), () => [NC(2, 3)], gradGrad: true);

        // ---- div
        yield return Case("Div", "same shape", x => x[0] / x[1], () => [R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Div", "broadcast", x => x[0] / x[1], () => [R(3, 1), U(-2, -0.5, 1, 4)], gradGrad: SumRecords);
        yield return Case("Div", "non-contiguous / transposed", x => x[0] / x[1], () => [NC(3, 4), Transposed(Uniform(0.5, 2), 3, 4)], gradGrad: true);
        yield return Case("Div", "number / tensor", x => 3.0 / x[0], () => [U(0.5, 2, 2, 2)], gradGrad: true);
        yield return Case("Div", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Div_(x[1]); return y; }, () => [R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Div", "in place by itself", x => { var y = x[0] * 1.0; y.Div_(y); return y * x[0]; }, () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Div", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Div_(x[1]); return y; }, () => [R(2, 3), U(0.5, 2, 3)]);
        yield return Case("DivRounding", "floor", x => x[0].Div(x[1], "floor") * x[0], () => [R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("DivRounding", "trunc, broadcast", x => x[0].Div(x[1], "trunc"), () => [R(2, 3), U(0.5, 2, 3)], gradGrad: SumRecords);
        yield return Case("DivRounding", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Div_(x[1], "floor"); return y; }, () => [R(2, 3), U(0.5, 2, 3)], gradGrad: true);

        // ---- pow: number exponent (PowBackward0), two tensors (PowBackward1), number base (PowBackward2)
        yield return Case("Pow", "x ** 3", x => x[0].Pow(3), () => [R(2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** 2.5", x => x[0].Pow(2.5), () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** -1.5, non-contiguous", x => x[0].Pow(-1.5), () => [NonContig(Uniform(0.5, 2), 3, 2)], gradGrad: true);
        yield return Case("Pow", "x ** 0.5, transposed", x => x[0].Pow(0.5), () => [Transposed(Uniform(0.5, 2), 2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** -1", x => x[0].Pow(-1), () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** -2", x => x[0].Pow(-2), () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** -0.5", x => x[0].Pow(-0.5), () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** 1", x => x[0].Pow(1), () => [R(2, 3)], gradGrad: true);
        yield return Case("Pow", "x ** 0", x => x[0].Pow(0) * x[0], () => [R(2, 3)], gradGrad: true);
        yield return Case("Pow", "square", x => x[0].Square(), () => [R(2, 3)], gradGrad: true);
        yield return Case("Pow", "0-d", x => x[0].Pow(3), () => [R()], gradGrad: true);
        yield return Case("Pow", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Pow_(3); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Pow", "in place on a view of a non-leaf", x => OnView(x, v => v.Pow_(2)), () => [R(2, 3), Small(3)]);
        yield return Case("PowTensor", "same shape", x => x[0].Pow(x[1]), () => [U(0.5, 2, 2, 3), R(2, 3)], gradGrad: true);
        yield return Case("PowTensor", "broadcast", x => x[0].Pow(x[1]), () => [U(0.5, 2, 3, 1), R(1, 4)], gradGrad: SumRecords);
        yield return Case("PowTensor", "non-contiguous ** transposed", x => x[0].Pow(x[1]), () => [NonContig(Uniform(0.5, 2), 3, 4), T(3, 4)], gradGrad: true);
        yield return Case("PowTensor", "constant exponent", x => x[0].Pow(x[1]), () => [U(0.5, 2, 2, 3), C(2, 3)], gradGrad: true);
        yield return Case("PowTensor", "constant base", x => x[0].Pow(x[1]), () => [U(0.5, 2, 2, 3).Detach(), R(2, 3)], gradGrad: true);
        yield return Case("PowTensor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Pow_(x[1]); return y; }, () => [U(0.5, 2, 2, 3), R(2, 3)], gradGrad: true);
        yield return Case("PowTensor", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Pow_(x[1]); return y; }, () => [U(0.5, 2, 2, 3), R(3)], gradGrad: SumRecords);
        yield return Case("PowTensor", "in place, itself as the exponent", x => { var y = x[0] * 1.0; y.Pow_(y); return y; }, () => [U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("PowTensor", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Pow_(x[1]); return y; }, () => [U(0.5, 2, 2, 3), R(3)]);
        yield return Case("PowScalarBase", "2 ** x", x => Tensor.Pow(2.0, x[0]), () => [R(2, 3)], gradGrad: true);
        yield return Case("PowScalarBase", "0.5 ** x, non-contiguous", x => Tensor.Pow(0.5, x[0]), () => [NC(3, 2)], gradGrad: true);
        // No gradgradcheck at base 0: as in PyTorch, differentiating where(e >= 0, 0, z * log 0) again gives 0 * -inf = NaN.
        yield return Case("PowScalarBase", "0 ** x, x > 0", x => Tensor.Pow(0.0, x[0]) + x[0], () => [U(0.5, 2, 2, 3)]);
        yield return Case("PowScalarBase", "1 ** x", x => Tensor.Pow(1.0, x[0]) * x[0], () => [R(2, 3)], gradGrad: true);

        // ---- unary
        foreach (var c in UnaryCases("Neg", x => x.Neg(), y => y.Neg_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        yield return Case("Neg", "operator", x => -x[0], () => [R(3)], gradGrad: true);
        foreach (var c in UnaryCases("Exp", x => x.Exp(), y => y.Exp_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Exp2", x => x.Exp2(), null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Expm1", x => x.Expm1(), null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Log", x => x.Log(), y => y.Log_(), Uniform(0.5, 2), gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Log2", x => x.Log2(), null, Uniform(0.5, 2), gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Log10", x => x.Log10(), null, Uniform(0.5, 2), gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Log1p", x => x.Log1p(), null, Uniform(-0.5, 2), gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Sqrt", x => x.Sqrt(), y => y.Sqrt_(), Uniform(0.5, 2), gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Rsqrt", x => x.Rsqrt(), null, Uniform(0.5, 2), gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Abs", x => x.Abs(), y => y.Abs_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Sign", x => x.Sign() * x, null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Sin", x => x.Sin(), null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Cos", x => x.Cos(), null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Atan", x => x.Atan(), null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Tan", x => x.Tan(), null, Uniform(-1, 1), gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Tanh", x => x.Tanh(), y => y.Tanh_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Sigmoid", x => x.Sigmoid(), y => y.Sigmoid_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Relu", x => x.Relu(), y => y.Relu_(), Normal, gradGrad: true, inPlaceGradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Reciprocal", x => x.Reciprocal(), y => y.Reciprocal_(), Uniform(0.5, 2), gradGrad: true, inPlaceGradGrad: true)) yield return c;
        // Rounding ops are piecewise constant; multiplying by x keeps the checked function non-trivial.
        foreach (var c in UnaryCases("Floor", x => x.Floor() * x, null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Ceil", x => x.Ceil() * x, null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Round", x => x.Round() * x, null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("RoundDecimals", x => x.Round(2) * x, null, Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Trunc", x => x.Trunc() * x, null, Normal, gradGrad: true)) yield return c;
        yield return Case("Floor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Floor_(); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Floor", "in place on a view of a non-leaf", x => OnView(x, v => v.Floor_()), () => [R(2, 3), Small(3)]);
        yield return Case("Ceil", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Ceil_(); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Ceil", "in place on a view of a non-leaf", x => OnView(x, v => v.Ceil_()), () => [R(2, 3), Small(3)]);
        yield return Case("Round", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Round_(); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Round", "in place on a view of a non-leaf", x => OnView(x, v => v.Round_()), () => [R(2, 3), Small(3)]);
        yield return Case("RoundDecimals", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Round_(1); return y; }, () => [R(2, 3)], gradGrad: true);

        // ---- clamp: number bounds (ClampBackward1), tensor bounds (ClampBackward0), clamp_min, clamp_max
        yield return Case("Clamp", "both number bounds", x => x[0].Clamp(-0.5, 0.5), () => [R(3, 4)], gradGrad: true);
        yield return Case("Clamp", "min only, non-contiguous", x => x[0].Clamp(min: 0.2), () => [NC(3, 4)], gradGrad: true);
        yield return Case("Clamp", "max only, transposed", x => x[0].Clamp(max: 0.2), () => [T(3, 4)], gradGrad: true);
        yield return Case("Clamp", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Clamp_(-0.5, 0.5); return y; }, () => [R(3, 4)], gradGrad: true);
        yield return Case("Clamp", "in place on a view of a non-leaf", x => OnView(x, v => v.Clamp_(max: 0)), () => [R(3, 4), Small(4)]);
        yield return Case("ClampTensor", "tensor bounds", x => x[0].Clamp(x[1], x[2]), () => [R(3, 4), U(-1, -0.2, 3, 4), U(0.2, 1, 3, 4)], gradGrad: true);
        yield return Case("ClampTensor", "broadcast bounds", x => x[0].Clamp(x[1], x[2]), () => [R(3, 4), U(-1, -0.2, 4), U(0.2, 1, 3, 1)], gradGrad: SumRecords);
        yield return Case("ClampTensor", "min > max", x => x[0].Clamp(x[1], x[2]), () => [R(3, 4), U(0.5, 1, 3, 4), U(-1, -0.5, 3, 4)], gradGrad: true);
        yield return Case("ClampTensor", "number min, tensor max", x => x[0].Clamp(-0.3, x[1]), () => [R(3, 4), U(0, 1, 4)], gradGrad: SumRecords);
        yield return Case("ClampTensor", "tensor min only, non-contiguous", x => x[0].Clamp(min: x[1]), () => [NC(3, 4), T(3, 4)], gradGrad: true);
        yield return Case("ClampTensor", "tensor max only", x => x[0].Clamp(max: x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("ClampTensor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Clamp_(x[1], x[2]); return y; }, () => [R(3, 4), U(-1, -0.2, 3, 4), U(0.2, 1, 3, 4)], gradGrad: true);
        yield return Case("ClampTensor", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Clamp_(x[1], x[2]); return y; }, () => [R(3, 4), U(-1, -0.2, 4), U(0.2, 1, 3, 1)], gradGrad: SumRecords);
        yield return Case("ClampTensor", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Clamp_(x[1], x[2]); return y; }, () => [R(3, 4), U(-1, -0.2, 4), U(0.2, 1, 4)]);
        yield return Case("ClampMin", "number", x => x[0].ClampMin(0.1), () => [R(3, 4)], gradGrad: true);
        yield return Case("ClampMin", "number, non-contiguous", x => x[0].ClampMin(-0.1), () => [NC(3, 4)], gradGrad: true);
        yield return Case("ClampMinTensor", "tensor", x => x[0].ClampMin(x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("ClampMinTensor", "broadcast, transposed", x => x[0].ClampMin(x[1]), () => [T(3, 4), R(4)], gradGrad: SumRecords);
        yield return Case("ClampMax", "number", x => x[0].ClampMax(0.1), () => [R(3, 4)], gradGrad: true);
        yield return Case("ClampMax", "number, transposed", x => x[0].ClampMax(-0.1), () => [T(3, 4)], gradGrad: true);
        yield return Case("ClampMaxTensor", "tensor", x => x[0].ClampMax(x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("ClampMaxTensor", "broadcast, non-contiguous", x => x[0].ClampMax(x[1]), () => [NC(3, 4), R(3, 1)], gradGrad: SumRecords);

        // ---- maximum, minimum
        yield return Case("Maximum", "same shape", x => Tensor.Maximum(x[0], x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("Maximum", "broadcast, non-contiguous", x => Tensor.Maximum(x[0], x[1]), () => [NC(3, 4), R(4)], gradGrad: SumRecords);
        yield return Case("Maximum", "with a number", x => Tensor.Maximum(x[0], 0.1), () => [T(3, 4)], gradGrad: true);
        yield return Case("Minimum", "same shape", x => Tensor.Minimum(x[0], x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("Minimum", "broadcast, transposed", x => Tensor.Minimum(x[0], x[1]), () => [T(3, 4), R(3, 1)], gradGrad: SumRecords);

        // ---- where, lerp, addcmul, addcdiv
        yield return Case("Where", "same shape", x => Tensor.Where(x[0].Gt(x[1]), x[0], x[1]), () => [R(3, 4), R(3, 4)], gradGrad: true);
        yield return Case("Where", "broadcast, number other", x => Tensor.Where(x[1].Detach().Gt(0), x[0], 0.5), () => [R(4), R(3, 1)], gradGrad: SumRecords);
        yield return Case("Where", "non-contiguous, transposed", x => Tensor.Where(x[0].Detach().Lt(0), x[0], x[1]), () => [NC(3, 4), T(3, 4)], gradGrad: true);
        yield return Case("Lerp", "number weight", x => x[0].Lerp(x[1], 0.3), () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Lerp", "number weight, broadcast, non-contiguous", x => x[0].Lerp(x[1], 0.7), () => [NC(3, 4), R(4)], gradGrad: SumRecords);
        yield return Case("Lerp", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Lerp_(x[1], 0.25); return y; }, () => [R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Lerp", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Lerp_(x[1], 0.25); return y; }, () => [R(2, 3), R(3)]);
        yield return Case("LerpTensor", "tensor weight", x => x[0].Lerp(x[1], x[2]), () => [R(2, 3), R(2, 3), U(0, 1, 2, 3)], gradGrad: true);
        yield return Case("LerpTensor", "broadcast, transposed", x => x[0].Lerp(x[1], x[2]), () => [T(3, 4), R(4), U(0, 1, 3, 1)], gradGrad: SumRecords);
        yield return Case("LerpTensor", "weight outside [0, 1]", x => x[0].Lerp(x[1], x[2]), () => [R(2, 3), R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("LerpTensor", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Lerp_(x[1], x[2]); return y; }, () => [R(2, 3), R(2, 3), U(0, 1, 2, 3)], gradGrad: true);
        yield return Case("LerpTensor", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Lerp_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), U(0, 1, 2, 1)], gradGrad: SumRecords);
        yield return Case("LerpTensor", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].Lerp_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), U(0, 1, 3)]);
        yield return Case("Addcmul", "value 0.5", x => x[0].Addcmul(x[1], x[2], 0.5), () => [R(2, 3), R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Addcmul", "broadcast, non-contiguous", x => x[0].Addcmul(x[1], x[2]), () => [R(4), NC(3, 4), T(3, 4)], gradGrad: SumRecords);
        yield return Case("Addcmul", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Addcmul_(x[1], x[2], -2); return y; }, () => [R(2, 3), R(2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Addcmul", "in place with itself as both factors", x => { var y = x[0] * 1.0; y.Addcmul_(y, y, 0.5); return y; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Addcmul", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Addcmul_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), R(2, 1)], gradGrad: SumRecords);
        yield return Case("Addcmul", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[0].Addcmul_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), R(1)]);
        yield return Case("Addcdiv", "value 0.5", x => x[0].Addcdiv(x[1], x[2], 0.5), () => [R(2, 3), R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Addcdiv", "broadcast, non-contiguous", x => x[0].Addcdiv(x[1], x[2]), () => [R(4), NC(3, 4), U(-2, -0.5, 3, 1)], gradGrad: SumRecords);
        yield return Case("Addcdiv", "in place on a non-leaf", x => { var y = x[0] * 1.0; y.Addcdiv_(x[1], x[2], 3); return y; }, () => [R(2, 3), R(2, 3), U(0.5, 2, 2, 3)], gradGrad: true);
        yield return Case("Addcdiv", "in place with itself as the divisor", x => { var y = x[0] * 1.0; y.Addcdiv_(x[1], y); return y; }, () => [U(0.5, 2, 2, 3), R(2, 3)], gradGrad: true);
        yield return Case("Addcdiv", "in place on a non-leaf, broadcast", x => { var y = x[0] * 1.0; y.Addcdiv_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), U(0.5, 2, 2, 1)], gradGrad: SumRecords);
        yield return Case("Addcdiv", "in place on a view of a non-leaf", x => { var y = x[0] * 1.0; y[1].Addcdiv_(x[1], x[2]); return y; }, () => [R(2, 3), R(3), U(0.5, 2, 3)]);

        // ---- fill_, zero_: the overwritten values get a zero gradient; the rest of the tensor keeps its own
        yield return Case("Fill", "in place on a non-leaf", x => { var y = x[0] * 2.0; y.Fill_(1.5); return y * x[0]; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Fill", "in place on a view of a non-leaf", x => OnView(x, v => v.Fill_(1.5)), () => [R(2, 3), Small(3)]);
        yield return Case("Zero", "in place on a non-leaf", x => { var y = x[0] * 2.0; y.Zero_(); return y + x[0]; }, () => [R(2, 3)], gradGrad: true);
        yield return Case("Zero", "in place on a view of a non-leaf", x => OnView(x, v => v.Zero_()), () => [R(2, 3), Small(3)]);
    }
}
