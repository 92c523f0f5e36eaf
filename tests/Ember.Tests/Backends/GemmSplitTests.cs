using Ember.Backends.Cpu.Gemm;
using Ember.NN;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// How the GEMM splits a product between threads, and that the split never changes a result: every
/// element of C is summed in the same order whoever computes it, so products are bit-identical at
/// every thread count (square, skinny, wide, transposed, batched, and convolutions through im2col).
/// </summary>
[Collection("DefaultGenerator")]
public class GemmSplitTests
{
    [Fact]
    public void SkinnyProductsSplitAlongTheirLongSide()
    {
        Assert.Equal((1, 2), Gemm<float>.Split(1, 100, 256, 2));  // a few rows, many columns
        Assert.Equal((2, 1), Gemm<float>.Split(100, 1, 256, 2));  // many rows, one tile of columns
        Assert.Equal((1, 1), Gemm<float>.Split(1, 1, 256, 4));    // one tile: nothing to split
        var (tm, tn) = Gemm<float>.Split(40, 40, 256, 4);
        Assert.Equal(4, tm * tn);
    }

    [Theory]
    [InlineData(300, 200, 250, "")]
    [InlineData(9, 700, 1500, "")]
    [InlineData(1500, 700, 9, "")]
    [InlineData(130, 600, 70, "T_")]
    [InlineData(70, 300, 130, "_T")]
    [InlineData(200, 520, 190, "TT")]
    public void ProductsAreBitIdenticalAtEveryThreadCount(int m, int k, int n, string t)
    {
        var gen = new Generator((ulong)(m + k + n));
        var a = t.StartsWith('T') ? Tensor.Randn([k, m], generator: gen).T : Tensor.Randn([m, k], generator: gen);
        var b = t.EndsWith('T') ? Tensor.Randn([n, k], generator: gen).T : Tensor.Randn([k, n], generator: gen);
        var reference = WithThreads(1, () => a.MatMul(b));
        foreach (int threads in new[] { 2, 3, 4 })
            TensorAssert.Equal(reference, WithThreads(threads, () => a.MatMul(b)));
    }

    [Fact]
    public void BatchedProductsAreBitIdenticalAtEveryThreadCount()
    {
        var gen = new Generator((ulong)(5));
        var a = Tensor.Randn([3, 150, 300], generator: gen);
        var b = Tensor.Randn([3, 300, 170], generator: gen);
        var reference = WithThreads(1, () => a.MatMul(b));
        foreach (int threads in new[] { 2, 4 })
            TensorAssert.Equal(reference, WithThreads(threads, () => a.MatMul(b)));
    }

    [Fact]
    public void Im2ColConvolutionsAreBitIdenticalAtEveryThreadCount()
    {
        var gen = new Generator((ulong)(6));
        var x = Tensor.Randn([2, 96, 20, 20], generator: gen);
        var w = Tensor.Randn([80, 96, 3, 3], generator: gen);
        var reference = WithThreads(1, () => F.Conv2d(x, w, padding: 1));
        foreach (int threads in new[] { 2, 3 })
            TensorAssert.Equal(reference, WithThreads(threads, () => F.Conv2d(x, w, padding: 1)));
    }

    [Theory]
    [InlineData(20, 2)]  // two chunks of ten rows
    [InlineData(5, 2)]   // chunks of two and three rows
    [InlineData(3, 1)]   // too few rows to split: one chunk
    [InlineData(1, 2)]   // one row: the matrix-vector path
    public void LstmLayersAreBitIdenticalAtEveryThreadCount(int batch, int layers)
    {
        // The fused LSTM layer splits the batch's sequences among threads; each chunk must take the
        // same GEMM path as the whole batch, forward and backward.
        Tensor.ManualSeed(11);
        var lstm = new LSTM(12, 16, layers);
        var x = Tensor.Randn(7, batch, 12);
        Tensor[] Run()
        {
            var xi = x.Detach().RequiresGrad_();
            lstm.ZeroGrad();
            var (y, (h, c)) = lstm.Call(xi);
            (y.Sum() + h.Sum() * 2 + c.Sum() * 3).Backward();
            return [y, h, c, xi.Grad!, .. lstm.Parameters().Select(p => p.Grad!)];
        }
        var reference = WithThreadsAll(1, Run);
        var twoThreads = WithThreadsAll(2, Run);
        for (int i = 0; i < reference.Length; i++) TensorAssert.Equal(reference[i], twoThreads[i]);
    }

    private static Tensor[] WithThreadsAll(int count, Func<Tensor[]> body)
    {
        int saved = Threads.Count;
        try { Threads.Count = count; return body(); }
        finally { Threads.Count = saved; }
    }

    private static Tensor WithThreads(int count, Func<Tensor> body)
    {
        int saved = Threads.Count;
        try { Threads.Count = count; return body(); }
        finally { Threads.Count = saved; }
    }
}
