using Xunit;

namespace Ember.Tests;

[Collection("DefaultGenerator")]
public class ThreadsTests
{
    [Fact]
    public void OneThreadGivesTheSameProductAndSumAsMany()
    {
        Tensor.ManualSeed(3);
        var a = Tensor.Randn(300, 200);
        var b = Tensor.Randn(200, 250);
        var many = a.MatMul(b);
        var manySum = many.Sum(0);
        int saved = Threads.Count;
        try
        {
            Threads.Count = 1;
            Assert.Equal(1, Threads.Count);
            TensorAssert.Equal(many, a.MatMul(b));
            TensorAssert.Equal(manySum, many.Sum(0));
        }
        finally { Threads.Count = saved; }
    }

    [Fact]
    public void ZeroThreadsIsRefused() =>
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Threads.Count = 0, "Threads.Count", "positive", "0");
}
