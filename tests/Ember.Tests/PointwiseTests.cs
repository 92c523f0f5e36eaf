using Xunit;

namespace Ember.Tests;

/// <summary>Shared inputs and helpers for the pointwise tests (golden file tests/golden/pointwise.py).</summary>
internal static class PW
{
    public static Golden G => Golden.Load("pointwise");

    public static readonly string[] Floats = ["f32", "f64"];

    /// <summary>The same values as contiguous, strided (step 2) and, for 2-D, transposed-storage views.</summary>
    public static IEnumerable<Tensor> Variants(Tensor x)
    {
        yield return x;
        if (x.NDim == 0) yield break;
        yield return TestViews.NonContiguous(x);
        if (x.NDim == 2)
        {
            var t = TestViews.Permuted(x, 1, 0).Clone();     // storage holds x^T
            var v = TestViews.Permuted(t, 1, 0);             // a non-contiguous view equal to x
            Assert.False(v.IsContiguous());
            yield return v;
        }
    }
}

public class PointwiseUnaryTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["neg"] = x => x.Neg(), ["abs"] = x => x.Abs(), ["sign"] = x => x.Sign(), ["relu"] = x => x.Relu(),
        ["exp"] = x => x.Exp(), ["exp2"] = x => x.Exp2(), ["expm1"] = x => x.Expm1(), ["log"] = x => x.Log(),
        ["log2"] = x => x.Log2(), ["log10"] = x => x.Log10(), ["log1p"] = x => x.Log1p(), ["sqrt"] = x => x.Sqrt(),
        ["rsqrt"] = x => x.Rsqrt(), ["tanh"] = x => x.Tanh(), ["sigmoid"] = x => x.Sigmoid(),
        ["reciprocal"] = x => x.Reciprocal(), ["floor"] = x => x.Floor(), ["ceil"] = x => x.Ceil(),
        ["trunc"] = x => x.Trunc(), ["round"] = x => x.Round(), ["square"] = x => x.Square(),
        ["sin"] = x => x.Sin(), ["cos"] = x => x.Cos(),
    };

    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var op in Ops.Keys) foreach (var dt in PW.Floats) d.Add(op, dt);
        return d;
    }

    [Theory, MemberData(nameof(Cases))]
    public void MatchesTorchOnViewsAndEdgeValues(string op, string dt)
    {
        var g = PW.G;
        foreach (var a in PW.Variants(g[$"a_{dt}"]))
            TensorAssert.Close(g[$"{op}_a_{dt}"], Ops[op](a));
        var edge = op is "sin" or "cos" ? g[$"small_{dt}"] : g[$"edge_{dt}"];
        foreach (var e in PW.Variants(edge))
            TensorAssert.Close(g[$"{op}_edge_{dt}"], Ops[op](e));
    }

    [Theory, InlineData("f32"), InlineData("f64")]
    public void RoundToDecimals(string dt)
    {
        var a = PW.G[$"a_{dt}"];
        TensorAssert.Close(PW.G[$"round2_{dt}"], (a * 10).Round(2));
        TensorAssert.Close(PW.G[$"roundm1_{dt}"], (a * 100).Round(-1));
    }

    [Fact]
    public void IntegerInputsToFloatOpsGiveDefaultFloat()
    {
        var ai = PW.G["ai"];
        foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("sqrt", x => x.Sqrt()), ("exp", x => x.Exp()), ("sigmoid", x => x.Sigmoid()), ("reciprocal", x => x.Reciprocal()) })
            TensorAssert.Close(PW.G[$"{name}_i64u"], f(ai));
        foreach (var (name, f) in new (string, Func<Tensor, Tensor>)[] { ("neg", x => x.Neg()), ("abs", x => x.Abs()), ("sign", x => x.Sign()), ("square", x => x.Square()), ("floor", x => x.Floor()), ("bitnot", x => ~x), ("relu", x => x.Relu()) })
            TensorAssert.Equal(PW.G[$"{name}_i64u"], f(ai));
        TensorAssert.Equal(PW.G["absmin_i64"], Tensor.From(new long[] { long.MinValue, -5, 5 }).Abs());
    }

    [Fact]
    public void SignedZerosAndNaNSurvive()
    {
        var z = Tensor.From(new double[] { 0.0, -0.0, double.NaN });
        var n = z.Neg().ToArray<double>();
        Assert.True(double.IsNegative(n[0]) && !double.IsNegative(n[1]) && double.IsNaN(n[2]));
        // PyTorch's sign is (0 < x) - (x < 0): +0 for -0.0 and for NaN.
        Assert.Equal(new double[] { 0, 0, 0 }, z.Sign().ToArray<double>());
        Assert.False(double.IsNegative(z.Sign().ToArray<double>()[1]));
        var r = z.Relu().ToArray<double>();
        Assert.True(double.IsNegative(r[1]) && double.IsNaN(r[2]));
        Assert.False(double.IsNegative(Tensor.From(new double[] { -0.0 }).Abs().ToArray<double>()[0]));
    }

    [Theory, InlineData("f32"), InlineData("f64")]
    public void ZeroDimAndEmpty(string dt)
    {
        var zd = PW.G[$"zd_{dt}"];
        Assert.Equal(0, zd.NDim);
        TensorAssert.Close(PW.G[$"zdexp_{dt}"], zd.Exp());
        TensorAssert.Close(PW.G[$"zdadd_{dt}"], zd + PW.G[$"b_{dt}"]);
        var e = PW.G["empty"];
        TensorAssert.Equal(PW.G["empty_exp"], e.Exp());
        TensorAssert.Equal(PW.G["empty_add"], e + Tensor.Ones(3));
        TensorAssert.Equal(PW.G["empty_where"], Tensor.Where(Tensor.Zeros([0, 1], DType.Bool), e, Tensor.Ones(3)));
    }
}

public class PointwiseBinaryTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> Ops = new()
    {
        ["add"] = (a, b) => a + b, ["sub"] = (a, b) => a - b, ["mul"] = (a, b) => a * b, ["div"] = (a, b) => a / b,
        ["divtrunc"] = (a, b) => a.Div(b, "trunc"), ["divfloor"] = (a, b) => Tensor.Div(a, b, "floor"),
        ["maximum"] = Tensor.Maximum, ["minimum"] = Tensor.Minimum,
        ["eq"] = Tensor.Eq, ["ne"] = (a, b) => a.Ne(b), ["lt"] = (a, b) => a < b, ["le"] = (a, b) => a <= b,
        ["gt"] = (a, b) => a > b, ["ge"] = (a, b) => a >= b,
        ["logical_and"] = (a, b) => a.LogicalAnd(b), ["logical_or"] = (a, b) => a.LogicalOr(b),
        ["logical_xor"] = (a, b) => a.LogicalXor(b), ["pow"] = Tensor.Pow,
    };

    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var op in Ops.Keys) foreach (var dt in PW.Floats) d.Add(op, dt);
        return d;
    }

    [Theory, MemberData(nameof(Cases))]
    public void BroadcastsOverViewsLikeTorch(string op, string dt)
    {
        var g = PW.G;
        var want = g[$"{op}_ab_{dt}"];
        var b = g[$"b_{dt}"];
        foreach (var a in PW.Variants(g[$"a_{dt}"]))
        {
            TensorAssert.Close(want, Ops[op](a, b));
            TensorAssert.Close(want, Ops[op](a, TestViews.Expanded(b, 3, 4)));    // stride-0 operand
            TensorAssert.Close(want, Ops[op](a, TestViews.NonContiguous(b)));
        }
    }

    [Theory, InlineData("f32"), InlineData("f64")]
    public void AlphaAndPowForms(string dt)
    {
        var g = PW.G;
        Tensor a = g[$"a_{dt}"], b = g[$"b_{dt}"], p = g[$"p_{dt}"];
        TensorAssert.Close(g[$"addalpha_{dt}"], a.Add(b, 2.5));
        TensorAssert.Close(g[$"subalpha_{dt}"], Tensor.Sub(a, b, alpha: 0.5));
        TensorAssert.Close(g[$"pow_pb_{dt}"], p.Pow(b));
        foreach (var (tag, e) in new (string, Tensor)[] { ("2", 2), ("3", 3), ("0", 0), ("1", 1), ("h", 0.5), ("mh", -0.5), ("m1", -1), ("m2", -2), ("x", 1.7) })
            foreach (var v in PW.Variants(a))
                TensorAssert.Close(g[$"pows{tag}_{dt}"], v.Pow(e));
        TensorAssert.Close(g[$"pows_edge_h_{dt}"], g[$"edge_{dt}"].Pow(0.5));
        TensorAssert.Close(g[$"rpow_{dt}"], Tensor.Pow(2, a));
        TensorAssert.Close(g[$"rpow1_{dt}"], Tensor.Pow(1, a));
    }

    [Theory, InlineData("f32"), InlineData("f64")]
    public void EdgeValuesOfFloorDivisionAndMaximum(string dt)
    {
        var g = PW.G;
        var e = g[$"edge_{dt}"];
        var scalarOf = (double v) => Tensor.Scalar(v, dt == "f32" ? DType.Float32 : DType.Float64);
        TensorAssert.Close(g[$"divfloor_edge_{dt}"], e.Div(scalarOf(-0.75), "floor"));
        TensorAssert.Close(g[$"divfloor_edge0_{dt}"], e.Div(scalarOf(0.0), "floor"));
        var flipped = Tensor.From(e.ToArray<double>().Reverse().ToArray()).To(e.DType);
        TensorAssert.Close(g[$"maximum_edge_{dt}"], Tensor.Maximum(e, flipped));
    }

    [Fact]
    public void IntegerArithmeticIsExact()
    {
        var g = PW.G;
        Tensor ai = g["ai"], bi = g["bi"], ei = g["ei"];
        foreach (var (op, f) in new (string, Func<Tensor, Tensor, Tensor>)[]
        {
            ("add", (a, b) => a + b), ("sub", (a, b) => a - b), ("mul", (a, b) => a * b), ("div", (a, b) => a / b),
            ("divtrunc", (a, b) => a.Div(b, "trunc")), ("divfloor", (a, b) => a.Div(b, "floor")),
            ("maximum", Tensor.Maximum), ("minimum", Tensor.Minimum), ("lt", (a, b) => a < b), ("eq", Tensor.Eq),
            ("bitand", (a, b) => a & b), ("bitor", (a, b) => a | b), ("bitxor", (a, b) => a ^ b),
        })
            foreach (var a in PW.Variants(ai))
                TensorAssert.Close(g[$"{op}_i64"], f(a, bi), checkDType: true);
        TensorAssert.Equal(g["pow_i64"], ai.Pow(ei));
        TensorAssert.Equal(g["pows3_i64"], ai.Pow(3));
        TensorAssert.Equal(g["rpow_i64"], Tensor.Pow(2, ei));
        TensorAssert.Equal(g["powneg_i64"], ai.Pow(Tensor.From(new long[] { -1, -2, -1, -2 })));
    }

    [Fact]
    public void BoolArithmeticIsLogical()
    {
        var g = PW.G;
        Tensor m = g["mb"], n = g["nb"];
        TensorAssert.Equal(g["add_bool"], m + n);
        TensorAssert.Equal(g["mul_bool"], m * n);
        TensorAssert.Equal(g["and_bool"], m & n);
        TensorAssert.Equal(g["or_bool"], m | n);
        TensorAssert.Equal(g["xor_bool"], m ^ n);
        TensorAssert.Equal(g["lt_bool"], m < n);
        TensorAssert.Equal(g["maximum_bool"], Tensor.Maximum(m, n));
        TensorAssert.Close(g["div_bool"], m / n);
        TensorAssert.Equal(g["not_bool"], ~m);
        TensorAssert.Equal(g["not_bool"], !m);
        TensorAssert.Equal(g["square_bool"], m.Square());
        TensorAssert.Equal(g["sign_bool"], m.Sign());
        TensorAssert.Close(g["sqrt_bool"], m.Sqrt());
        TensorAssert.Equal(g["addint_bool"], m + 2);
    }

    [Fact]
    public void IntegerDivisionCornerCases()
    {
        var min = Tensor.From(new long[] { long.MinValue, 7, -7 });
        Assert.Equal(new long[] { long.MinValue, -7, 7 }, min.Div(-1, "trunc").ToArray<long>());
        Assert.Equal(new long[] { long.MinValue, -7, 7 }, min.Div(-1, "floor").ToArray<long>());
        Assert.Equal(new byte[] { 3, 0 }, Tensor.From(new byte[] { 7, 1 }).Div(Tensor.From(new byte[] { 2, 255 }), "floor").ToArray<byte>());
    }
}

public class PointwiseTernaryTests
{
    [Theory, InlineData("f32"), InlineData("f64")]
    public void WhereLerpAddcmulAddcdivClamp(string dt)
    {
        var g = PW.G;
        Tensor a0 = g[$"a_{dt}"], b = g[$"b_{dt}"], c = g[$"c_{dt}"], p = g[$"p_{dt}"], w = g[$"w_{dt}"], m = g[$"m_{dt}"];
        Tensor lo = g[$"lo_{dt}"], hi = g[$"hi_{dt}"];
        DType d = a0.DType;
        foreach (var a in PW.Variants(a0))
        {
            TensorAssert.Close(g[$"where_{dt}"], Tensor.Where(m, a, b));
            TensorAssert.Close(g[$"where_{dt}"], Tensor.Where(TestViews.NonContiguous(m), a, TestViews.Expanded(b, 3, 4)));
            TensorAssert.Close(g[$"where0_{dt}"], Tensor.Where(m, a, 0.0));
            TensorAssert.Close(g[$"lerps_{dt}"], a.Lerp(b, 0.3));
            TensorAssert.Close(g[$"lerpt_{dt}"], Tensor.Lerp(a, b, w));
            TensorAssert.Close(g[$"addcmul_{dt}"], a.Addcmul(b, c, 0.5));
            TensorAssert.Close(g[$"addcmul1_{dt}"], a.Addcmul(p, w));
            TensorAssert.Close(g[$"addcdiv_{dt}"], a.Addcdiv(b, c, 2));
            TensorAssert.Close(g[$"clamps_{dt}"], a.Clamp(-0.5, 0.5));
            TensorAssert.Close(g[$"clampmin_{dt}"], a.Clamp(min: 0.1));
            TensorAssert.Close(g[$"clampmin_{dt}"], a.ClampMin(0.1));
            TensorAssert.Close(g[$"clampmax_{dt}"], a.ClampMax(0.2));
            TensorAssert.Close(g[$"clampinv_{dt}"], a.Clamp(1.0, -1.0));
            TensorAssert.Close(g[$"clampt_{dt}"], a.Clamp(lo, hi));
            TensorAssert.Close(g[$"clampt_{dt}"], a.Clamp(TestViews.NonContiguous(lo), TestViews.Expanded(hi, 3, 4)));
            TensorAssert.Close(g[$"clampmint_{dt}"], a.Clamp(lo));
        }
        Assert.Equal(d, Tensor.Where(m, a0, 0).DType);
        TensorAssert.Close(g[$"clamp_edge_{dt}"], g[$"edge_{dt}"].Clamp(-1.0, 1.0));
        foreach (var (k, got) in new[] { ("nanmin", a0.Clamp(min: double.NaN)), ("nanmax", a0.Clamp(max: double.NaN)),
                                          ("nanboth", a0.Clamp(double.NaN, 2.0)), ("nant", a0.Clamp(min: Tensor.Scalar(double.NaN, d))) })
            TensorAssert.Close(g[$"clamp{k}_{dt}"], got);
    }

    [Fact]
    public void IntegerTernaryAndPromotion()
    {
        var g = PW.G;
        Tensor ai = g["ai"], bi = g["bi"], ei = g["ei"];
        TensorAssert.Equal(g["clamp_i64"], ai.Clamp(-3, 4));
        TensorAssert.Close(g["clampf_i64"], ai.Clamp(0.5));
        TensorAssert.Equal(g["addcmul_i64"], ai.Addcmul(bi, ei, 3));
        TensorAssert.Close(g["where_i64"], Tensor.Where(ai > 0, ai, 2.5));
    }

    [Fact]
    public void LerpEndpointsAreExact()
    {
        var a = Tensor.From(new float[] { 1e8f, -3.3f });
        var b = Tensor.From(new float[] { 1f, 7.1f });
        Assert.Equal(a.ToArray<float>(), a.Lerp(b, 0.0).ToArray<float>());
        Assert.Equal(b.ToArray<float>(), a.Lerp(b, 1.0).ToArray<float>());
    }
}

public class PointwisePromotionTests
{
    // Operand codes written by pointwise.py: "f32[2]" a 1-D tensor, "i64[]" a 0-d tensor, "int"/"float"/"true" numbers.
    private static Tensor Make(string code)
    {
        switch (code)
        {
            case "int": return 3;
            case "float": return 2.5;
            case "true": return true;
        }
        int br = code.IndexOf('[');
        DType dt = code[..br] switch
        {
            "f32" => DType.Float32, "f64" => DType.Float64, "i64" => DType.Int64, "i32" => DType.Int32,
            "u8" => DType.UInt8, "bool" => DType.Bool, var s => throw new InvalidDataException(s),
        };
        bool zeroDim = code.EndsWith("[]", StringComparison.Ordinal);
        if (dt == DType.Bool) return zeroDim ? Tensor.Scalar(true) : Tensor.From(new[] { true, false });
        return zeroDim ? Tensor.Scalar(2, dt) : Tensor.From(new long[] { 3, 2 }).To(dt);
    }

    [Fact]
    public void ResultDTypesMatchTorchResultTypeForEveryOperandPair()
    {
        var g = PW.G;
        int n = 0;
        foreach (var key in g.Names.Where(k => k.StartsWith("promo|", StringComparison.Ordinal)))
        {
            var parts = key.Split('|');
            Tensor l = Make(parts[1]), r = Make(parts[2]);
            Tensor got = parts[3] switch { "add" => l + r, "div" => l / r, "mul" => l * r, var s => throw new InvalidDataException(s) };
            var want = g[key];
            Assert.True(want.DType == got.DType, $"{key}: expected {want.DType}, got {got.DType}");
            TensorAssert.Close(want, got);
            n++;
        }
        Assert.True(n > 600, $"only {n} promotion cases");
    }

    [Fact]
    public void WrappedNumbersRaiseOnlyTheCategory()
    {
        var f = Tensor.From(new float[] { 1, 2 });
        var u = Tensor.From(new byte[] { 1, 2 });
        Assert.Equal(DType.Float32, (f * 2.0).DType);
        Assert.Equal(DType.UInt8, (u + 2).DType);
        Assert.Equal(DType.Float32, (u * 0.5).DType);
        Assert.Equal(DType.Float32, (2 * f).DType);
        Assert.Equal(DType.Bool, (u < 1.5).DType);
        Assert.Equal(DType.Float64, (f + Tensor.From(new double[] { 1, 1 })).DType);
        Assert.Equal(DType.Float32, Tensor.Where(Tensor.From(new[] { true }), Tensor.From(new long[] { 1 }), 2.5).DType);
    }
}
