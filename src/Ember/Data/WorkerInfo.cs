namespace Ember.Data;

/// <summary>
/// What a DataLoader worker thread knows about itself (<c>torch.utils.data.get_worker_info()</c>), from
/// <see cref="DataLoader.GetWorkerInfo"/>: an iterable dataset can split its stream by <see cref="Id"/>,
/// and a <c>workerInitFn</c> can seed per-worker state from <see cref="Seed"/>.
/// </summary>
public sealed class WorkerInfo
{
    [ThreadStatic] private static WorkerInfo? _current;

    internal WorkerInfo(int id, int numWorkers, long seed, object dataset)
    {
        Id = id;
        NumWorkers = numWorkers;
        Seed = seed;
        Dataset = dataset;
    }

    internal static WorkerInfo? Current { get => _current; set => _current = value; }

    /// <summary>The worker's id, 0 to <see cref="NumWorkers"/> - 1 (<c>info.id</c>).</summary>
    public int Id { get; }

    /// <summary>How many workers the loader has (<c>info.num_workers</c>).</summary>
    public int NumWorkers { get; }

    /// <summary>
    /// The epoch's base seed plus <see cref="Id"/> (<c>info.seed</c>), as PyTorch computes it. PyTorch also
    /// seeds each worker process's default generator with it; Ember's workers are threads sharing the
    /// default generator, so nothing is seeded: use it to make a worker's own <c>Generator</c>.
    /// </summary>
    public long Seed { get; }

    /// <summary>The loader's dataset (<c>info.dataset</c>): a <c>Dataset&lt;T&gt;</c> or an <c>IterableDataset&lt;T&gt;</c>.</summary>
    public object Dataset { get; }
}
