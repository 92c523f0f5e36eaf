using Ember.Backends.Cpu;
using Ember.NN;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// Long contiguous elementwise runs split over the worker team: every element is written once, and
/// the results are those of one thread to the bit (exp included: each chunk runs the vector loop as
/// the whole run would). In the collection that runs alone, since these tests change <see cref="Threads.Count"/>.
/// </summary>
[Collection("DefaultGenerator")]
public class ElementwiseSplitTests
{
    private static T WithThreads<T>(int count, Func<T> body)
    {
        int saved = Threads.Count;
        try { Threads.Count = count; return body(); }
        finally { Threads.Count = saved; }
    }

    [Theory]
    [InlineData(ElementwiseSplit.MinElements - 1, 2)]  // stays whole
    [InlineData(ElementwiseSplit.MinElements + 37, 2)] // two chunks, the last one ragged
    [InlineData(300_001, 3)]                           // three chunks
    public void ChunksCoverTheRunOnceEach(int n, int threads)
    {
        int chunks = WithThreads(threads, () => ElementwiseSplit.Chunks(n));
        Assert.Equal(n < ElementwiseSplit.MinElements ? 1 : threads, chunks);
        var hits = new int[n];
        for (int c = 0; c < chunks; c++)
        {
            var (at, len) = ElementwiseSplit.Range(n, chunks, c);
            if (c < chunks - 1) Assert.Equal(0, len % 64);
            for (int i = at; i < at + len; i++) hits[i]++;
        }
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void SplitRunsGiveTheOneThreadResults()
    {
        Tensor.ManualSeed(3);
        var a = Tensor.Randn(3, 100_003);
        var b = Tensor.Randn(3, 100_003);
        Tensor[] Ops() => [F.Relu(a), a.Exp(), a * b, a + 2, 2 - a, Tensor.BinaryOp(Ember.Backends.BinaryOp.ReluBackward, a, b, a.DType, "threshold_backward")];
        var one = WithThreads(1, Ops);
        var two = WithThreads(2, Ops);
        for (int i = 0; i < one.Length; i++)
            Assert.Equal(one[i].ToArray<float>(), two[i].ToArray<float>());
        Assert.Equal(one[0].ToArray<float>(), a.ToArray<float>().Select(v => v < 0 ? 0f : v).ToArray());
    }
}
