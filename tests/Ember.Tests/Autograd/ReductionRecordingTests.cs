using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Composite reductions (mean, var, std, norm, logsumexp, median, and ops with a dtype argument) record
/// exactly one node, whose edge leads straight to the leaf: their internal parts record nothing.
/// </summary>
public class ReductionRecordingTests
{
    public static IEnumerable<object[]> Ops => new (string Name, string Node, Func<Tensor, Tensor> Fn)[]
    {
        ("sum(dtype)", "SumBackward0", x => x.Sum(DType.Float64)),
        ("sum(dim)", "SumBackward1", x => x.Sum(1)),
        ("mean()", "MeanBackward0", x => x.Mean()),
        ("mean(dims)", "MeanBackward1", x => x.Mean([0, 1], keepDim: true)),
        ("prod(dtype)", "ProdBackward0", x => x.Prod(DType.Float64)),
        ("prod(dim)", "ProdBackward1", x => x.Prod(0)),
        ("max()", "MaxBackward1", x => x.Max()),
        ("max(dim)", "MaxBackward0", x => x.Max(1).Values),
        ("min(dim)", "MinBackward0", x => x.Min(1).Values),
        ("amax", "AmaxBackward0", x => x.Amax(1)),
        ("median()", "MedianBackward0", x => x.Median()),
        ("median(dim)", "MedianBackward1", x => x.Median(1, keepDim: true).Values),
        ("var", "VarBackward0", x => x.Var(1)),
        ("std", "StdBackward0", x => x.Std()),
        ("logsumexp", "LogsumexpBackward0", x => x.LogSumExp(1)),
        ("norm 2", "NormBackward1", x => x.Norm()),
        ("norm 3", "NormBackward1", x => x.Norm(3, 1)),
        ("norm inf", "NormBackward1", x => x.Norm(double.PositiveInfinity)),
        ("norm 0", "NormBackward1", x => x.Norm(0)),
        ("cumsum(dtype)", "CumsumBackward0", x => x.CumSum(1, DType.Float64)),
        ("cumprod", "CumprodBackward0", x => x.CumProd(0)),
        ("sort", "SortBackward0", x => x.Sort().Values),
        ("topk", "TopkBackward0", x => x.TopK(2).Values),
    }.Select(o => new object[] { o.Name, o.Node, o.Fn });

    [Theory]
    [MemberData(nameof(Ops))]
    public void RecordsOneNode(string name, string node, Func<Tensor, Tensor> fn)
    {
        var x = Tensor.Randn([3, 4], generator: new Generator(7)).RequiresGrad_();
        var y = fn(x);
        Assert.True(y.RequiresGrad, name);
        Assert.Equal(node, y.GradFn!.Name);
        var next = Assert.Single(y.GradFn.NextFunctions);
        Assert.Equal("AccumulateGrad", next.Node!.Name);
    }

    [Fact]
    public void IndicesAndIntegerResultsRecordNothing()
    {
        var x = Tensor.Randn([3, 4], generator: new Generator(7)).RequiresGrad_();
        Assert.False(x.Max(1).Indices.RequiresGrad);
        Assert.False(x.Sort().Indices.RequiresGrad);
        Assert.False(x.Median(0).Indices.RequiresGrad);
        Assert.False(x.ArgMax().RequiresGrad);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.Randn([3, 4], generator: new Generator(7)).RequiresGrad_();
        using (Ember.Autograd.NoGrad())
        {
            Assert.False(x.Sum().RequiresGrad);
            Assert.False(x.Std(1).RequiresGrad);
            Assert.False(x.Max(0).Values.RequiresGrad);
        }
    }

    /// <summary>A reduction without keepdim re-views an internal buffer; its result must still own its history, so an in-place op on it chains onto the reduction's node.</summary>
    [Fact]
    public void InPlaceOnAReducedResultKeepsItsHistory()
    {
        var x = Tensor.Randn([3, 4], dtype: DType.Float64, generator: new Generator(7)).RequiresGrad_();
        var w = Tensor.Randn([3], dtype: DType.Float64, generator: new Generator(8)).RequiresGrad_();
        var y = x.Sum(1);
        y.Mul_(w);
        y.Sum().Backward();
        TensorAssert.Close(w.Detach().Unsqueeze(1).Expand(3, 4).Contiguous(), x.Grad!);
    }
}
