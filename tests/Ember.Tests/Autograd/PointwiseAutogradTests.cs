using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>How pointwise ops take part in autograd beyond their formulas: node names, dtypes, in-place rules and misuse.</summary>
public class PointwiseAutogradTests
{
    private static Tensor X() => Tensor.From<float>([0.5f, -1.5f, 2f], [3]).RequiresGrad_();
    private static Tensor Y() => Tensor.From<float>([1.5f, 0.25f, -2f], [3]).RequiresGrad_();
    private static Tensor P() => Tensor.From<float>([0.5f, 1.5f, 2f], [3]).RequiresGrad_();
    private static Tensor K() => Tensor.From<float>([0.1f, 0.9f, 0.4f], [3]);

    private static Func<Tensor> InPlace(Action<Tensor> op) => () =>
    {
        var z = X() * 1;
        op(z);
        return z;
    };

    // grad_fn names PyTorch 1.13 gives the same calls (printed by it: x.grad_fn.name()).
    private static readonly (string Call, Func<Tensor> Fn, string Node)[] Names =
    [
        ("x + y", () => X() + Y(), "AddBackward0"),
        ("x + 2", () => X() + 2, "AddBackward0"),
        ("2 + x", () => 2 + X(), "AddBackward0"),
        ("add(x, y, alpha=2)", () => X().Add(Y(), 2), "AddBackward0"),
        ("x - y", () => X() - Y(), "SubBackward0"),
        ("x - 2", () => X() - 2, "SubBackward0"),
        ("2 - x", () => 2 - X(), "RsubBackward1"),
        ("x * y", () => X() * Y(), "MulBackward0"),
        ("x / y", () => X() / Y(), "DivBackward0"),
        ("x / 2", () => X() / 2, "DivBackward0"),
        ("div(x, y, rounding_mode='trunc')", () => X().Div(Y(), "trunc"), "DivBackward2"),
        ("div(x, 2, rounding_mode='floor')", () => X().Div(2, "floor"), "DivBackward2"),
        ("x ** 2", () => X().Pow(2), "PowBackward0"),
        ("x ** 0", () => X().Pow(0), "PowBackward0"),
        ("square(x)", () => X().Square(), "PowBackward0"),
        ("x ** y", () => P().Pow(Y()), "PowBackward1"),
        ("pow(x, tensor(2.))", () => X().Pow(Tensor.From<float>([2f], [])), "PowBackward1"),
        ("pow(2, x)", () => Tensor.Pow(2, X()), "PowBackward2"),
        ("-x", () => -X(), "NegBackward0"),
        ("exp", () => X().Exp(), "ExpBackward0"),
        ("exp2", () => X().Exp2(), "Exp2Backward0"),
        ("expm1", () => X().Expm1(), "Expm1Backward0"),
        ("log", () => P().Log(), "LogBackward0"),
        ("log2", () => P().Log2(), "Log2Backward0"),
        ("log10", () => P().Log10(), "Log10Backward0"),
        ("log1p", () => P().Log1p(), "Log1PBackward0"),
        ("sqrt", () => P().Sqrt(), "SqrtBackward0"),
        ("rsqrt", () => P().Rsqrt(), "RsqrtBackward0"),
        ("abs", () => X().Abs(), "AbsBackward0"),
        ("sign", () => X().Sign(), "SignBackward0"),
        ("sin", () => X().Sin(), "SinBackward0"),
        ("cos", () => X().Cos(), "CosBackward0"),
        ("tanh", () => X().Tanh(), "TanhBackward0"),
        ("sigmoid", () => X().Sigmoid(), "SigmoidBackward0"),
        ("relu", () => X().Relu(), "ReluBackward0"),
        ("reciprocal", () => P().Reciprocal(), "ReciprocalBackward0"),
        ("floor", () => X().Floor(), "FloorBackward0"),
        ("ceil", () => X().Ceil(), "CeilBackward0"),
        ("round", () => X().Round(), "RoundBackward0"),
        ("round(decimals=2)", () => X().Round(2), "RoundBackward1"),
        ("trunc", () => X().Trunc(), "TruncBackward0"),
        ("clamp(x, -1, 1)", () => X().Clamp(-1, 1), "ClampBackward1"),
        ("clamp(x, min=0)", () => X().Clamp(min: 0), "ClampBackward1"),
        ("clamp(x, y, p)", () => X().Clamp(Y(), P()), "ClampBackward0"),
        ("clamp(x, min=y)", () => X().Clamp(min: Y()), "ClampBackward0"),
        ("clamp_min(x, 0)", () => X().ClampMin(0), "ClampMinBackward0"),
        ("clamp_min(x, y)", () => X().ClampMin(Y()), "ClampMinBackward1"),
        ("clamp_max(x, 0)", () => X().ClampMax(0), "ClampMaxBackward0"),
        ("clamp_max(x, y)", () => X().ClampMax(Y()), "ClampMaxBackward1"),
        ("maximum", () => Tensor.Maximum(X(), Y()), "MaximumBackward0"),
        ("minimum", () => Tensor.Minimum(X(), Y()), "MinimumBackward0"),
        ("where", () => Tensor.Where(K().Gt(0.5), X(), 0.0), "WhereBackward0"),
        ("lerp(x, y, 0.3)", () => X().Lerp(Y(), 0.3), "LerpBackward0"),
        ("lerp(x, y, t)", () => X().Lerp(Y(), K()), "LerpBackward1"),
        ("addcmul", () => X().Addcmul(Y(), K()), "AddcmulBackward0"),
        ("addcdiv", () => X().Addcdiv(Y(), P()), "AddcdivBackward0"),
        ("add_", InPlace(z => z.Add_(Y())), "AddBackward0"),
        ("sub_", InPlace(z => z.Sub_(Y())), "SubBackward0"),
        ("mul_", InPlace(z => z.Mul_(Y())), "MulBackward0"),
        ("div_", InPlace(z => z.Div_(Y())), "DivBackward0"),
        ("div_(rounding_mode='floor')", InPlace(z => z.Div_(Y(), "floor")), "DivBackward2"),
        ("pow_(2)", InPlace(z => z.Pow_(2)), "PowBackward0"),
        ("pow_(y)", InPlace(z => z.Pow_(Y())), "PowBackward1"),
        ("clamp_(0, 1)", InPlace(z => z.Clamp_(0, 1)), "ClampBackward1"),
        ("clamp_(min=y)", InPlace(z => z.Clamp_(min: Y())), "ClampBackward0"),
        ("neg_", InPlace(z => z.Neg_()), "NegBackward0"),
        ("abs_", InPlace(z => z.Abs_()), "AbsBackward0"),
        ("exp_", InPlace(z => z.Exp_()), "ExpBackward0"),
        ("log_", InPlace(z => z.Log_()), "LogBackward0"),
        ("sqrt_", InPlace(z => z.Sqrt_()), "SqrtBackward0"),
        ("relu_", InPlace(z => z.Relu_()), "ReluBackward0"),
        ("sigmoid_", InPlace(z => z.Sigmoid_()), "SigmoidBackward0"),
        ("tanh_", InPlace(z => z.Tanh_()), "TanhBackward0"),
        ("reciprocal_", InPlace(z => z.Reciprocal_()), "ReciprocalBackward0"),
        ("floor_", InPlace(z => z.Floor_()), "FloorBackward0"),
        ("ceil_", InPlace(z => z.Ceil_()), "CeilBackward0"),
        ("round_", InPlace(z => z.Round_()), "RoundBackward0"),
        ("round_(decimals=1)", InPlace(z => z.Round_(1)), "RoundBackward1"),
        ("lerp_(y, 0.5)", InPlace(z => z.Lerp_(Y(), 0.5)), "LerpBackward0"),
        ("lerp_(y, t)", InPlace(z => z.Lerp_(Y(), K())), "LerpBackward1"),
        ("addcmul_", InPlace(z => z.Addcmul_(Y(), K())), "AddcmulBackward0"),
        ("addcdiv_", InPlace(z => z.Addcdiv_(Y(), P())), "AddcdivBackward0"),
        ("fill_", InPlace(z => z.Fill_(1)), "FillBackward2"),
        ("zero_", InPlace(z => z.Zero_()), "ZeroBackward0"),
    ];

    public static IEnumerable<object[]> NameCases => Names.Select(n => new object[] { n.Call });

    [Theory]
    [MemberData(nameof(NameCases))]
    public void GradFnHasPyTorchsName(string call)
    {
        var (_, fn, node) = Names.Single(n => n.Call == call);
        var r = fn();
        Assert.Equal(node, r.GradFn?.Name);
    }

    [Fact]
    public void GradientsComeBackInEachInputsDType()
    {
        var a = Tensor.From<float>([1f, 2f], [2]).RequiresGrad_();
        var b = Tensor.From<double>([3.0, 4.0], [2]).RequiresGrad_();
        var z = a * b;
        Assert.Equal(DType.Float64, z.DType);
        z.Backward(Tensor.OnesLike(z));
        TensorAssert.Equal(Tensor.From<float>([3f, 4f], [2]), a.Grad!);
        TensorAssert.Equal(Tensor.From<double>([1.0, 2.0], [2]), b.Grad!);
    }

    [Fact]
    public void IntegerOperandsGetNoGradient()
    {
        var x = Tensor.From<double>([1.0, -2.0, 3.0], [3]).RequiresGrad_();
        var k = Tensor.From<long>([2, 3, 4], [3]);
        var z = (x * k + k).Pow(k);   // (x*k + k) ** k
        Assert.True(z.RequiresGrad);
        z.Backward(Tensor.OnesLike(z));
        // d/dx (x k + k)^k = k^2 (x k + k)^(k - 1)
        TensorAssert.Close(Tensor.From<double>([4 * 4.0, 9 * 9.0, 16 * Math.Pow(16, 3)], [3]), x.Grad!);
    }

    [Fact]
    public void NothingIsRecordedUnderNoGrad()
    {
        var x = X();
        using (Ember.Autograd.NoGrad())
        {
            Assert.Null((x.Exp() + x).GradFn);
            x.Mul_(2).Clamp_(0, 1).Fill_(3);   // in place on a leaf that requires grad is allowed here
        }
        Assert.True(x.IsLeaf);
        TensorAssert.Equal(Tensor.Full([3], 3f), x.Detach());
    }

    [Fact]
    public void InPlaceOnALeafThatRequiresGradIsRefused()
    {
        TensorAssert.Throws<InvalidOperationException>(() => X().Exp_(), "exp_", "a leaf Variable that requires grad is being used in an in-place operation");
        TensorAssert.Throws<InvalidOperationException>(() => X().Add_(1), "add_", "leaf Variable");
        TensorAssert.Throws<InvalidOperationException>(() => X().Clamp_(0, 1), "clamp_", "leaf Variable");
        TensorAssert.Throws<InvalidOperationException>(() => X().Fill_(0), "fill_", "leaf Variable");
        TensorAssert.Throws<InvalidOperationException>(() => X().Zero_(), "zero_", "leaf Variable");
        // a constant tensor may be updated in place with a tensor that requires grad: it then joins the graph
        var c = K();
        c.Mul_(X());
        Assert.Equal("MulBackward0", c.GradFn?.Name);
    }

    [Fact]
    public void ModifyingASavedOutputInPlaceMakesBackwardFail()
    {
        var x = X();
        var y = x.Exp();
        y.Add_(1);   // ExpBackward0 saved y itself
        TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.OnesLike(y)),
            "modified by an inplace operation", "output 0 of ExpBackward0", "is at version 1; expected version 0");
    }

    [Fact]
    public void ModifyingASavedInputInPlaceMakesBackwardFail()
    {
        var x = P();
        var y = x.Log();
        using (Ember.Autograd.NoGrad()) x.Mul_(2);
        TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.OnesLike(y)), "modified by an inplace operation", "a leaf tensor");
    }

    [Fact]
    public void InPlaceOpsThatNeedNothingSavedLeaveOtherOperandsFree()
    {
        // add_ saves nothing, so changing its operand afterwards is fine (as in PyTorch)
        var x = X();
        var w = Y() * 1;
        var z = x * 1;
        z.Add_(w, alpha: 3);
        using (Ember.Autograd.NoGrad()) w.Fill_(0);
        z.Backward(Tensor.OnesLike(z));
        TensorAssert.Equal(Tensor.Ones(3), x.Grad!);
    }

    [Fact]
    public void InPlaceOnANonLeafChainsWithItsHistory()
    {
        var x = X();
        var z = x * 2;
        z.Add_(1).Mul_(3).Tanh_();
        z.Backward(Tensor.OnesLike(z));
        using var _ = Ember.Autograd.NoGrad();
        var t = ((x * 2 + 1) * 3).Tanh();
        TensorAssert.Close(6 * (1 - t * t), x.Grad!);
    }

    [Fact]
    public void WritingOverTheSavedOutputOfAnInPlaceOpMakesBackwardFail()
    {
        // tanh_ saves its result; mul_ then overwrites it (PyTorch fails the same way)
        var z = X() * 2;
        z.Tanh_().Mul_(3);
        TensorAssert.Throws<InvalidOperationException>(() => z.Backward(Tensor.OnesLike(z)), "output 0 of TanhBackward0", "is at version 2; expected version 1");
    }
}
