using System.Runtime;
using System.Runtime.CompilerServices;

namespace Ember.Backends.Cpu;

/// <summary>
/// Recycles the large arrays behind CPU tensors. Without it every large result is a fresh
/// large-object-heap array, and fresh pages cost a page fault each: on a virtual machine that
/// dominated small networks (a ReLU over 1.2 MB took 4 ms, nearly all of it in the kernel's fault
/// path). PyTorch avoids this with its allocator; Ember, which frees nothing explicitly, lets the
/// garbage collector say when an array is dead and then hands it to the next tensor of that length.
/// </summary>
/// <remarks>
/// <para>How an array comes back, safely: each rented array gets a <see cref="Lease"/>, a small
/// finalizable object tied to the array by a <see cref="DependentHandle"/> (array primary, lease
/// secondary). The handle keeps the lease alive exactly as long as anything else reaches the array:
/// a tensor's storage, a span in a kernel, an array a user obtained. So when the lease's finalizer
/// runs, nothing but the lease could reach the array at the last collection, and nothing can reach it
/// since; only then is it pooled. No code path has to remember to keep a storage alive.</para>
/// <para>Policy: arrays of at least <see cref="MinBytes"/> only (smaller ones are cheap gen0
/// allocations); exact-length buckets, since a training loop asks for the same shapes every step;
/// at most <see cref="CapBytes"/> pooled; a length nobody rented during four full collections is
/// released to the collector.</para>
/// </remarks>
internal static class BufferPool
{
    /// <summary>Arrays smaller than this many bytes are not pooled.</summary>
    public const int MinBytes = 64 * 1024;

    /// <summary>The most bytes the pool holds at once: an eighth of the memory the GC may use, at most 1 GiB.</summary>
    public static readonly long CapBytes = Math.Min(1L << 30, Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8));

    private static readonly Lock Gate = new();
    private static readonly Dictionary<(Type, int), Bucket> Buckets = [];
    private static long _pooledBytes;
    private static int _generation;

    /// <summary>Pooled-size requests served from the pool, and served by a new array (diagnostics for the benchmarks).</summary>
    public static long Hits, Misses;

    static BufferPool() => Gen2Sentinel.Start();

    /// <summary>Bytes currently held for reuse (for tests and diagnostics).</summary>
    public static long PooledBytes { get { lock (Gate) return _pooledBytes; } }

    /// <summary>
    /// An array of exactly <paramref name="length"/> elements: a recycled one when available, zeroed
    /// when <paramref name="clear"/> (otherwise its contents are arbitrary), else a new one.
    /// </summary>
    public static T[] Rent<T>(int length, bool clear) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes < MinBytes) return clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
        NoteRent(bytes);
        T[]? array = null;
        lock (Gate)
        {
            if (Buckets.TryGetValue((typeof(T), length), out var bucket))
            {
                bucket.LastRent = _generation;
                if (bucket.Free.Count > 0)
                {
                    array = (T[])bucket.Free.Pop();
                    _pooledBytes -= bytes;
                }
            }
            else Buckets[(typeof(T), length)] = new Bucket { LastRent = _generation };
        }
        Interlocked.Increment(ref array is null ? ref Misses : ref Hits);
        if (array is null) array = clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
        else if (clear) Array.Clear(array);
        _ = new Lease(array, bytes);
        return array;
    }

    private static long _rentedBytes;
    private static long _collectAfterBytes = MinCollectBytes;

    /// <summary>The least pooled-size bytes handed out between two collections the pool asks for.</summary>
    public const long MinCollectBytes = 16L << 20;

    /// <summary>
    /// Counts the bytes handed out since the last full collection. Arrays come back only from a full
    /// collection (they live on the large-object heap, which only those examine), and the runtime, left
    /// to itself, runs one only after the heap has grown by hundreds of megabytes of fresh pages. So
    /// after handing out <see cref="MinCollectBytes"/>, or half the live heap if that is more (keeping
    /// the collector's share of the time bounded), the pool asks for one. It does not wait for the
    /// leases' finalizers: they run on the finalizer thread, and waiting for them on a user's thread
    /// could deadlock against the user's own finalizers and locks. In a training loop they have
    /// handed the arrays back long before the next step asks (measured: misses only in the first
    /// steps).
    /// </summary>
    private static void NoteRent(long bytes)
    {
        if (Interlocked.Add(ref _rentedBytes, bytes) < Volatile.Read(ref _collectAfterBytes)) return;
        Interlocked.Exchange(ref _rentedBytes, 0);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        long live = GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes;
        Volatile.Write(ref _collectAfterBytes, Math.Max(MinCollectBytes, live / 2));
    }

    /// <summary>Called by a lease's finalizer: the array is unreachable, keep it for the next renter.</summary>
    private static void Return(Array array, long bytes)
    {
        lock (Gate)
        {
            if (_pooledBytes + bytes > CapBytes) return;
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!Buckets.TryGetValue(key, out var bucket)) return; // trimmed meanwhile
            bucket.Free.Push(array);
            _pooledBytes += bytes;
        }
    }

    /// <summary>Full collections without a request after which a length's arrays are released.</summary>
    private const int StaleAfter = 4;

    /// <summary>After each full collection: release the lengths nobody asked for during the last <see cref="StaleAfter"/>.</summary>
    private static void Trim()
    {
        lock (Gate)
        {
            List<(Type, int)>? stale = null;
            foreach (var (key, bucket) in Buckets)
            {
                if (_generation - bucket.LastRent < StaleAfter) continue;
                foreach (var a in bucket.Free) _pooledBytes -= Buffer.ByteLength(a);
                (stale ??= []).Add(key);
            }
            if (stale is not null) foreach (var key in stale) Buckets.Remove(key);
            _generation++;
        }
    }

    private sealed class Bucket
    {
        public readonly Stack<Array> Free = new();
        public int LastRent;
    }

    /// <summary>Finalized once its array is unreachable (see the class remarks); then returns it to the pool.</summary>
    private sealed class Lease
    {
        private readonly Array _array;
        private readonly long _bytes;
        private DependentHandle _handle;

        public Lease(Array array, long bytes)
        {
            _array = array;
            _bytes = bytes;
            _handle = new DependentHandle(array, this);
        }

        ~Lease()
        {
            _handle.Dispose();
            if (!Environment.HasShutdownStarted) Return(_array, _bytes);
        }
    }

    /// <summary>An object whose finalizer runs once per full (gen 2) collection and re-arms itself.</summary>
    private sealed class Gen2Sentinel
    {
        public static void Start() => _ = new Gen2Sentinel();

        ~Gen2Sentinel()
        {
            if (Environment.HasShutdownStarted) return;
            Trim();
            GC.ReRegisterForFinalize(this);
        }
    }
}
