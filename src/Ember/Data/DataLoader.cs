using Ember.Rng;
using System.Collections;
using System.Collections.Concurrent;
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
/// function must therefore be safe to call from several threads. An exception in a worker is
/// rethrown on the consuming thread with its original stack trace (the worker's frames, then
/// "End of stack trace from previous location"), and its <c>Data["Ember.DataLoader.WorkerId"]</c>
/// says which worker. Leaving the <c>foreach</c> early stops the workers.
/// </remarks>
/// <typeparam name="T">The sample type.</typeparam>
/// <typeparam name="TBatch">The batch type the collate function makes.</typeparam>
public sealed class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    private readonly Dataset<T>? _dataset;
    private readonly IterableDataset<T>? _iterable;
    private readonly Func<IReadOnlyList<T>, TBatch> _collate;
    private readonly IRandomSource _random;

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
    /// <exception cref="ArgumentException">Conflicting or out-of-range options, with PyTorch's message.</exception>
    public DataLoader(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false,
        int prefetchFactor = 2, int? seed = null, Generator? generator = null)
        : this(dataset, collate, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, RandomSources.From(seed, generator, "DataLoader")) { }

    internal DataLoader(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize, bool shuffle,
        Sampler? sampler, BatchSampler? batchSampler, int numWorkers, bool dropLast, int prefetchFactor, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        CheckCommon(numWorkers, prefetchFactor);
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
    }

    /// <summary>
    /// A loader over an iterable dataset: samples are read in stream order on the consuming thread
    /// and grouped into batches; with workers, collation runs on the workers. Unlike PyTorch, which
    /// gives every worker process its own copy of the stream (so each sample comes once per worker
    /// unless the dataset splits itself by worker), each sample is yielded exactly once.
    /// </summary>
    /// <exception cref="ArgumentException">Out-of-range options.</exception>
    public DataLoader(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, int numWorkers = 0,
        bool dropLast = false, int prefetchFactor = 2)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        CheckCommon(numWorkers, prefetchFactor);
        if (batchSize <= 0)
            throw new ArgumentException($"DataLoader: batch_size should be a positive integer value, but got batch_size={batchSize}.", nameof(batchSize));
        _iterable = dataset;
        _collate = collate;
        _random = RandomSources.From(null, null, "DataLoader");
        BatchSize = batchSize;
        DropLast = dropLast;
        NumWorkers = numWorkers;
        PrefetchFactor = prefetchFactor;
    }

    private static void CheckCommon(int numWorkers, int prefetchFactor)
    {
        if (numWorkers < 0)
            throw new ArgumentException($"DataLoader: num_workers option should be non-negative; use num_workers=0 to disable parallel loading (got {numWorkers}).", nameof(numWorkers));
        if (prefetchFactor <= 0)
            throw new ArgumentException($"DataLoader: prefetch_factor should be a positive integer value, but got prefetch_factor={prefetchFactor}.", nameof(prefetchFactor));
    }

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

    /// <summary>The number of batches per epoch (<c>len(loader)</c>).</summary>
    /// <exception cref="NotSupportedException">The dataset is iterable, so its length is unknown.</exception>
    public int Count => BatchSampler?.Count
        ?? throw new NotSupportedException("DataLoader: len() is unknown for a loader over an IterableDataset.");

    /// <summary>The batches of one epoch.</summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        // PyTorch draws each epoch's base seed (for its worker processes) before the sampler runs. Ember's
        // workers are threads and do not use it, but drawing it keeps the generator's stream, and so the
        // shuffle and everything drawn after it, identical to PyTorch's.
        _random.SeedDraw();
        IEnumerable<Func<TBatch>> jobs = _dataset is not null ? MapJobs(_dataset) : IterableJobs(_iterable!);
        return NumWorkers == 0 ? Serial(jobs) : Parallel(jobs);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // One job per batch: the work a worker does to produce it.
    private IEnumerable<Func<TBatch>> MapJobs(Dataset<T> dataset)
    {
        foreach (int[] indices in BatchSampler!)
            yield return () =>
            {
                var samples = new T[indices.Length];
                for (int i = 0; i < indices.Length; i++) samples[i] = dataset[indices[i]];
                return _collate(samples);
            };
    }

    private IEnumerable<Func<TBatch>> IterableJobs(IterableDataset<T> dataset)
    {
        var batch = new List<T>(BatchSize);
        foreach (T sample in dataset)
        {
            batch.Add(sample);
            if (batch.Count == BatchSize)
            {
                var samples = batch.ToArray();
                batch.Clear();
                yield return () => _collate(samples);
            }
        }
        if (batch.Count > 0 && !DropLast)
        {
            var rest = batch.ToArray();
            yield return () => _collate(rest);
        }
    }

    private static IEnumerator<TBatch> Serial(IEnumerable<Func<TBatch>> jobs)
    {
        foreach (var job in jobs) yield return job();
    }

    private sealed class Job(Func<TBatch> work)
    {
        public readonly Func<TBatch> Work = work;
        public readonly TaskCompletionSource<TBatch> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private IEnumerator<TBatch> Parallel(IEnumerable<Func<TBatch>> jobs)
    {
        int workers = NumWorkers;
        int inFlightLimit = checked(workers * PrefetchFactor);
        using var stop = new CancellationTokenSource();
        var queues = new BlockingCollection<Job>[workers];
        var threads = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            var queue = queues[w] = new BlockingCollection<Job>();
            int id = w;
            threads[w] = Task.Factory.StartNew(() => WorkerLoop(id, queue, stop.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        var pending = new Queue<Job>();
        using var source = jobs.GetEnumerator();
        long sent = 0;
        try
        {
            void Fill()
            {
                while (pending.Count < inFlightLimit && source.MoveNext())
                {
                    var job = new Job(source.Current);
                    pending.Enqueue(job);
                    queues[(int)(sent++ % workers)].Add(job);
                }
            }
            Fill();
            while (pending.Count > 0)
            {
                var job = pending.Dequeue();
                TBatch batch = Await(job.Result.Task);
                Fill();
                yield return batch;
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var q in queues) q.CompleteAdding();
            // Let workers finish the sample they are on, so no dataset call outlives the epoch.
            try { Task.WaitAll(threads); } catch (AggregateException) { }
            foreach (var q in queues) q.Dispose();
        }
    }

    private static TBatch Await(Task<TBatch> task)
    {
        try { task.Wait(); }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // Rethrow the dataset's own exception, keeping the worker-side stack trace.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return task.Result;
    }

    private static void WorkerLoop(int id, BlockingCollection<Job> queue, CancellationToken stop)
    {
        try
        {
            foreach (var job in queue.GetConsumingEnumerable(stop))
            {
                try { job.Result.SetResult(job.Work()); }
                catch (Exception e)
                {
                    e.Data["Ember.DataLoader.WorkerId"] = id;
                    job.Result.SetException(e);
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}

/// <summary>
/// Builds <see cref="DataLoader{T, TBatch}"/>s with PyTorch's default collation picked by sample
/// type: <c>DataLoader.Create(trainset, batchSize: 4, shuffle: true, numWorkers: 2)</c>.
/// </summary>
public static class DataLoader
{
    /// <summary>A loader stacking tensor samples into one tensor per batch.</summary>
    public static DataLoader<Tensor, Tensor> Create(Dataset<Tensor> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, Collate.Stack, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader over <see cref="TensorDataset"/>-like samples: each position is stacked.</summary>
    public static DataLoader<Tensor[], Tensor[]> Create(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, Collate.StackEach, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader over (input, target) tensor pairs, giving (inputs, targets) batches.</summary>
    public static DataLoader<(Tensor, Tensor), (Tensor, Tensor)> Create(Dataset<(Tensor, Tensor)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, Collate.Pairs, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader over (image, label) samples such as the vision datasets', giving (images, int64 labels) batches.</summary>
    public static DataLoader<(Tensor, long), (Tensor, Tensor)> Create(Dataset<(Tensor, long)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, Collate.Labeled, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader over (input, int label) samples, giving (inputs, int64 labels) batches.</summary>
    public static DataLoader<(Tensor, int), (Tensor, Tensor)> Create(Dataset<(Tensor, int)> dataset, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, Collate.Labeled, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader with a custom collate function (<c>DataLoader(..., collate_fn=f)</c>).</summary>
    public static DataLoader<T, TBatch> Create<T, TBatch>(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2, int? seed = null, Generator? generator = null) =>
        new(dataset, collate, batchSize, shuffle, sampler, batchSampler, numWorkers, dropLast, prefetchFactor, seed, generator);

    /// <summary>A loader over a stream of tensors, stacking each batch.</summary>
    public static DataLoader<Tensor, Tensor> Create(IterableDataset<Tensor> dataset, int batchSize = 1, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2) =>
        new(dataset, Collate.Stack, batchSize, numWorkers, dropLast, prefetchFactor);

    /// <summary>A loader over a stream with a custom collate function.</summary>
    public static DataLoader<T, TBatch> Create<T, TBatch>(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, int numWorkers = 0, bool dropLast = false, int prefetchFactor = 2) =>
        new(dataset, collate, batchSize, numWorkers, dropLast, prefetchFactor);
}
