using Ember.NN;
using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Backward passes on several threads into the same leaves (issue 12, item 3): PyTorch accumulates
/// gradients into a leaf under a lock, so no addition is lost. Inputs are small integers, so every
/// partial sum is exact in float32 and the totals can be compared for equality.
/// </summary>
public class ConcurrentBackwardTests
{
    // Runs `iterations` of m(x).sum().backward() on each of `threads` threads, started together.
    private static void Hammer(Linear m, Tensor x, int threads, int iterations) =>
        RunTogether(threads, () => { for (int i = 0; i < iterations; i++) m.Call(x).Sum().Backward(); });

    // Runs `body` on `threads` threads released at the same moment; rethrows the first failure.
    private static void RunTogether(int threads, Action body, Action? alongside = null)
    {
        using var start = new Barrier(threads);
        var workers = new Thread[threads];
        Exception? failure = null;
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    body();
                }
                catch (Exception e) { failure ??= e; }
            });
            workers[t].Start();
        }
        alongside?.Invoke();
        foreach (var w in workers) w.Join();
        if (failure is not null) throw new InvalidOperationException("a backward thread failed", failure);
    }

    // x[b, i] = (b + i) % 3 + 1: d(sum)/dW[o, i] = sum_b x[b, i]; d(sum)/db[o] = batch size.
    private static Tensor Input(int batch, int features) =>
        Tensor.From(Enumerable.Range(0, batch * features).Select(k => (float)((k / features + k % features) % 3 + 1)).ToArray()).Reshape(batch, features);

    private static void AssertExactTotals(Linear m, Tensor x, int passes)
    {
        int batch = x.Shape[0];
        var colSums = x.Sum(0).ToArray<float>();
        var bias = m.Bias!.Grad!.ToArray<float>();
        var weight = m.Weight.Grad!.Reshape(m.OutFeatures, m.InFeatures).ToArray<float>();
        for (int o = 0; o < m.OutFeatures; o++)
        {
            Assert.Equal((float)(batch * passes), bias[o]);
            for (int i = 0; i < m.InFeatures; i++)
                Assert.Equal(colSums[i] * passes, weight[o * m.InFeatures + i]);
        }
    }

    [Fact]
    public void TwoThreadsOf500BackwardsLoseNoGradient()
    {
        // The case: one Linear, two threads, 500 backward passes each. The layer is wide
        // enough that two unsynchronised additions into its gradients overlap in nearly every run.
        Tensor.ManualSeed(0);
        var m = new Linear(32, 1024);
        var x = Input(4, 32);
        Hammer(m, x, threads: 2, iterations: 500);
        AssertExactTotals(m, x, passes: 2 * 500);
    }

    [Fact]
    public void EightThreadsIntoWideLeavesLoseNoGradient()
    {
        // Wider leaves keep each addition busy longer, so unsynchronised updates would overlap often.
        Tensor.ManualSeed(0);
        var m = new Linear(64, 256);
        var x = Input(3, 64);
        Hammer(m, x, threads: 8, iterations: 150);
        AssertExactTotals(m, x, passes: 8 * 150);
    }

    [Fact]
    public void BackwardThroughOneRetainedGraphOnFourThreadsKeepsEveryRetainedGradient()
    {
        // A shared graph, retained: its nodes run on several threads at once, and RetainGrad's
        // accumulation into the non-leaf y is as exposed as a leaf's.
        var x = Tensor.From(Enumerable.Range(1, 64).Select(v => (float)(v % 5)).ToArray()).RequiresGrad_();
        var y = x * 2f;
        y.RetainGrad();
        var loss = (y * 3f).Sum();
        RunTogether(4, () => { for (int i = 0; i < 200; i++) loss.Backward(retainGraph: true); });
        Assert.All(y.Grad!.ToArray<float>(), v => Assert.Equal(3f * 800, v));
        Assert.All(x.Grad!.ToArray<float>(), v => Assert.Equal(6f * 800, v));
    }

    [Fact]
    public void HooksRegisteredAndRemovedDuringBackwardOnOtherThreadsNeitherThrowNorDropGradients()
    {
        var w = Tensor.Ones(32).RequiresGrad_();
        long calls = 0;
        Tensor? Count(Tensor g) { Interlocked.Increment(ref calls); return null; }
        using var always = w.RegisterHook(Count);
        RunTogether(3, () => { for (int i = 0; i < 300; i++) (w * 2f).Sum().Backward(); }, alongside: () =>
        {
            // Meanwhile, on the test's own thread, hooks come and go on the same leaf (until the
            // permanent hook alone could have counted every pass).
            while (Interlocked.Read(ref calls) < 900)
                using (w.RegisterHook(Count)) { }
        });
        Assert.True(Interlocked.Read(ref calls) >= 900);
        Assert.All(w.Grad!.ToArray<float>(), v => Assert.Equal(2f * 900, v));
    }
}
