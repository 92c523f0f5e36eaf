using System.Runtime.CompilerServices;
using Ember.Backends.Cpu;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The CPU buffer pool: a dead tensor's large array is handed to the next tensor of that length, and
/// never while anything else can still reach it. Each test uses a length no other test allocates, so
/// tests running in parallel cannot take each other's arrays.
/// </summary>
public class BufferPoolTests
{
    private static float[] ArrayOf(Tensor t) => CpuBackend.Data<float>(t.Storage);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DropTensorOf(int n, float fill)
    {
        var t = Tensor.Full([n], fill);
        return new WeakReference(ArrayOf(t), trackResurrection: true); // long: the pool resurrects the array
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] KeepArrayOfDroppedTensor(int n)
    {
        var t = Tensor.Full([n], 7f);
        return ArrayOf(t);
    }

    private static void CollectAndFinalize()
    {
        for (int i = 0; i < 1; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void ADeadTensorsArrayIsReusedAndZeroedForZeros()
    {
        const int n = 123_457; // ~480 KiB of float32: pooled
        var dropped = DropTensorOf(n, 3f);
        CollectAndFinalize();
        Assert.True(dropped.IsAlive, "the pool should hold the dead tensor's array");
        var t = Tensor.Zeros(n);
        Assert.Same(dropped.Target, ArrayOf(t));
        Assert.All(ArrayOf(t), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AnArrayStillReachableIsNeverReused()
    {
        const int n = 123_461;
        float[] held = KeepArrayOfDroppedTensor(n);
        CollectAndFinalize();
        var t = Tensor.Zeros(n);
        Assert.NotSame(held, ArrayOf(t));
        held[0] = 42f;
        Assert.Equal(0f, t[0].Item<float>());
        Assert.All(held.AsSpan(1).ToArray(), v => Assert.Equal(7f, v));
    }

    [Fact]
    public void ResultsOverRecycledMemoryAreExact()
    {
        // Results allocated without zeroing (elementwise, matmul, convolution) must not show the
        // previous owner's values anywhere.
        const int n = 123_479;
        for (int round = 0; round < 3; round++)
        {
            _ = DropTensorOf(n, float.NaN);
            CollectAndFinalize();
            var x = Tensor.Arange(n).To(DType.Float32);
            var y = x.Relu() + 1;
            Assert.Equal(Enumerable.Range(0, n).Select(i => i + 1f), y.ToArray<float>());
        }
    }

    [Fact]
    public void SmallArraysAreNotPooled()
    {
        var dropped = DropTensorOf(1000, 1f);
        CollectAndFinalize();
        Assert.False(dropped.IsAlive);
    }
}
