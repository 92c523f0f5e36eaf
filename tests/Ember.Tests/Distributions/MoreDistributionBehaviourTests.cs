using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>Validation messages, shapes and the new tensor ops (Atan, Tan) of the added distributions.</summary>
public class MoreDistributionBehaviourTests
{
    [Fact]
    public void AtanAndTanPassGradCheckAndMatchMath()
    {
        var x = Tensor.From(new[] { -2.0, -0.3, 0.0, 0.4, 1.2 }).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(i => i[0].Atan(), [x]));
        Assert.True(Ember.Autograd.GradCheck(i => i[0].Tan(), [x]));
        TensorAssert.Close(Tensor.From(new[] { Math.Atan(-2.0), Math.Atan(-0.3), 0.0, Math.Atan(0.4), Math.Atan(1.2) }), x.Detach().Atan());
        TensorAssert.Close(Tensor.From(new[] { 0.0f, MathF.Tan(1f) }), Tensor.Tan(Tensor.From(new[] { 0.0f, 1f })));
    }

    [Fact]
    public void InvalidParametersGetPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => new Exponential(Tensor.From(new[] { 1f, -1f })),
            "Expected parameter rate (Tensor of shape [2]) of distribution Exponential(rate: [2]) to satisfy the constraint GreaterThan(lower_bound=0.0)");
        TensorAssert.Throws<ArgumentException>(() => new Poisson(Tensor.From(new[] { -1f })), "Expected parameter rate", "GreaterThanEq(lower_bound=0.0)");
        TensorAssert.Throws<ArgumentException>(() => new Binomial(Tensor.From(new[] { 2.5f }), probs: Tensor.From(new[] { 0.5f })),
            "Expected parameter total_count", "IntegerGreaterThan(lower_bound=0)");
        TensorAssert.Throws<ArgumentException>(() => new Geometric(Tensor.From(new[] { 0f, 0.5f })), "Expected parameter probs", "to be positive but found invalid values");
        TensorAssert.Throws<ArgumentException>(() => new HalfNormal(Tensor.From(new[] { -1f })), "distribution HalfNormal(scale:", "GreaterThan(lower_bound=0.0)");
        TensorAssert.Throws<ArgumentException>(() => new Chi2(Tensor.From(new[] { 0f })), "Expected parameter df", "distribution Chi2(df:");
        TensorAssert.Throws<ArgumentException>(() => new Geometric(), "Either `probs` or `logits` must be specified, but not both.");
        TensorAssert.Throws<ArgumentException>(() => new Poisson(Tensor.From(new[] { 1f })).LogProb(Tensor.From(new[] { 0.5f })),
            "Expected value argument", "IntegerGreaterThan(lower_bound=0)");
        TensorAssert.Throws<ArgumentException>(() => new Exponential(1.0).LogProb(-1.0), "to be within the support (GreaterThanEq(lower_bound=0.0))");
    }

    [Fact]
    public void ShapesFollowPyTorch()
    {
        var m = new Multinomial(10, probs: Tensor.Ones(2, 3));
        Assert.Equal([2], m.BatchShape.ToArray());
        Assert.Equal([3], m.EventShape.ToArray());
        var s = m.Sample([4]);
        Assert.Equal([4, 2, 3], s.Shape.ToArray());
        TensorAssert.Close(Tensor.Full([4, 2], 10f), s.Sum(-1));
        var ln = new LogNormal(Tensor.Zeros(3), Tensor.Ones(3));
        Assert.Equal([3], ln.BatchShape.ToArray());
        Assert.True(ln.HasRSample);
        Assert.True(new HalfNormal(1.0).HasRSample);
        Assert.False(new Poisson(2.0).HasRSample);
        Assert.Throws<NotSupportedException>(() => new Poisson(2.0).RSample());
        // A transformed distribution over a simplex: stick-breaking turns a 3-vector into a 4-simplex.
        var td = new TransformedDistribution(new Independent(new Normal(Tensor.Zeros(3), Tensor.Ones(3)), 1), new StickBreakingTransform());
        Assert.Equal([4], td.EventShape.ToArray());
        var x = td.Sample([2]);
        TensorAssert.Close(Tensor.Ones(2), x.Sum(-1), rtol: 1e-6, atol: 1e-6);
        Assert.Equal([2], td.LogProb(x).Shape.ToArray());
        Assert.Throws<NotSupportedException>(() => Distribution.KlDivergence(new LogNormal(0.0, 1.0), new HalfNormal(1.0)));
    }
}
