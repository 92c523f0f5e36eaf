using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// AdaptiveLogSoftmaxWithLoss against PyTorch (tests/golden/nn_adaptive_softmax.py): the seeded
/// parameters and their state-dict names, output, loss, input and parameter gradients, log_prob,
/// predict, the unbatched form, printing and argument checks.
/// </summary>
[Collection("DefaultGenerator")]
public class AdaptiveLogSoftmaxTests
{
    private static Golden G => Golden.Load("nn_adaptive_softmax");

    private static AdaptiveLogSoftmaxWithLoss Make()
    {
        Tensor.ManualSeed(0);
        return new AdaptiveLogSoftmaxWithLoss(16, 20, [5, 12], divValue: 2.0, headBias: true).Double();
    }

    [Fact]
    public void ParametersAreDrawnInPyTorchsOrderUnderItsNames()
    {
        var m = Make();
        var expected = G.Names.Where(n => n.StartsWith("param.", StringComparison.Ordinal)).Select(n => n["param.".Length..]).ToArray();
        Assert.Equal(expected, m.StateDict().Keys);
        foreach (var k in expected) TensorAssert.Close(G["param." + k], m.StateDict()[k], 1e-6, 1e-7);   // drawn in float32, then widened
        Assert.Equal(G.Meta.GetProperty("repr").GetString(), m.ToString());
    }

    [Fact]
    public void OutputLossGradientsLogProbAndPredictMatchPyTorch()
    {
        var m = Make();
        m.LoadStateDict(m.StateDict().Keys.ToDictionary(k => k, k => G["param." + k]));
        var x = G["x"].RequiresGrad_();
        var (output, loss) = m.Call(x, G["target"]);
        TensorAssert.Close(G["output"], output);
        TensorAssert.Close(G["loss"], loss);
        (loss + (output * G["gout"]).Sum()).Backward();
        TensorAssert.Close(G["grad.x"], x.Grad!);
        foreach (var (name, p) in m.NamedParameters()) TensorAssert.Close(G["grad." + name], p.Grad!);
        using (Ember.Autograd.NoGrad())
        {
            TensorAssert.Close(G["log_prob"], m.LogProb(G["x"]));
            TensorAssert.Equal(G["predict"], m.Predict(G["x"]));
            var u = m.Forward(G["u.x"], Tensor.Scalar(13L));
            TensorAssert.Close(G["u.output"], u.Output);
            TensorAssert.Close(G["u.loss"], u.Loss);
        }
        // log_prob is a distribution over all classes.
        TensorAssert.Close(Tensor.Ones([7], DType.Float64), m.LogProb(G["x"]).Exp().Sum(1));
    }

    [Fact]
    public void GradCheckOfTheLossInTheInput()
    {
        var m = new AdaptiveLogSoftmaxWithLoss(6, 9, [3, 6], divValue: 2.0).Double();
        var target = Tensor.From(new long[] { 0, 4, 8, 2 });
        Assert.True(Ember.Autograd.GradCheck(a => m.Forward(a[0], target).Loss, [Tensor.Randn([4, 6], new Generator(2), DType.Float64).RequiresGrad_()]));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        TensorAssert.Throws<ArgumentException>(() => new AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3]), "cutoffs should be a sequence of unique, positive integers");
        TensorAssert.Throws<ArgumentException>(() => new AdaptiveLogSoftmaxWithLoss(8, 10, [5, 10]), "between 1 and n_classes-1");
        var m = new AdaptiveLogSoftmaxWithLoss(8, 10, [5]);
        TensorAssert.Throws<ArgumentException>(() => m.Forward(Tensor.Randn(3, 8), Tensor.From(new long[] { 1, 2, 10 })), "Target values should be in [0, 9]", "[1, 10]");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(Tensor.Randn(3, 8), Tensor.From(new long[] { 1, 2 })), "same size in the batch dimension");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(Tensor.Randn(3, 8), Tensor.Scalar(1L)), "0D target tensor expects 1D input tensors");
    }
}
