using Ember.Data;
using Xunit;

namespace Ember.Tests.Data;

/// <summary>
/// The DataLoader options PyTorch programs pass (pin_memory, persistent_workers, timeout, prefetch_factor,
/// worker_init_fn, generator) are accepted with PyTorch's meaning and validated with its messages.
/// </summary>
public class DataLoaderOptionTests
{
    private static FuncDataset<Tensor> Numbers(int n) => new(n, i => Tensor.From(new float[] { i }));

    private static float[] Epoch(IEnumerable<Tensor> loader) => loader.SelectMany(b => b.ToArray<float>()).ToArray();

    [Fact]
    public void DatasetIsTheLoadersDataset()
    {
        var ds = Numbers(7);
        var loader = DataLoader.Create(ds, batchSize: 2);
        Assert.Same(ds, loader.Dataset);
        Assert.Equal(7, loader.Dataset.Count); // len(train_loader.dataset)
        Assert.Null(loader.IterableDataset);
        var stream = DataLoader.Create(new Stream(3));
        Assert.NotNull(stream.IterableDataset);
        Assert.Contains("IterableDataset", Assert.Throws<InvalidOperationException>(() => stream.Dataset).Message);
    }

    [Fact]
    public void PinMemoryIsAcceptedAndChangesNothing()
    {
        var loader = DataLoader.Create(Numbers(5), batchSize: 2, pinMemory: true);
        Assert.True(loader.PinMemory);
        Assert.Equal(Epoch(DataLoader.Create(Numbers(5), batchSize: 2)), Epoch(loader));
    }

    [Fact]
    public void OptionsThatNeedWorkersAreRefusedWithoutThem()
    {
        var ds = Numbers(4);
        var persistent = Assert.Throws<ArgumentException>(() => DataLoader.Create(ds, persistentWorkers: true));
        Assert.Contains("persistent_workers option needs num_workers > 0", persistent.Message);
        Assert.Equal("persistentWorkers", persistent.ParamName);
        var prefetch = Assert.Throws<ArgumentException>(() => DataLoader.Create(ds, prefetchFactor: 4));
        Assert.Contains("prefetch_factor option could only be specified in multiprocessing", prefetch.Message);
        Assert.Equal("prefetchFactor", prefetch.ParamName);
        Assert.Throws<ArgumentException>(() => DataLoader.Create(new Stream(2), persistentWorkers: true));
        // PyTorch 1.13 accepts its default prefetch_factor=2 without workers.
        Assert.Equal(2, DataLoader.Create(ds, prefetchFactor: 2).PrefetchFactor);
        Assert.Contains("prefetch_factor should be a positive integer", Assert.Throws<ArgumentException>(() =>
            DataLoader.Create(ds, numWorkers: 2, prefetchFactor: 0)).Message);
    }

    [Fact]
    public void PersistentWorkersAreCreatedOnceAcrossEpochs()
    {
        var inits = new System.Collections.Concurrent.ConcurrentBag<(int Id, int Thread)>();
        void Init(int id) => inits.Add((id, Environment.CurrentManagedThreadId));
        var persistent = DataLoader.Create(Numbers(20), batchSize: 3, numWorkers: 2, persistentWorkers: true, workerInitFn: Init);
        var expected = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        for (int epoch = 0; epoch < 3; epoch++) Assert.Equal(expected, Epoch(persistent));
        Assert.Equal(new[] { 0, 1 }, inits.Select(x => x.Id).Order());
        // Leaving an epoch early does not end the workers either, and the next epoch starts at batch 0.
        Assert.Equal(new float[] { 0, 1, 2 }, persistent.Take(1).Single().ToArray<float>());
        Assert.Equal(expected, Epoch(persistent));
        Assert.Equal(2, inits.Count);

        inits.Clear();
        var fresh = DataLoader.Create(Numbers(20), batchSize: 3, numWorkers: 2, workerInitFn: Init);
        for (int epoch = 0; epoch < 3; epoch++) Assert.Equal(expected, Epoch(fresh));
        Assert.Equal(6, inits.Count);
    }

    [Fact]
    public void WorkerInfoNamesTheWorkerInsideTheDatasetAndInitFn()
    {
        Assert.Null(DataLoader.GetWorkerInfo());
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, (int Id, int Workers, long Seed)>();
        WorkerInfo? inInit = null;
        var ds = new FuncDataset<Tensor>(8, i =>
        {
            var info = DataLoader.GetWorkerInfo()!;
            seen[i] = (info.Id, info.NumWorkers, info.Seed);
            return Tensor.From(new float[] { i });
        });
        var loader = DataLoader.Create(ds, batchSize: 2, numWorkers: 2, seed: 3, workerInitFn: id => { if (id == 1) inInit = DataLoader.GetWorkerInfo(); });
        loader.ToList();
        // Batch k goes to worker k mod 2; each worker's seed is the epoch's base seed plus its id.
        for (int i = 0; i < 8; i++) Assert.Equal((i / 2) % 2, seen[i].Id);
        Assert.All(seen.Values, v => Assert.Equal(2, v.Workers));
        Assert.Equal(seen[0].Seed + 1, seen[2].Seed);
        Assert.NotNull(inInit);
        Assert.Same(ds, inInit!.Dataset);
        Assert.Equal(1, inInit.Id);
        var noWorkers = new FuncDataset<Tensor>(2, i => Tensor.From(new float[] { DataLoader.GetWorkerInfo() is null ? 1 : 0 }));
        Assert.Equal(new float[] { 1, 1 }, Epoch(DataLoader.Create(noWorkers)));
    }

    [Fact]
    public void AFailingWorkerInitFnFailsTheBatchesOfThatWorker()
    {
        var loader = DataLoader.Create(Numbers(6), batchSize: 1, numWorkers: 2,
            workerInitFn: id => { if (id == 1) throw new InvalidOperationException("no GPU for worker 1"); });
        using var e = loader.GetEnumerator();
        Assert.True(e.MoveNext()); // batch 0 on worker 0
        var ex = Assert.Throws<DataLoaderException>(() => e.MoveNext());
        Assert.Equal("DataLoader: worker_init_fn failed on worker 1, so it could not load batch 1: no GPU for worker 1", ex.Message);
        Assert.Equal(1, ex.WorkerId);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public void TimeoutRaisesPyTorchsErrorForASlowDatasetAndPersistentWorkersRecover()
    {
        var release = new ManualResetEventSlim(false); // not disposed: the stuck worker may still be leaving Wait
        int calls = 0;
        var ds = new FuncDataset<Tensor>(4, i =>
        {
            if (i == 1 && Interlocked.Increment(ref calls) == 1) release.Wait();
            return Tensor.From(new float[] { i });
        });
        try
        {
            var loader = DataLoader.Create(ds, batchSize: 1, numWorkers: 2, timeout: 0.2, persistentWorkers: true);
            var got = new List<float>();
            var ex = Assert.Throws<TimeoutException>(() => { foreach (var b in loader) got.AddRange(b.ToArray<float>()); });
            Assert.Equal("DataLoader timed out after 0.2 seconds waiting for batch 1 from worker 1.", ex.Message);
            Assert.Equal(new float[] { 0 }, got);
            release.Set();
            Assert.Equal(new float[] { 0, 1, 2, 3 }, Epoch(loader)); // fresh workers after the stuck ones are abandoned
        }
        finally { release.Set(); }
    }

    [Fact]
    public void GeneratorIsTheOneGiven()
    {
        var g = new Generator().ManualSeed(1);
        Assert.Same(g, DataLoader.Create(Numbers(3), generator: g).Generator);
        Assert.Null(DataLoader.Create(Numbers(3)).Generator);
    }

    [Fact]
    public void DefaultCollateLoaderForAnySampleType()
    {
        var ds = new FuncDataset<(Tensor, long, string)>(5, i => (Tensor.From(new float[] { i, -i }), i, $"s{i}"));
        var untyped = DataLoader.Create(ds, batchSize: 2).ToList();
        var first = (object[])untyped[0];
        Assert.Equal(new[] { 2, 2 }, ((Tensor)first[0]).Shape.ToArray());
        Assert.Equal(new long[] { 0, 1 }, ((Tensor)first[1]).ToArray<long>());
        Assert.Equal(new[] { "s0", "s1" }, (string[])first[2]);

        var typed = DataLoader.Create(ds, Collate.Default<(Tensor, long, string), (Tensor X, Tensor Y, string[] Names)>, batchSize: 2);
        foreach (var (x, y, names) in typed.Take(1))
        {
            Assert.Equal(new float[] { 0, 0, 1, -1 }, x.ToArray<float>());
            Assert.Equal(DType.Int64, y.DType);
            Assert.Equal(new[] { "s0", "s1" }, names);
        }
        Assert.Equal(new[] { "s4" }, typed.Last().Names);
    }

    private sealed class Stream(int n) : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            for (int i = 0; i < n; i++) yield return Tensor.From(new[] { i });
        }
    }
}
