namespace Ember;

/// <summary>
/// A snapshot of the CPU buffer pool's figures (<see cref="Memory.GetStats"/>; PyTorch's
/// <c>torch.cuda.memory_stats()</c> for its caching allocator).
/// </summary>
/// <param name="PooledBytes">Bytes held for reuse now: dead tensors' arrays waiting for the next tensor of their length.</param>
/// <param name="PeakPooledBytes">The most bytes held at once since the start or the last <see cref="Memory.ResetStats"/>.</param>
/// <param name="LimitBytes">The budget, <see cref="Memory.PoolLimitBytes"/>.</param>
/// <param name="PooledArrays">How many arrays are held now.</param>
/// <param name="Lengths">How many distinct (element type, length) pairs the pool tracks now.</param>
/// <param name="Hits">Requests for a large array served from the pool.</param>
/// <param name="Misses">Requests for a large array served by a new one.</param>
/// <param name="ReleasedBytes">Bytes of dead arrays the pool let the garbage collector have: beyond the working set, over the budget, idle, or emptied.</param>
public readonly record struct PoolStats(
    long PooledBytes, long PeakPooledBytes, long LimitBytes, int PooledArrays, int Lengths,
    long Hits, long Misses, long ReleasedBytes);
