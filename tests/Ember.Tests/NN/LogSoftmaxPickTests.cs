using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// nll_loss over log_softmax records one node against the logits (LogSoftmaxPickBackward) when nothing
/// else watches the log-probabilities' gradient; its gradient is the composed path's to the bit, and a
/// hook or RetainGrad on the log-probabilities keeps the composed path.
/// </summary>
public class LogSoftmaxPickTests
{
    private static (Tensor Grad, string? Node) Run(DType dtype, bool watch, int rows = 7, int classes = 1000, Tensor? weight = null)
    {
        Tensor.ManualSeed(3);
        var x = Tensor.Randn(rows, classes).To(dtype).RequiresGrad_();
        var t = Tensor.RandInt(0, classes, [rows]);
        t[2] = Tensor.Scalar(-100L, DType.Int64);   // one ignored target
        var lp = F.LogSoftmax(x, dim: 1);
        if (watch) lp.RetainGrad();
        var loss = F.NllLoss(lp, t, weight);
        string? node = loss.GradFn?.NextFunctions.SelectMany(Walk).FirstOrDefault(n => n.Contains("Pick", StringComparison.Ordinal));
        loss.Backward();
        return (x.Grad!, node);
    }

    private static IEnumerable<string> Walk((Ember.Graph.Node? Node, int InputNr) e)
    {
        if (e.Node is null) yield break;
        yield return e.Node.Name;
        foreach (var n in e.Node.NextFunctions.SelectMany(Walk)) yield return n;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheFusedGradientIsTheComposedOneToTheBit(bool float64)
    {
        var dtype = float64 ? DType.Float64 : DType.Float32;
        var fused = Run(dtype, watch: false);
        var composed = Run(dtype, watch: true);
        Assert.Equal("LogSoftmaxPickBackward", fused.Node);
        Assert.Null(composed.Node);
        if (float64) Assert.Equal(composed.Grad.ToArray<double>(), fused.Grad.ToArray<double>());
        else Assert.Equal(composed.Grad.ToArray<float>(), fused.Grad.ToArray<float>());
    }

    [Fact]
    public void WithAClassWeightTheGradientIsTheComposedOneToTheBit()
    {
        var w = Tensor.Rand(1000);
        var fused = Run(DType.Float32, watch: false, weight: w);
        var composed = Run(DType.Float32, watch: true, weight: w);
        Assert.Equal(composed.Grad.ToArray<float>(), fused.Grad.ToArray<float>());
    }

    [Fact]
    public void LogSoftmaxOverAnotherDimKeepsTheComposedPath()
    {
        var x = Tensor.Randn(4, 5, 3).RequiresGrad_();
        var loss = F.NllLoss(F.LogSoftmax(x, dim: 1), Tensor.From(new long[,] { { 0, 1, 2 }, { 4, 3, 2 }, { 1, 1, 1 }, { 0, 0, 4 } }));
        Assert.DoesNotContain("LogSoftmaxPickBackward", loss.GradFn!.NextFunctions.SelectMany(Walk));
        loss.Backward();
        Assert.NotNull(x.Grad);
    }
}
