using Ember.Backends.Cpu;

namespace Ember;

/// <summary>
/// The CPU buffer pool, which recycles the large arrays (80 KiB and up: those on the large-object heap) of dead tensors: its budget,
/// its figures, and a way to empty it (PyTorch's <c>torch.cuda.empty_cache()</c>,
/// <c>memory_stats()</c> and <c>memory_reserved()</c> for its caching allocator).
/// </summary>
/// <remarks>
/// The pool keeps only what the current workload needs: per array length, at most as many free
/// arrays as that length was rented between two full garbage collections, over the last four (plus a quarter); lengths
/// nobody asked for in that time are released, and after five seconds without a request the pool
/// releases everything. <see cref="PoolLimitBytes"/> caps it whatever the workload.
/// </remarks>
public static class Memory
{
    /// <summary>
    /// The most bytes the pool may hold at once. The default is min(256 MiB, 1/16 of the memory
    /// available to the process), or the environment variable <c>EMBER_POOL_LIMIT_MB</c> (a whole number
    /// of MiB) when set at start-up. 0 turns pooling off. Lowering it releases at once what no longer fits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public static long PoolLimitBytes
    {
        get => BufferPool.LimitBytes;
        set
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Memory.PoolLimitBytes: the budget must be 0 or more bytes, got {value}.");
            BufferPool.LimitBytes = value;
        }
    }

    /// <summary>The default of <see cref="PoolLimitBytes"/> on this machine: min(256 MiB, 1/16 of available memory).</summary>
    public static long DefaultPoolLimitBytes => BufferPool.DefaultLimitBytes;

    /// <summary>Bytes the pool holds for reuse now (<c>torch.cuda.memory_reserved() - memory_allocated()</c>, in spirit).</summary>
    public static long PooledBytes => BufferPool.PooledBytes;

    /// <summary>A snapshot of the pool's figures: bytes held, peak, hits, misses, bytes released.</summary>
    public static PoolStats GetStats() => BufferPool.Stats();

    /// <summary>Zeroes the hit, miss and released counters and sets the peak to what is held now (<c>torch.cuda.reset_peak_memory_stats()</c>).</summary>
    public static void ResetStats() => BufferPool.ResetStats();

    /// <summary>
    /// Releases every array the pool holds and runs a full garbage collection, so the memory can go back
    /// to the operating system (<c>torch.cuda.empty_cache()</c>). Live tensors are untouched; arrays of
    /// tensors that die later are pooled again as usual.
    /// </summary>
    public static void EmptyCache() => BufferPool.EmptyCache();
}
