using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Gradients of pointwise ops at the points where PyTorch's gradient is a convention (relu and abs at 0,
/// clamp at its bounds, maximum/minimum ties, pow at 0, rounding ops), against PyTorch's own values
/// (tests/golden/grad_pointwise.py), in float32 and float64.
/// </summary>
public class PointwiseGradGoldenTests
{
    private static Func<Tensor[], Tensor> InPlace(Action<Tensor, Tensor[]> op) => x =>
    {
        var y = x[0] * 1;
        op(y, x);
        return y;
    };

    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["relu"] = x => x[0].Relu(),
        ["relu_"] = InPlace((y, _) => y.Relu_()),
        ["abs"] = x => x[0].Abs(),
        ["abs_"] = InPlace((y, _) => y.Abs_()),
        ["sign"] = x => x[0].Sign(),
        ["floor"] = x => x[0].Floor(),
        ["ceil"] = x => x[0].Ceil(),
        ["round"] = x => x[0].Round(),
        ["round_decimals"] = x => x[0].Round(1),
        ["trunc"] = x => x[0].Trunc(),

        ["clamp"] = x => x[0].Clamp(-1, 1),
        ["clamp_min_only"] = x => x[0].Clamp(min: -1),
        ["clamp_max_only"] = x => x[0].Clamp(max: 1),
        ["clamp_min"] = x => x[0].ClampMin(-1),
        ["clamp_max"] = x => x[0].ClampMax(1),
        ["clamp_equal_bounds"] = x => x[0].Clamp(0.5, 0.5),
        ["clamp_min_above_max"] = x => x[0].Clamp(1, -1),
        ["clamp_nan_min_only"] = x => x[0].Clamp(min: double.NaN),
        ["clamp_nan_min"] = x => x[0].Clamp(double.NaN, 1),
        ["clamp_min_nan"] = x => x[0].ClampMin(double.NaN),
        ["clamp_max_nan"] = x => x[0].ClampMax(double.NaN),
        ["maximum_nan_number"] = x => Tensor.Maximum(x[0], double.NaN),
        ["clamp_"] = InPlace((y, _) => y.Clamp_(-1, 1)),
        ["clamp_t"] = x => x[0].Clamp(x[1], x[2]),
        ["clamp_t_min_only"] = x => x[0].Clamp(min: x[1]),
        ["clamp_t_max_only"] = x => x[0].Clamp(max: x[1]),
        ["clamp_min_t"] = x => x[0].ClampMin(x[1]),
        ["clamp_max_t"] = x => x[0].ClampMax(x[1]),
        ["clamp_t_"] = InPlace((y, x) => y.Clamp_(x[1], x[2])),

        ["maximum"] = x => Tensor.Maximum(x[0], x[1]),
        ["minimum"] = x => Tensor.Minimum(x[0], x[1]),

        ["pow_2"] = x => x[0].Pow(2),
        ["pow_0"] = x => x[0].Pow(0),
        ["pow_1"] = x => x[0].Pow(1),
        ["pow_3"] = x => x[0].Pow(3),
        ["pow_half"] = x => x[0].Pow(0.5),
        ["pow_1p5"] = x => x[0].Pow(1.5),
        ["pow_m1"] = x => x[0].Pow(-1),
        ["pow_m2"] = x => x[0].Pow(-2),
        ["pow_mhalf"] = x => x[0].Pow(-0.5),
        ["square"] = x => x[0].Square(),
        ["pow_"] = InPlace((y, _) => y.Pow_(2)),
        ["pow_tt"] = x => x[0].Pow(x[1]),
        ["pow_tt_"] = InPlace((y, x) => y.Pow_(x[1])),
        ["pow_base0"] = x => Tensor.Pow(0.0, x[0]),
        ["pow_base2"] = x => Tensor.Pow(2.0, x[0]),
        ["pow_base1"] = x => Tensor.Pow(1.0, x[0]),
        ["pow_base_neg"] = x => Tensor.Pow(-2.0, x[0]),

        ["div_floor"] = x => x[0].Div(x[1], "floor"),
        ["div_trunc"] = x => x[0].Div(x[1], "trunc"),
        ["div_by_zero"] = x => x[0] / x[1],

        ["sqrt"] = x => x[0].Sqrt(),
        ["rsqrt"] = x => x[0].Rsqrt(),
        ["log"] = x => x[0].Log(),
        ["log2"] = x => x[0].Log2(),
        ["log1p"] = x => x[0].Log1p(),
        ["reciprocal"] = x => x[0].Reciprocal(),
        ["tanh"] = x => x[0].Tanh(),
        ["sigmoid"] = x => x[0].Sigmoid(),

        ["where"] = x => Tensor.Where(x[0].Gt(0), x[0], x[1]),
        ["lerp"] = x => x[0].Lerp(x[1], x[2]),
        ["fill_"] = x => InPlace((y, _) => y.Fill_(3))(x) + x[0],
        ["zero_"] = x => InPlace((y, _) => y.Zero_())(x) * x[0],
    };

    public static IEnumerable<object[]> Cases =>
        Golden.Load("grad_pointwise").Names.Where(n => n.EndsWith("|out", StringComparison.Ordinal))
            .Select(n => new object[] { n[..^"|out".Length] }).OrderBy(c => (string)c[0]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMatchesPyTorch(string key)
    {
        var golden = Golden.Load("grad_pointwise");
        string name = key[..key.IndexOf('|')];
        Assert.True(Ops.ContainsKey(name), $"no Ember function for golden case '{name}'");
        var inputs = Enumerable.Range(0, 3).TakeWhile(i => golden.Has($"{key}|in{i}"))
            .Select(i => golden[$"{key}|in{i}"].RequiresGrad_()).ToArray();
        var r = Ops[name](inputs);
        TensorAssert.Close(golden[$"{key}|out"], r.Detach());
        var grads = Ember.Autograd.Grad([r], inputs, [Tensor.OnesLike(r)], allowUnused: true);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (golden.Has($"{key}|g{i}")) TensorAssert.Close(golden[$"{key}|g{i}"], grads[i] ?? Tensor.ZerosLike(inputs[i]));
            else Assert.True(grads[i] is null, $"input {i}: PyTorch gives no gradient, Ember gives one");
        }
    }

    [Fact]
    public void EveryFunctionHasGoldenValues()
    {
        var golden = Golden.Load("grad_pointwise");
        foreach (var name in Ops.Keys)
            Assert.True(golden.Has($"{name}|f64|out") && golden.Has($"{name}|f32|out"), $"no golden values for '{name}'");
    }
}
