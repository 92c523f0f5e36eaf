using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>Argument validation with PyTorch's messages, shapes, printing and the KL table's errors.</summary>
public class DistributionValidationTests
{
    [Fact]
    public void InvalidParametersNameTheParameterTheDistributionAndTheConstraint()
    {
        TensorAssert.Throws<ArgumentException>(() => new Normal(Tensor.From(new[] { 0f, 1f }), Tensor.From(new[] { 1f, -1f })),
            "Expected parameter scale (Tensor of shape [2]) of distribution Normal(loc: [2], scale: [2]) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:");
        TensorAssert.Throws<ArgumentException>(() => new Normal(Tensor.From(new[] { float.NaN, 1f }), 1.0),
            "Expected parameter loc", "to satisfy the constraint Real()");
        TensorAssert.Throws<ArgumentException>(() => new Categorical(Tensor.From(new[] { 0.5f, -1f })),
            "Expected parameter probs (Tensor of shape [2]) of distribution Categorical(probs: [2]) to satisfy the constraint Simplex()");
        TensorAssert.Throws<ArgumentException>(() => new Bernoulli(Tensor.From(new[] { 1.5f })),
            "Expected parameter probs", "Interval(lower_bound=0.0, upper_bound=1.0)");
        TensorAssert.Throws<ArgumentException>(() => new Bernoulli(0.5, 0.5), "Either `probs` or `logits` must be specified, but not both.");
        TensorAssert.Throws<ArgumentException>(() => new Categorical(), "Either `probs` or `logits` must be specified, but not both.");
        TensorAssert.Throws<ArgumentException>(() => new Uniform(1.0, 0.0), "Uniform is not defined when low>= high");
        TensorAssert.Throws<ArgumentException>(() => new Independent(new Normal(0.0, 1.0), 1), "reinterpreted_batch_ndims");
        // validateArgs: false skips the checks, as in PyTorch.
        _ = new Normal(0.0, -1.0, validateArgs: false);
    }

    [Fact]
    public void MultivariateNormalChecksItsMatrices()
    {
        TensorAssert.Throws<ArgumentException>(() => new MultivariateNormal(Tensor.Zeros(2), Tensor.From(new float[,] { { 1, 2 }, { 2, 1 } })),
            "Expected parameter covariance_matrix (Tensor of shape [2, 2]) of distribution MultivariateNormal(loc: [2], covariance_matrix: [2, 2]) to satisfy the constraint PositiveDefinite()");
        TensorAssert.Throws<ArgumentException>(() => new MultivariateNormal(Tensor.Zeros(2)),
            "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
        TensorAssert.Throws<ArgumentException>(() => new MultivariateNormal(Tensor.Zeros(2), scaleTril: Tensor.From(new float[,] { { 1, 1 }, { 0, 1 } })),
            "to satisfy the constraint LowerCholesky()");
        TensorAssert.Throws<ArgumentException>(() => new MultivariateNormal(Tensor.Zeros(2), Tensor.Eye(3)), "does not match loc of shape [2]");
        var m = new MultivariateNormal(Tensor.Zeros(4, 3), scaleTril: Tensor.Eye(3));
        Assert.Equal([4], m.BatchShape.ToArray());
        Assert.Equal([3], m.EventShape.ToArray());
        Assert.Equal([5, 4, 3], m.Sample([5]).Shape.ToArray());
        TensorAssert.Close(Tensor.Eye(3).Expand(4, 3, 3), m.CovarianceMatrix);
    }

    [Fact]
    public void InvalidValuesAreRefusedByLogProb()
    {
        var n = new Normal(Tensor.Zeros(2), Tensor.Ones(2));
        TensorAssert.Throws<ArgumentException>(() => n.LogProb(Tensor.Ones(3)), "Value is not broadcastable with batch_shape+event_shape: [3] vs [2].");
        TensorAssert.Throws<ArgumentException>(() => new Bernoulli(Tensor.From(new[] { 0.5f })).LogProb(Tensor.From(new[] { 0.3f })),
            "Expected value argument (Tensor of shape [1]) to be within the support (Boolean()) of the distribution Bernoulli(probs:", "but found invalid values");
        TensorAssert.Throws<ArgumentException>(() => new Categorical(Tensor.Ones(3)).LogProb(Tensor.From(new long[] { 3 })), "IntegerInterval(lower_bound=0, upper_bound=2)");
        TensorAssert.Throws<ArgumentException>(() => new OneHotCategorical(Tensor.Ones(3)).LogProb(Tensor.Ones(2)), "The right-most size of value must match event_shape: [2] vs [3].");
    }

    [Fact]
    public void ShapesFollowPyTorch()
    {
        var c = new Categorical(logits: Tensor.Zeros(2, 3, 5));
        Assert.Equal([2, 3], c.BatchShape.ToArray());
        Assert.Empty(c.EventShape);
        Assert.Equal([4, 2, 3], c.Sample([4]).Shape.ToArray());
        Assert.Equal(DType.Int64, c.Sample().DType);
        var oh = new OneHotCategorical(Tensor.Ones(2, 5));
        Assert.Equal([2], oh.BatchShape.ToArray());
        Assert.Equal([5], oh.EventShape.ToArray());
        Assert.Equal([3, 2, 5], oh.Sample([3]).Shape.ToArray());
        var ind = new Independent(new Normal(Tensor.Zeros(4, 3), Tensor.Ones(4, 3)), 1);
        Assert.Equal([4], ind.BatchShape.ToArray());
        Assert.Equal([3], ind.EventShape.ToArray());
        Assert.Equal([4], ind.LogProb(Tensor.Zeros(4, 3)).Shape.ToArray());
        // Numbers as parameters give the default float dtype, as broadcast_all does.
        var n = new Normal(0.0, 1.0);
        Assert.Equal(DType.Float32, n.Sample([3]).DType);
        Assert.Empty(n.BatchShape);
        Assert.Equal("Normal(loc: 0.0, scale: 1.0)".Length > 0, n.ToString().StartsWith("Normal(loc: ", StringComparison.Ordinal));
        Assert.Throws<NotSupportedException>(() => new Bernoulli(0.3).RSample());
    }

    [Fact]
    public void KlOfAnUnregisteredPairNamesBothTypesAndRegisterKlAddsOne()
    {
        var e = Assert.Throws<NotSupportedException>(() => Distribution.KlDivergence(new Normal(0.0, 1.0), new Bernoulli(0.3)));
        Assert.Contains("Normal", e.Message);
        Assert.Contains("Bernoulli", e.Message);
        TensorAssert.Throws<NotSupportedException>(() => Distribution.KlDivergence(
            new Independent(new Normal(Tensor.Zeros(2, 2), Tensor.Ones(2, 2)), 1), new Independent(new Normal(Tensor.Zeros(2, 2), Tensor.Ones(2, 2)), 2)), "Independent");
        // A pair PyTorch leaves unregistered (Uniform-Normal is registered now, and the table is global).
        Distribution.RegisterKl<Poisson, Normal>((p, q) => Tensor.Zeros(p.BatchShape.ToArray()));
        Assert.Equal([3], Distribution.KlDivergence(new Poisson(Tensor.Ones(3)), new Normal(0.0, 1.0)).Shape.ToArray());
    }

    [Fact]
    public void SampleStatisticsMatchTheMoments()
    {
        var gen = new Generator().ManualSeed(3);
        var n = new Normal(Tensor.From(new[] { 1.0, -2.0 }), Tensor.From(new[] { 0.5, 2.0 }));
        var s = n.Sample([20000], gen);
        TensorAssert.Close(n.Mean, s.Mean(0), atol: 0.05, rtol: 0);
        TensorAssert.Close(n.Variance, s.Var(0), atol: 0, rtol: 0.05);
        var c = new Categorical(Tensor.From(new[] { 0.2, 0.5, 0.3 }));
        var counts = c.Sample([20000], gen);
        for (int k = 0; k < 3; k++)
            Assert.InRange(counts.Eq((long)k).To(DType.Float64).Mean().ToDouble(), c.Probs[k].ToDouble() - 0.02, c.Probs[k].ToDouble() + 0.02);
    }
}
