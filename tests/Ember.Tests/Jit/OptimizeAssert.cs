using Ember.Jit;
using Ember.NN;
using Xunit;

namespace Ember.Tests.Jit;

/// <summary>Shared checks for optimised traces: they give the eager module's outputs, exactly or within a relative bound.</summary>
internal static class OptimizeAssert
{
    /// <summary>
    /// Gives every batch norm of <paramref name="model"/> random running statistics and affine parameters, so
    /// folding them is not folding an identity (fresh layers have mean 0, variance 1, weight 1, bias 0).
    /// </summary>
    public static void RandomizeBatchNorms(Module model)
    {
        using var _ = Ember.Autograd.NoGrad();
        foreach (var (name, b) in model.NamedBuffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) b.Copy_(Tensor.Randn(b.Shape) * 0.1);
            if (name.EndsWith("running_var", StringComparison.Ordinal)) b.Copy_(Tensor.Rand(b.Shape) + 0.5);
        }
        foreach (var (name, p) in model.NamedParameters())
            if (name.Contains("bn", StringComparison.Ordinal) || name.Contains("norm", StringComparison.Ordinal) || p.NDim == 1 && name.EndsWith("weight", StringComparison.Ordinal))
                p.Copy_(p + Tensor.Randn(p.Shape) * 0.1);
    }

    /// <summary>The largest |a - b| over the largest |b|: the error relative to the output's scale.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        var e = expected.To(DType.Float64);
        double scale = e.Abs().Max().Item<double>();
        double diff = (actual.To(DType.Float64) - e).Abs().Max().Item<double>();
        return scale == 0 ? diff : diff / scale;
    }

    /// <summary>Traces and optimises <paramref name="model"/> (eval mode, no-grad), then compares it with eager on each input; exact when <paramref name="tolerance"/> is 0.</summary>
    public static TracedModule MatchesEager(Module<Tensor, Tensor> model, double tolerance, Tensor example, params Tensor[] inputs)
    {
        using var _ = Ember.Autograd.NoGrad();
        var traced = Ember.Jit.Jit.Trace(model, example, dynamicDims: [DynamicDim.Batch]);
        var optimized = Ember.Jit.Jit.Optimize(traced);
        foreach (var x in inputs.Prepend(example))
        {
            var eager = model.Call(x);
            for (int rep = 0; rep < 2; rep++)   // the second replay reuses the arena
            {
                var y = optimized.Call(x);
                Assert.Equal(eager.Shape, y.Shape);
                if (tolerance == 0) Assert.True(eager.Equal(y), $"optimised differs from eager at {x.Shape}: relative error {RelativeError(y, eager):G3}\n{optimized.OptimizationReport}");
                else Assert.True(RelativeError(y, eager) <= tolerance, $"optimised differs from eager at {x.Shape} by {RelativeError(y, eager):G3} relative (bound {tolerance})\n{optimized.OptimizationReport}");
            }
        }
        return optimized;
    }
}
