using System.Runtime.CompilerServices;
using Ember.Backends.Cpu;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The CPU buffer pool: a dead tensor's large array is handed to the next tensor of that length, and
/// never while anything else can still reach it. Each test uses a length no other test allocates, so
/// tests running in parallel cannot take each other's arrays. They run alone all the same: the pool's
/// budget and its collection count are shared by the whole process, and a vision test filling the
/// budget beside them made the pool drop one of eight returning arrays (CI, 1 run in several).
/// </summary>
[Collection("Sequential memory measurements")]
public class BufferPoolTests
{
    // Each test starts a fresh interval: what earlier tests rented or missed must not trigger the pool's
    // own collection in the middle of a test's burst (the high-water test then saw 7 free arrays, not 8).
    public BufferPoolTests() => BufferPool.StartInterval();

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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] DropTensorsOf(int n, int count)
    {
        var ts = Enumerable.Range(0, count).Select(_ => Tensor.Full([n], 1f)).ToArray();
        return ts.Select(t => new WeakReference(ArrayOf(t), trackResurrection: true)).ToArray();
    }

    /// <summary>Runs <paramref name="body"/> with the pool's budget set to <paramref name="limit"/>, restoring it after.</summary>
    private static void WithLimit(long limit, Action body)
    {
        long saved = Memory.PoolLimitBytes;
        Memory.PoolLimitBytes = limit;
        try { body(); }
        finally { Memory.PoolLimitBytes = saved; }
    }

    [Fact]
    public void TheBudgetIsNeverExceeded()
    {
        const int n = 123_491; // ~482 KiB each: four fit in 2 MiB, not five
        WithLimit(2L << 20, () =>
        {
            long releasedBefore = Memory.GetStats().ReleasedBytes;
            var dropped = DropTensorsOf(n, 8);
            CollectAndFinalize();
            Assert.InRange(Memory.PooledBytes, 0, 2L << 20);
            Assert.InRange(BufferPool.FreeCount<float>(n), 1, 4);
            Assert.True(Memory.GetStats().ReleasedBytes - releasedBefore >= 4L * n * sizeof(float));
            GC.KeepAlive(dropped);
        });
    }

    [Fact]
    public void LoweringTheBudgetReleasesAtOnceAndZeroTurnsPoolingOff()
    {
        const int n = 123_493;
        var dropped = DropTensorOf(n, 1f);
        CollectAndFinalize();
        Assert.Equal(1, BufferPool.FreeCount<float>(n));
        WithLimit(0, () =>
        {
            Assert.Equal(0, Memory.PooledBytes);
            Assert.Equal(0, BufferPool.FreeCount<float>(n));
            CollectAndFinalize();
            Assert.False(dropped.IsAlive, "a released array goes to the collector");
            var again = DropTensorOf(n, 2f);
            CollectAndFinalize();
            CollectAndFinalize();
            Assert.False(again.IsAlive, "with a zero budget nothing is kept");
        });
    }

    [Fact]
    public void ANegativeBudgetIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Memory.PoolLimitBytes = -1);
        Assert.Contains("Memory.PoolLimitBytes", e.Message);
        Assert.True(Memory.DefaultPoolLimitBytes is > 0 and <= 256L << 20);
    }

    [Fact]
    public void FreeArraysBeyondTheRecentHighWaterMarkAreReleased()
    {
        const int n = 123_497;
        _ = DropTensorsOf(n, 8); // eight at once: the length's high-water mark is 8
        CollectAndFinalize();
        Assert.Equal(8, BufferPool.FreeCount<float>(n));
        // Then one at a time: once the burst has left the window, one free array is kept (two with the slack).
        for (int i = 0; i < BufferPool.Window; i++)
        {
            BufferPool.Trim();
            GC.KeepAlive(Tensor.Full([n], 1f));
        }
        BufferPool.Trim();
        Assert.InRange(BufferPool.FreeCount<float>(n), 0, 2);
    }

    [Fact]
    public void ALengthNobodyRentsIsForgotten()
    {
        const int n = 123_499;
        var dropped = DropTensorOf(n, 1f);
        CollectAndFinalize();
        Assert.Equal(1, BufferPool.FreeCount<float>(n));
        for (int i = 0; i <= BufferPool.Window; i++) BufferPool.Trim();
        Assert.Equal(0, BufferPool.FreeCount<float>(n));
        CollectAndFinalize();
        Assert.False(dropped.IsAlive);
    }

    [Fact]
    public void AnIdlePoolReleasesEverything()
    {
        const int n = 123_503;
        var dropped = DropTensorOf(n, 1f);
        CollectAndFinalize();
        Assert.Equal(1, BufferPool.FreeCount<float>(n));
        Assert.True(BufferPool.ReleaseAll() >= (long)n * sizeof(float));
        Assert.Equal(0, BufferPool.FreeCount<float>(n));
        CollectAndFinalize();
        Assert.False(dropped.IsAlive);
    }

    [Fact]
    public void EmptyCacheReleasesThePoolsArraysButNotLiveTensors()
    {
        const int n = 123_509;
        var live = Tensor.Full([n], 5f);
        var dropped = DropTensorOf(n, 1f);
        CollectAndFinalize();
        Assert.Equal(1, BufferPool.FreeCount<float>(n));
        Memory.EmptyCache();
        Assert.Equal(0, BufferPool.FreeCount<float>(n));
        Assert.False(dropped.IsAlive, "EmptyCache collects what it released");
        Assert.All(live.ToArray<float>(), v => Assert.Equal(5f, v));
    }

    [Fact]
    public void StatsCountHitsMissesAndBytes()
    {
        const int n = 123_511;
        Memory.ResetStats();
        _ = DropTensorOf(n, 1f); // a miss: the length is new
        CollectAndFinalize();
        var mid = Memory.GetStats();
        Assert.True(mid.Misses >= 1);
        Assert.True(mid.PooledBytes >= (long)n * sizeof(float));
        Assert.True(mid.PeakPooledBytes >= mid.PooledBytes);
        Assert.True(mid.PooledArrays >= 1 && mid.Lengths >= 1);
        Assert.Equal(Memory.PoolLimitBytes, mid.LimitBytes);
        GC.KeepAlive(Tensor.Zeros(n)); // a hit
        Assert.True(Memory.GetStats().Hits >= 1);
    }

    [Fact]
    public void ArraysUnderTheLargeObjectThresholdAreNotPooled()
    {
        // 76 KiB: a gen0 array, which the collector recycles itself; pooling it only added full collections.
        var dropped = DropTensorOf(19_456, 1f);
        CollectAndFinalize();
        Assert.False(dropped.IsAlive);
        Assert.Equal(0, BufferPool.FreeCount<float>(19_456));
    }

}
