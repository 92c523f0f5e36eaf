using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Ember.Backends.Cpu;

/// <summary>
/// Recycles the large arrays behind CPU tensors. Without it every large result is a fresh
/// large-object-heap array, and fresh pages cost a page fault each: on a virtual machine that
/// dominated small networks (a ReLU over 1.2 MB took 4 ms, nearly all of it in the kernel's fault
/// path). PyTorch avoids this with its allocator; Ember, which frees nothing explicitly, lets the
/// garbage collector say when an array is dead and then hands it to the next tensor of that length.
/// The user-facing settings and figures are on <see cref="Memory"/>.
/// </summary>
/// <remarks>
/// <para>How an array comes back, safely: each rented array gets a <see cref="Lease"/>, a small
/// finalizable object tied to the array by a <see cref="DependentHandle"/> (array primary, lease
/// secondary). The handle keeps the lease alive exactly as long as anything else reaches the array:
/// a tensor's storage, a span in a kernel, an array a user obtained. So when the lease's finalizer
/// runs, nothing but the lease could reach the array at the last collection, and nothing can reach it
/// since; only then is it pooled. No code path has to remember to keep a storage alive.</para>
/// <para>Policy: arrays of at least <see cref="MinBytes"/> only (smaller ones are cheap gen0
/// allocations); exact-length buckets, since a training loop asks for the same shapes every step.
/// How much is kept follows the working set: arrays come back only at full collections, so a length
/// needs at most as many free arrays as it is rented between two of them. Each bucket remembers its
/// rents over the last <see cref="Window"/> full collections (its high-water mark, which decays as
/// old collections leave the window) and keeps no more free arrays than that, plus a quarter; a length nobody rented
/// during the window is released. On top of that a byte budget (<see cref="LimitBytes"/>, default
/// min(256 MiB, 1/16 of memory)) is never exceeded: over it, arrays of lengths not rented since the
/// last collection are evicted first, else the returning array is dropped. After
/// <see cref="IdleMilliseconds"/> without a rent, everything is released and one collection run,
/// so an idle process gives its memory back.</para>
/// </remarks>
internal static class BufferPool
{
    /// <summary>
    /// Arrays smaller than this many bytes are not pooled: 80 KiB, just under the runtime's
    /// large-object threshold (85,000 bytes), so every pooled array is a large-object-heap one. Smaller
    /// arrays are gen0 allocations in memory the collector recycles itself, without fresh pages;
    /// pooling them only added full collections: a 128 x 128 product's 64 KiB result made the pool ask
    /// for one every 256 products, 0.5-0.9 ms each, 7-12 % of the product's time.
    /// </summary>
    public const int MinBytes = 80 * 1024;

    /// <summary>Full collections a bucket's high-water mark remembers.</summary>
    public const int Window = 4;

    /// <summary>After this long without a rent, the pool releases everything it holds.</summary>
    public static int IdleMilliseconds = 5000;

    /// <summary>The environment variable that sets the initial budget, in MiB.</summary>
    public const string LimitVariable = "EMBER_POOL_LIMIT_MB";

    /// <summary>min(256 MiB, 1/16 of the memory the GC may use), at least 16 MiB.</summary>
    public static readonly long DefaultLimitBytes =
        Math.Min(256L << 20, Math.Max(16L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 16));

    private static readonly Lock Gate = new();
    private static readonly Dictionary<(Type, int), Bucket> Buckets = [];
    private static long _limitBytes = InitialLimit();
    private static long _pooledBytes, _peakPooledBytes, _releasedBytes, _hits, _misses;
    private static int _generation;
    private static long _rentsSinceTick;
    private static Timer? _idleTimer;

    static BufferPool() => Gen2Sentinel.Start();

    private static long InitialLimit()
    {
        string? mb = Environment.GetEnvironmentVariable(LimitVariable);
        return long.TryParse(mb, NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= long.MaxValue >> 20
            ? v << 20 : DefaultLimitBytes;
    }

    /// <summary>The budget in bytes; lowering it releases at once what no longer fits.</summary>
    public static long LimitBytes
    {
        get => Volatile.Read(ref _limitBytes);
        set
        {
            lock (Gate)
            {
                _limitBytes = value;
                EvictUntil(value, protectedGeneration: int.MaxValue);
            }
        }
    }

    /// <summary>Bytes currently held for reuse.</summary>
    public static long PooledBytes { get { lock (Gate) return _pooledBytes; } }

    /// <summary>A snapshot of the pool's figures.</summary>
    public static PoolStats Stats()
    {
        lock (Gate)
        {
            int free = 0;
            foreach (var b in Buckets.Values) free += b.Free.Count;
            return new PoolStats(_pooledBytes, _peakPooledBytes, _limitBytes, free, Buckets.Count,
                Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), _releasedBytes);
        }
    }

    /// <summary>Zeroes the counters and sets the peak to what is pooled now.</summary>
    public static void ResetStats()
    {
        lock (Gate)
        {
            _peakPooledBytes = _pooledBytes;
            _releasedBytes = 0;
            Interlocked.Exchange(ref _hits, 0);
            Interlocked.Exchange(ref _misses, 0);
        }
    }

    /// <summary>Drops every pooled array (the lengths' histories stay), then runs a full collection so the memory can go back to the system.</summary>
    public static void EmptyCache()
    {
        lock (Gate) EvictUntil(0, protectedGeneration: int.MaxValue);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

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
            if (!Buckets.TryGetValue((typeof(T), length), out var bucket))
                Buckets[(typeof(T), length)] = bucket = new Bucket(bytes);
            bucket.Rents++;
            bucket.LastRent = _generation;
            if (bucket.Free.Count > 0)
            {
                array = (T[])bucket.Free.Pop();
                _pooledBytes -= bytes;
            }
        }
        Interlocked.Increment(ref _rentsSinceTick);
        Interlocked.Increment(ref array is null ? ref _misses : ref _hits);
        if (array is null) array = clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
        else if (clear) Array.Clear(array);
        _ = new Lease(array, bytes);
        return array;
    }

    private static long _rentedBytes;

    /// <summary>
    /// Starts a new interval: the count of bytes handed out since the last collection goes back to zero.
    /// For tests, whose expectations would otherwise depend on what earlier tests rented.
    /// </summary>
    internal static void StartInterval() => Interlocked.Exchange(ref _rentedBytes, 0);
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
        // The pool's own arrays survive every collection but are not the program's working set; counting
        // them would lengthen the interval, which raises the per-length need, which grows the pool.
        long live = GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes - PooledBytes;
        Volatile.Write(ref _collectAfterBytes, Math.Max(MinCollectBytes, live / 2));
    }

    /// <summary>Called by a lease's finalizer: the array is unreachable; keep it if the working set and the budget allow.</summary>
    private static void Return(Array array, long bytes)
    {
        lock (Gate)
        {
            var key = (array.GetType().GetElementType()!, array.Length);
            if (!Buckets.TryGetValue(key, out var bucket) || bucket.Free.Count >= bucket.Need)
            {
                _releasedBytes += bytes; // trimmed meanwhile, or more than the length is rented between collections
                return;
            }
            if (_pooledBytes + bytes > _limitBytes)
            {
                // Make room from lengths nobody rented since the last collection (a finished workload);
                // never from this one or lengths in use now, so a working set over the budget does not thrash.
                EvictUntil(_limitBytes - bytes, protectedGeneration: _generation);
                if (_pooledBytes + bytes > _limitBytes) { _releasedBytes += bytes; return; }
            }
            bucket.Free.Push(array);
            _pooledBytes += bytes;
            if (_pooledBytes > _peakPooledBytes) _peakPooledBytes = _pooledBytes;
        }
        ArmIdleTimer();
    }

    /// <summary>Drops free arrays, least recently rented lengths first, until at most <paramref name="target"/> bytes are pooled; lengths rented at or after <paramref name="protectedGeneration"/> are spared. Under the gate.</summary>
    private static void EvictUntil(long target, int protectedGeneration)
    {
        while (_pooledBytes > target)
        {
            Bucket? victim = null;
            foreach (var b in Buckets.Values)
                if (b.Free.Count > 0 && b.LastRent < protectedGeneration && (victim is null || b.LastRent < victim.LastRent))
                    victim = b;
            if (victim is null) return;
            while (victim.Free.Count > 0 && _pooledBytes > target) Drop(victim);
        }
    }

    private static void Drop(Bucket bucket)
    {
        bucket.Free.Pop();
        _pooledBytes -= bucket.Bytes;
        _releasedBytes += bucket.Bytes;
    }

    /// <summary>
    /// After each full collection: each length's high-water mark moves on by one collection (the oldest
    /// leaves the window), free arrays beyond it are released, and lengths not rented during the whole
    /// window are forgotten.
    /// </summary>
    internal static void Trim()
    {
        lock (Gate)
        {
            List<(Type, int)>? stale = null;
            foreach (var (key, bucket) in Buckets)
            {
                bucket.EndWindowSlot(_generation);
                while (bucket.Free.Count > bucket.Need) Drop(bucket);
                if (bucket.Need == 0) (stale ??= []).Add(key);
            }
            if (stale is not null) foreach (var key in stale) Buckets.Remove(key);
            _generation++;
        }
    }

    /// <summary>Starts the idle check, once, when the pool first holds something; it re-arms itself while the pool is not empty.</summary>
    private static void ArmIdleTimer()
    {
        if (Volatile.Read(ref _idleTimer) is not null) return;
        // A thread-pool timer: its thread is a background thread, so it never keeps the process alive.
        var timer = new Timer(_ => OnIdleTick(), null, Timeout.Infinite, Timeout.Infinite);
        if (Interlocked.CompareExchange(ref _idleTimer, timer, null) is null) timer.Change(IdleMilliseconds, IdleMilliseconds);
        else timer.Dispose();
    }

    private static void OnIdleTick()
    {
        if (Interlocked.Exchange(ref _rentsSinceTick, 0) != 0 || Environment.HasShutdownStarted) return;
        if (ReleaseAll() > 0) GC.Collect(2, GCCollectionMode.Optimized, blocking: true, compacting: false);
    }

    /// <summary>How many free arrays of this element type and length the pool holds (for tests).</summary>
    internal static int FreeCount<T>(int length)
    {
        lock (Gate) return Buckets.TryGetValue((typeof(T), length), out var b) ? b.Free.Count : 0;
    }

    /// <summary>Drops every free array (as an idle period does); returns the bytes dropped.</summary>
    internal static long ReleaseAll()
    {
        lock (Gate)
        {
            long before = _pooledBytes;
            EvictUntil(0, protectedGeneration: int.MaxValue);
            return before - _pooledBytes;
        }
    }

    private sealed class Bucket(long bytes)
    {
        public readonly Stack<Array> Free = new();
        public readonly long Bytes = bytes;
        /// <summary>Rents since the last full collection.</summary>
        public int Rents;
        /// <summary>The generation of the last rent, for eviction order.</summary>
        public int LastRent;
        private readonly int[] _window = new int[Window];

        /// <summary>
        /// The most free arrays worth keeping: the most rents between two full collections over the window,
        /// plus a quarter and one, since collections the runtime starts on its own make some intervals short.
        /// </summary>
        public int Need { get { int n = Math.Max(Rents, _peak); return n == 0 ? 0 : n + n / 4 + 1; } }
        private int _peak;

        public void EndWindowSlot(int generation)
        {
            _window[generation % Window] = Rents;
            Rents = 0;
            _peak = _window.Max();
        }
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
