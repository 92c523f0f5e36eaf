using Ember.Rng;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Ember.Data;

/// <summary>
/// Iterates a dataset in batches (<c>torch.utils.data.DataLoader</c>): a sampler picks the order,
/// a batch sampler groups indices, the collate function merges samples into a batch. Each
/// <c>foreach</c> over the loader is one epoch. Build one with <see cref="DataLoader"/>'s
/// <c>Create</c> overloads, which pick the default collation for common sample types.
/// </summary>
/// <remarks>
/// With <see cref="NumWorkers"/> &gt; 0, batches are loaded and collated on that many worker
/// threads (not processes: .NET has no GIL, so threads run in parallel), batch k on worker
/// k mod NumWorkers as PyTorch assigns them, and are still yielded strictly in sampler order; at most
/// <c>NumWorkers * PrefetchFactor</c> batches are in flight. The dataset's indexer and the collate
/// function must therefore be safe to call from several threads. Leaving the <c>foreach</c> early
/// stops the workers.
/// <para>
/// An exception from a dataset item (the indexer, or an iterable dataset's enumerator) or from the
/// collate function reaches the consuming thread as a <see cref="DataLoaderException"/> that names the
/// item or batch and the worker (<c>DataLoader: dataset item 13 (worker 1) failed: ...</c>), with the
/// original exception, and its stack trace, as the inner exception. The batches before the failing one
/// are yielded first, with or without workers. With workers, <c>timeout</c> bounds the wait for each
/// batch; past it a <see cref="TimeoutException"/> names the batch and the worker.
/// </para>
/// </remarks>
/// <typeparam name="T">The sample type.</typeparam>
/// <typeparam name="TBatch">The batch type the collate function makes.</typeparam>
public sealed class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    private readonly Dataset<T>? _dataset;
    private readonly IterableDataset<T>? _iterable;
    private readonly Func<IReadOnlyList<T>, TBatch> _collate;
    private readonly IRandomSource _random;
    private readonly TimeSpan _wait;

    /// <summary>A loader over a map-style dataset.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="collate">Merges a list of samples into a batch.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Reshuffle every epoch (a <see cref="RandomSampler"/>).</param>
    /// <param name="sampler">The index order; excludes <paramref name="shuffle"/>.</param>
    /// <param name="batchSampler">Yields whole batches of indices; excludes batchSize, shuffle, sampler and dropLast.</param>
    /// <param name="numWorkers">Worker threads loading batches; 0 loads on the consuming thread.</param>
    /// <param name="dropLast">Drop the last batch if it is incomplete.</param>
    /// <param name="prefetchFactor">Batches each worker loads ahead.</param>
    /// <param name="seed">Shorthand for <paramref name="generator"/> = a new generator seeded with this value.</param>
    /// <param name="generator">
    /// The generator of the shuffle and of each epoch's base seed (PyTorch's <c>generator</c>). With
    /// neither it nor a seed, both come from the default generator exactly as in PyTorch, so after
    /// <c>Tensor.ManualSeed(s)</c> a shuffled loader visits samples in the order PyTorch's does after
    /// <c>torch.manual_seed(s)</c>.
    /// </param>
    /// <param name="timeout">
    /// Seconds to wait for each batch from a worker (PyTorch's <c>timeout</c>); 0 waits forever. Only
    /// workers are waited for, so without them it has no effect.
    /// </param>
    /// <param name="pinMemory">
    /// PyTorch's <c>pin_memory</c>: accepted, and a no-op. Pinning copies batches into page-locked host
    /// memory so that a later copy to a GPU can be asynchronous; Ember's CPU tensors live in managed
    /// arrays and its CUDA copies stage through their own buffers, so there is nothing to pin.
    /// </param>
    /// <param name="workerInitFn">
    /// Called once on each worker thread, with the worker's id, before it loads anything (PyTorch's
    /// <c>worker_init_fn</c>); <see cref="DataLoader.GetWorkerInfo"/> works inside it. An exception from it
    /// fails every batch sent to that worker, as a <see cref="DataLoaderException"/>.
    /// </param>
    /// <param name="persistentWorkers">
    /// Keep the worker threads alive between epochs (PyTorch's <c>persistent_workers</c>): they are created,
    /// and <paramref name="workerInitFn"/> runs, once for the loader's lifetime instead of once per epoch. As
    /// in PyTorch the epoch's base seed is then drawn only by the first epoch. Needs <paramref name="numWorkers"/> &gt; 0.
    /// </param>
    /// <exception cref="ArgumentException">Conflicting or out-of-range options, with PyTorch's message.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative or NaN.</exception>
    public DataLoader(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false,
        int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        _wait = CheckCommon(numWorkers, prefetchFactor, timeout, persistentWorkers);
        var random = RandomSources.From(seed, generator, "DataLoader");
        if (batchSampler is not null && (batchSize != 1 || shuffle || sampler is not null || dropLast))
            throw new ArgumentException("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last.", nameof(batchSampler));
        if (sampler is not null && shuffle)
            throw new ArgumentException("DataLoader: sampler option is mutually exclusive with shuffle.", nameof(sampler));
        if (batchSize <= 0)
            throw new ArgumentException($"DataLoader: batch_size should be a positive integer value, but got batch_size={batchSize}.", nameof(batchSize));
        _dataset = dataset;
        _collate = collate;
        _random = random;
        Sampler = sampler ?? (shuffle ? new RandomSampler(dataset.Count, false, null, random) : new SequentialSampler(dataset.Count));
        BatchSampler = batchSampler ?? new BatchSampler(Sampler, batchSize, dropLast);
        BatchSize = batchSampler is null ? batchSize : batchSampler.BatchSize;
        DropLast = batchSampler?.DropLast ?? dropLast;
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
        Timeout = timeout;
        PinMemory = pinMemory;
        WorkerInitFn = workerInitFn;
        PersistentWorkers = persistentWorkers;
    }

    /// <summary>
    /// A loader over an iterable dataset: samples are read in stream order on the consuming thread
    /// and grouped into batches; with workers, collation runs on the workers. Unlike PyTorch, which
    /// gives every worker process its own copy of the stream (so each sample comes once per worker
    /// unless the dataset splits itself by worker), each sample is yielded exactly once.
    /// <paramref name="timeout"/> (seconds, 0 = forever) bounds the wait for a worker's collation.
    /// <paramref name="pinMemory"/>, <paramref name="workerInitFn"/> and <paramref name="persistentWorkers"/>
    /// mean what they mean for a map-style dataset.
    /// </summary>
    /// <exception cref="ArgumentException">Out-of-range options.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative or NaN.</exception>
    public DataLoader(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, int numWorkers = 0,
        bool dropLast = false, int prefetchFactor = 2, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        _wait = CheckCommon(numWorkers, prefetchFactor, timeout, persistentWorkers);
        if (batchSize <= 0)
            throw new ArgumentException($"DataLoader: batch_size should be a positive integer value, but got batch_size={batchSize}.", nameof(batchSize));
        _iterable = dataset;
        _collate = collate;
        _random = RandomSources.From(null, null, "DataLoader");
        BatchSize = batchSize;
        DropLast = dropLast;
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
        Timeout = timeout;
        PinMemory = pinMemory;
        WorkerInitFn = workerInitFn;
        PersistentWorkers = persistentWorkers;
    }

    // Validates the options both kinds of loader share; returns how long to wait for one batch.
    private static TimeSpan CheckCommon(int numWorkers, int prefetchFactor, double timeout, bool persistentWorkers)
    {
        if (numWorkers < 0)
            throw new ArgumentException($"DataLoader: num_workers option should be non-negative; use num_workers=0 to disable parallel loading (got {numWorkers}).", nameof(numWorkers));
        // PyTorch 1.13's checks: both options only mean something for worker processes.
        if (numWorkers == 0 && prefetchFactor != 2)
            throw new ArgumentException($"DataLoader: prefetch_factor option could only be specified in multiprocessing. Let num_workers > 0 to enable multiprocessing (got prefetch_factor={prefetchFactor} with num_workers=0).", nameof(prefetchFactor));
        if (persistentWorkers && numWorkers == 0)
            throw new ArgumentException("DataLoader: persistent_workers option needs num_workers > 0.", nameof(persistentWorkers));
        if (prefetchFactor <= 0)
            throw new ArgumentException($"DataLoader: prefetch_factor should be a positive integer value, but got prefetch_factor={prefetchFactor}.", nameof(prefetchFactor));
        if (!(timeout >= 0))
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"DataLoader: timeout option should be non-negative seconds (0 waits forever), but got timeout={timeout.ToString(CultureInfo.InvariantCulture)}.");
        // Task.Wait takes at most int.MaxValue milliseconds (about 24 days); anything longer is forever.
        return timeout == 0 || timeout * 1000 >= int.MaxValue ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(timeout);
    }

    /// <summary>
    /// The map-style dataset the loader reads (<c>loader.dataset</c>, as in <c>len(loader.dataset)</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The loader reads an <see cref="IterableDataset{T}"/>; see <see cref="IterableDataset"/>.</exception>
    public Dataset<T> Dataset => _dataset
        ?? throw new InvalidOperationException("DataLoader: this loader reads an IterableDataset, which has no length or index; use loader.IterableDataset.");

    /// <summary>The iterable dataset the loader reads, or null for a map-style one (<see cref="Dataset"/>).</summary>
    public IterableDataset<T>? IterableDataset => _iterable;

    /// <summary>Whether <c>pin_memory</c> was asked for; a no-op on Ember (see the constructor).</summary>
    public bool PinMemory { get; }

    /// <summary>Called on each worker thread with its id before it loads anything (<c>worker_init_fn</c>).</summary>
    public Action<int>? WorkerInitFn { get; }

    /// <summary>Whether worker threads outlive an epoch (<c>persistent_workers</c>).</summary>
    public bool PersistentWorkers { get; }

    /// <summary>The generator the loader draws its shuffles and base seeds from, when one was given (<c>loader.generator</c>).</summary>
    public Generator? Generator => (_random as GeneratorRandomSource)?.Explicit;

    /// <summary>The sampler choosing the index order (null for an iterable dataset).</summary>
    public Sampler? Sampler { get; }

    /// <summary>The batch sampler grouping indices (null for an iterable dataset).</summary>
    public BatchSampler? BatchSampler { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether an incomplete last batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Worker threads; 0 loads on the consuming thread.</summary>
    public int NumWorkers { get; }

    /// <summary>Batches each worker loads ahead.</summary>
    public int PrefetchFactor { get; }

    /// <summary>Seconds to wait for each batch from a worker; 0 waits forever.</summary>
    public double Timeout { get; }

    /// <summary>The number of batches per epoch (<c>len(loader)</c>).</summary>
    /// <exception cref="NotSupportedException">The dataset is iterable, so its length is unknown.</exception>
    public int Count => BatchSampler?.Count
        ?? throw new NotSupportedException("DataLoader: len() is unknown for a loader over an IterableDataset.");

    /// <summary>The batches of one epoch.</summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        // PyTorch draws each iterator's base seed (for its worker processes) before the sampler runs.
        // Ember's workers are threads and only report it (WorkerInfo.Seed), but drawing it keeps the
        // generator's stream, and so the shuffle and everything drawn after it, identical to PyTorch's.
        // With persistent workers PyTorch makes the iterator once and resets it for later epochs, so only
        // the first epoch draws.
        WorkerPool? reuse = PersistentWorkers ? _persistent.Live : null;
        long baseSeed = reuse?.BaseSeed ?? _random.SeedDraw();
        IEnumerable<Job> jobs = _dataset is not null ? MapJobs(_dataset) : IterableJobs(_iterable!);
        return NumWorkers == 0 ? Serial(jobs) : Parallel(jobs, baseSeed);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // One job per batch: the work a worker (or, without workers, the consuming thread) does to produce it.
    private IEnumerable<Job> MapJobs(Dataset<T> dataset)
    {
        int batch = 0;
        foreach (int[] indices in BatchSampler!)
        {
            int b = batch++;
            yield return new Job(b, worker =>
            {
                var samples = new T[indices.Length];
                for (int i = 0; i < indices.Length; i++)
                {
                    try { samples[i] = dataset[indices[i]]; }
                    catch (Exception e) { throw DataLoaderException.ForItem(indices[i], b, worker, e); }
                }
                return Collate(samples, b, indices, worker);
            });
        }
    }

    // The stream is read here, on the consuming thread, and only collation is handed to workers. A
    // failure of the stream becomes a job that fails, queued behind the batches read before it, so
    // those are still yielded first, with workers as without.
    private IEnumerable<Job> IterableJobs(IterableDataset<T> dataset)
    {
        var samples = new List<T>(BatchSize);
        int position = 0, batch = 0;
        Exception? failure = null;
        IEnumerator<T>? stream = null;
        try { stream = dataset.GetEnumerator(); }
        catch (Exception e) { failure = e; }
        try
        {
            while (failure is null)
            {
                bool more = false;
                try
                {
                    more = stream!.MoveNext();
                    if (more) samples.Add(stream.Current);
                }
                catch (Exception e) { failure = e; }
                if (failure is not null || !more) break;
                position++;
                if (samples.Count == BatchSize)
                    yield return CollateJob(samples, batch++, position);
            }
            if (failure is not null)
            {
                var error = DataLoaderException.ForItem(position, batch, null, failure);
                yield return new Job(batch, _ => throw error);
            }
            else if (samples.Count > 0 && !DropLast)
                yield return CollateJob(samples, batch, position);
        }
        finally { stream?.Dispose(); }
    }

    private Job CollateJob(List<T> samples, int batch, int end)
    {
        var taken = samples.ToArray();
        samples.Clear();
        int[] positions = Enumerable.Range(end - taken.Length, taken.Length).ToArray();
        return new Job(batch, worker => Collate(taken, batch, positions, worker));
    }

    private TBatch Collate(T[] samples, int batch, int[] items, int? worker)
    {
        try { return _collate(samples); }
        catch (Exception e) { throw DataLoaderException.ForCollate(batch, items, worker, e); }
    }

    private static IEnumerator<TBatch> Serial(IEnumerable<Job> jobs)
    {
        foreach (var job in jobs) yield return job.Work(null);
    }

    // A batch to load: its number in the epoch, the work (given the worker's id, null for the consuming
    // thread), and, with workers, where the result arrives and which worker was given it.
    private sealed class Job(int batch, Func<int?, TBatch> work)
    {
        public readonly int Batch = batch;
        public readonly Func<int?, TBatch> Work = work;
        public readonly TaskCompletionSource<TBatch> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Worker;
        private volatile bool _cancelled;

        public bool Cancelled => _cancelled;

        public void Cancel() => _cancelled = true;
    }

    private IEnumerator<TBatch> Parallel(IEnumerable<Job> jobs, long baseSeed)
    {
        int workers = NumWorkers;
        int inFlightLimit = checked(workers * PrefetchFactor);
        WorkerPool pool = PersistentWorkers
            ? _persistent.Take(() => new WorkerPool(workers, baseSeed, WorkerInitFn, (object?)_dataset ?? _iterable!))
            : new WorkerPool(workers, baseSeed, WorkerInitFn, (object?)_dataset ?? _iterable!);
        var pending = new Queue<Job>();
        using var source = jobs.GetEnumerator();
        long sent = 0;
        bool stuck = false;
        try
        {
            void Fill()
            {
                while (pending.Count < inFlightLimit && source.MoveNext())
                {
                    var job = source.Current;
                    job.Worker = (int)(sent++ % workers);
                    pending.Enqueue(job);
                    pool.Queues[job.Worker].Add(job);
                }
            }
            Fill();
            while (pending.Count > 0)
            {
                var job = pending.Dequeue();
                if (!Completes(job.Result.Task, _wait))
                {
                    stuck = true;
                    pending.Enqueue(job);
                    // PyTorch: RuntimeError('DataLoader timed out after {} seconds').
                    throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                        $"DataLoader timed out after {Timeout} seconds waiting for batch {job.Batch} from worker {job.Worker}."));
                }
                TBatch batch = Await(job.Result.Task);
                Fill();
                yield return batch;
            }
        }
        finally
        {
            if (stuck)
            {
                // A thread cannot be aborted in .NET: the stuck worker finishes its item in the background
                // and then exits. Waiting for it would hang the caller, so the pool is abandoned, persistent
                // or not, and the next epoch starts fresh workers.
                foreach (var job in pending) job.Cancel();
                _persistent.Drop(pool);
                pool.Stop(wait: false);
            }
            else if (PersistentWorkers)
            {
                // Batches loaded ahead for an epoch left early are not wanted by the next one: workers skip the
                // ones they have not started, and the epoch ends when the ones they have started are done, so
                // no dataset call of this epoch outlives it.
                foreach (var job in pending) job.Cancel();
                foreach (var job in pending) Completes(job.Result.Task, System.Threading.Timeout.InfiniteTimeSpan);
            }
            else pool.Stop(wait: true);
        }
    }

    private static bool Completes(Task task, TimeSpan wait)
    {
        // Wait(TimeSpan) throws for a faulted task; Await rethrows its exception properly just after.
        try { return task.Wait(wait); }
        catch (AggregateException) { return true; }
    }

    private static TBatch Await(Task<TBatch> task)
    {
        try { task.Wait(); }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // Rethrow the DataLoaderException as it left the worker, keeping the worker-side stack trace.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return task.Result;
    }

    // The worker threads of one epoch, or of the loader's lifetime with persistent workers.
    private sealed class WorkerPool
    {
        public readonly BlockingCollection<Job>[] Queues;
        public readonly long BaseSeed;
        private readonly Task[] _threads;
        private readonly CancellationTokenSource _stop = new();

        public WorkerPool(int workers, long baseSeed, Action<int>? init, object dataset)
        {
            BaseSeed = baseSeed;
            Queues = new BlockingCollection<Job>[workers];
            _threads = new Task[workers];
            for (int w = 0; w < workers; w++)
            {
                var queue = Queues[w] = new BlockingCollection<Job>();
                var info = new WorkerInfo(w, workers, baseSeed + w, dataset);
                var token = _stop.Token;
                _threads[w] = Task.Factory.StartNew(() => WorkerLoop(info, init, queue, token), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }

        public void Stop(bool wait)
        {
            _stop.Cancel();
            foreach (var q in Queues) q.CompleteAdding();
            if (!wait) return;
            // Let workers finish the sample they are on, so no dataset call outlives the epoch.
            try { Task.WaitAll(_threads); } catch (AggregateException) { }
            foreach (var q in Queues) q.Dispose();
            _stop.Dispose();
        }
    }

    private static void WorkerLoop(WorkerInfo info, Action<int>? init, BlockingCollection<Job> queue, CancellationToken stop)
    {
        WorkerInfo.Current = info;
        Exception? initFailure = null;
        if (init is not null)
        {
            try { init(info.Id); }
            catch (Exception e) { initFailure = e; }
        }
        try
        {
            foreach (var job in queue.GetConsumingEnumerable(stop))
            {
                if (job.Cancelled) { job.Result.TrySetCanceled(); continue; }
                if (initFailure is not null) { job.Result.SetException(DataLoaderException.ForWorkerInit(job.Batch, info.Id, initFailure)); continue; }
                try { job.Result.SetResult(job.Work(info.Id)); }
                catch (Exception e) { job.Result.SetException(e); }
            }
        }
        catch (OperationCanceledException) { }
    }

    // Holds a persistent loader's pool. Its worker threads reference only the pool, so when the loader
    // becomes unreachable this holder's finalizer stops them instead of leaving them blocked forever.
    private sealed class PersistentPool
    {
        private readonly object _gate = new();
        private WorkerPool? _pool;

        public WorkerPool? Live { get { lock (_gate) return _pool; } }

        public WorkerPool Take(Func<WorkerPool> create) { lock (_gate) return _pool ??= create(); }

        public void Drop(WorkerPool pool) { lock (_gate) if (_pool == pool) _pool = null; }

        ~PersistentPool() => _pool?.Stop(wait: false);
    }

    private readonly PersistentPool _persistent = new();
}

/// <summary>
/// Builds <see cref="DataLoader{T, TBatch}"/>s with PyTorch's default collation picked by sample
/// type: <c>DataLoader.Create(trainset, batchSize: 4, shuffle: true, numWorkers: 2)</c>.
/// </summary>
public static class DataLoader
{
    /// <summary>A loader stacking tensor samples into one tensor per batch.</summary>
    public static DataLoader<Tensor, Tensor> Create(Dataset<Tensor> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.Stack, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader over <see cref="TensorDataset"/>-like samples: each position is stacked.</summary>
    public static DataLoader<Tensor[], Tensor[]> Create(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.StackEach, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader over (input, target) tensor pairs, giving (inputs, targets) batches.</summary>
    public static DataLoader<(Tensor, Tensor), (Tensor, Tensor)> Create(Dataset<(Tensor, Tensor)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.Pairs, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader over (image, label) samples such as the vision datasets', giving (images, int64 labels) batches.</summary>
    public static DataLoader<(Tensor, long), (Tensor, Tensor)> Create(Dataset<(Tensor, long)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.Labeled, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader over (input, int label) samples, giving (inputs, int64 labels) batches.</summary>
    public static DataLoader<(Tensor, int), (Tensor, Tensor)> Create(Dataset<(Tensor, int)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.Labeled, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader with a custom collate function (<c>DataLoader(..., collate_fn=f)</c>).</summary>
    public static DataLoader<T, TBatch> Create<T, TBatch>(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, collate, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>
    /// A loader over samples of any other type, collated by <see cref="Collate.Default(IReadOnlyList{object})"/>
    /// (<c>default_collate</c>) into an untyped batch: a <see cref="Tensor"/>, <c>string[]</c>, <c>object[]</c>
    /// or <c>Dictionary&lt;string, object&gt;</c>, nested as the sample is. For a typed batch pass
    /// <c>Collate.Default&lt;TSample, TBatch&gt;</c> as the collate function.
    /// </summary>
    public static DataLoader<T, object> Create<T>(Dataset<T> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, samples => Collate.Default(samples.Select(x => (object?)x).ToArray()), batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>
    /// The worker the calling code runs on (<c>torch.utils.data.get_worker_info()</c>): inside a dataset's
    /// indexer, a collate function or <c>workerInitFn</c> on a DataLoader worker thread, its id, the number
    /// of workers, its seed and the dataset; null on any other thread (the main process, in PyTorch's terms).
    /// </summary>
    public static WorkerInfo? GetWorkerInfo() => WorkerInfo.Current;

    /// <summary>A loader over a stream of tensors, stacking each batch.</summary>
    public static DataLoader<Tensor, Tensor> Create(IterableDataset<Tensor> dataset, int batchSize = 1, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, Collate.Stack, batchSize, numWorkers, dropLast, prefetchFactor, timeout, pinMemory, workerInitFn, persistentWorkers);

    /// <summary>A loader over a stream with a custom collate function.</summary>
    public static DataLoader<T, TBatch> Create<T, TBatch>(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, double timeout = 0,
        bool pinMemory = false, Action<int>? workerInitFn = null, bool persistentWorkers = false) =>
        new(dataset, collate, batchSize, numWorkers, dropLast, prefetchFactor, timeout, pinMemory, workerInitFn, persistentWorkers);
}
