using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>The graph and what it saved are released after backward: training does not grow memory.</summary>
[Collection("Sequential memory measurements")]
public class AutogradMemoryTests
{
    [Fact]
    public void TrainingASmallNetTenThousandStepsKeepsManagedMemoryFlat()
    {
        var g = new Generator(7);
        var x = Tensor.Randn([4, 8], generator: g);
        var y = Tensor.Randn([4, 1], generator: g);
        var w1 = (Tensor.Randn([8, 16], generator: g) * 0.1).Detach().RequiresGrad_();
        var w2 = (Tensor.Randn([16, 1], generator: g) * 0.1).Detach().RequiresGrad_();

        void Step()
        {
            var loss = (x.MatMul(w1).Relu().MatMul(w2) - y).Pow(2).Mean();
            loss.Backward();
            using (Ember.Autograd.NoGrad())
            {
                w1.Sub_(w1.Grad! * 0.01);
                w2.Sub_(w2.Grad! * 0.01);
            }
            w1.Grad = null;
            w2.Grad = null;
        }

        for (int i = 0; i < 1000; i++) Step();
        long before = Settled();
        for (int i = 0; i < 9000; i++) Step();
        long after = Settled();
        // A leaked graph would hold ~10 tensors per step: 9,000 steps would add megabytes.
        Assert.True(after - before < 256 * 1024, $"managed memory grew by {after - before} bytes over 9,000 training steps");
    }

    [Fact]
    public void SavedTensorsAreReleasedByBackwardWhileTheOutputLives()
    {
        var x = Tensor.From(new double[] { 1, 2 }).RequiresGrad_();
        var (y, savedIntermediate) = Build(x);
        y.Sum().Backward();
        Settled();
        // y (and so its grad_fn) is still alive, but the node dropped the intermediate it had saved.
        Assert.False(savedIntermediate.IsAlive, "a tensor saved for backward is still reachable after backward");
        GC.KeepAlive(y);
    }

    private static (Tensor, WeakReference) Build(Tensor x)
    {
        var h = x * 3.0;     // intermediate, saved by the next Mul
        var y = h * h;
        return (y, new WeakReference(h));
    }

    private static long Settled()
    {
        for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        return GC.GetTotalMemory(true);
    }
}

[CollectionDefinition("Sequential memory measurements", DisableParallelization = true)]
public class SequentialMemoryCollection;
