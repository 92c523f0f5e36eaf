using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Gradients of reductions where PyTorch has a convention (ties, zeros, NaN, N - correction ≤ 0),
/// against PyTorch's own values (tests/golden/grad_reductions.py), in float64 and float32.
/// </summary>
public class ReductionGradConventionTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["max_all_ties"] = x => x.Max(),
        ["min_all_ties"] = x => x.Min(),
        ["max_all_nan"] = x => x.Max(),
        ["median_all_ties"] = x => x.Median(),
        ["amax_ties"] = x => x.Amax(1),
        ["amin_ties_keepdim"] = x => x.Amin(0, keepDim: true),
        ["max_dim_ties"] = x => x.Max(1).Values,
        ["min_dim_ties"] = x => x.Min(1).Values,
        ["sort_ties"] = x => x.Sort(1, stable: true).Values,
        ["norm2_zero_row"] = x => x.Norm(2, 1),
        ["norm2_all_zero"] = x => x.Norm(),
        ["norm1_zero"] = x => x.Norm(1),
        ["norminf_ties"] = x => x.Norm(double.PositiveInfinity, 1),
        ["norm3_zero_row"] = x => x.Norm(3, 1),
        ["norm05_zero"] = x => x.Norm(0.5, 1),
        ["norm0"] = x => x.Norm(0, 1),
        ["prod_one_zero"] = x => x.Prod(),
        ["prod_two_zeros"] = x => x.Prod(),
        ["prod_dim_zeros"] = x => x.Prod(1),
        ["cumprod_zeros"] = x => x.CumProd(1),
        ["var_single_0d"] = x => x.Var(),
        ["var_dim_single"] = x => x.Var(0),
        ["var_dim_negative_dof"] = x => x.Var(1, correction: 3),
        ["std_constant_rows"] = x => x.Std(1),
        ["logsumexp_neginf"] = x => x.LogSumExp(1),
    };

    public static IEnumerable<object[]> Cases =>
        from name in Ops.Keys from dt in new[] { "f64", "f32" } select new object[] { name, dt };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientMatchesPyTorch(string name, string dt)
    {
        var golden = Golden.Load("grad_reductions");
        string key = $"{name}|{dt}";
        var x = golden["x|" + key].Clone().RequiresGrad_();
        var y = Ops[name](x);
        y.Backward(golden["g|" + key]);
        if (golden.Has("none|" + key))
        {
            Assert.Null(x.Grad);
            return;
        }
        Assert.NotNull(x.Grad);
        TensorAssert.Close(golden["grad|" + key], x.Grad!);
    }

    [Fact]
    public void EveryGoldenCaseHasAnOp()
    {
        var names = Golden.Load("grad_reductions").Names.Where(n => n.StartsWith("x|", StringComparison.Ordinal))
            .Select(n => n.Split('|')[1]).Distinct();
        Assert.All(names, n => Assert.True(Ops.ContainsKey(n), $"golden case {n} has no op"));
    }
}
