using Ember.Data;
using Xunit;

namespace Ember.Tests.Data;

/// <summary>
/// What a DataLoader does when a dataset item, a collation or a worker fails or hangs: the error names
/// the item (or batch) and the worker, the batches before it still arrive, and a timeout ends the wait.
/// </summary>
public class DataLoaderErrorTests
{
    private sealed class Faulty : Dataset<Tensor>
    {
        public override int Count => 20;
        public override Tensor this[int index] => index == 13 ? Explode(index) : Tensor.From(new float[] { index });
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static Tensor Explode(int index) => throw new InvalidDataException($"sample {index} is corrupt");
    }

    // Runs an epoch by hand, keeping the batches that arrived before it failed.
    private static (List<TBatch> Batches, Exception Error) RunUntilFailure<TBatch>(IEnumerable<TBatch> loader)
    {
        var batches = new List<TBatch>();
        using var e = loader.GetEnumerator();
        while (true)
        {
            try { if (!e.MoveNext()) break; }
            catch (Exception ex) { return (batches, ex); }
            batches.Add(e.Current);
        }
        throw new Xunit.Sdk.XunitException($"the epoch ended after {batches.Count} batches without the expected error");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void ItemErrorNamesTheItemAndWorkerAndKeepsTheOriginal(int workers)
    {
        var loader = DataLoader.Create(new Faulty(), batchSize: 4, numWorkers: workers);
        var (batches, error) = RunUntilFailure(loader);
        var ex = Assert.IsType<DataLoaderException>(error);
        string worker = workers > 0 ? $" (worker {3 % workers})" : "";
        Assert.Equal($"DataLoader: dataset item 13{worker} failed: sample 13 is corrupt", ex.Message);
        Assert.Equal(13, ex.Item);
        Assert.Equal(3, ex.Batch);
        Assert.Equal(workers > 0 ? 3 % workers : null, ex.WorkerId);
        var inner = Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Contains(nameof(Faulty) + ".Explode", inner.StackTrace);
        // The three batches before the failing one arrive, in order, with or without workers.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), batches.SelectMany(b => b.ToArray<float>()));
    }

    [Fact]
    public void ShuffledItemErrorNamesTheDatasetIndexNotThePosition()
    {
        var ex = Assert.Throws<DataLoaderException>(() => DataLoader.Create(new Faulty(), batchSize: 3, shuffle: true, seed: 5, numWorkers: 2).ToList());
        Assert.Equal(13, ex.Item);
        Assert.StartsWith("DataLoader: dataset item 13 (worker ", ex.Message);
    }

    private sealed class BrokenStream(int breakAt, int? wideAt = null) : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            for (int i = 0; ; i++)
            {
                if (i == breakAt) throw new IOException($"stream broke at {i}");
                yield return i == wideAt ? Tensor.From(new[] { i, i }) : Tensor.From(new[] { i });
            }
        }
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    public void StreamErrorComesAfterTheBatchesReadBeforeIt(int workers, int prefetch)
    {
        // Batches 0-3 and 4-7 are complete when item 9 fails: they arrive first, with workers as without.
        var loader = DataLoader.Create(new BrokenStream(9), batchSize: 4, numWorkers: workers, prefetchFactor: prefetch);
        var (batches, error) = RunUntilFailure(loader);
        Assert.Equal(Enumerable.Range(0, 8), batches.SelectMany(b => b.ToArray<int>()));
        var ex = Assert.IsType<DataLoaderException>(error);
        // The stream is read on the consuming thread, so no worker is named.
        Assert.Equal("DataLoader: dataset item 9 failed: stream broke at 9", ex.Message);
        Assert.Equal(2, ex.Batch);
        Assert.Null(ex.WorkerId);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void CollateErrorNamesTheBatchItsItemsAndTheShapes(int workers)
    {
        var map = DataLoader.Create(new FuncDataset<Tensor>(8, i => Tensor.Zeros(i == 6 ? 2 : 1)), batchSize: 4, numWorkers: workers);
        var (batches, error) = RunUntilFailure(map);
        Assert.Single(batches);
        var ex = Assert.IsType<DataLoaderException>(error);
        string worker = workers > 0 ? " (worker 1)" : "";
        Assert.Equal($"DataLoader: collating batch 1 (dataset items 4, 5, 6, 7){worker} failed: " +
            "stack: expects each tensor to be equal size, but got [1] at entry 0 and [2] at entry 2.", ex.Message);
        Assert.Null(ex.Item);
        Assert.IsType<ArgumentException>(ex.InnerException);

        var stream = DataLoader.Create(new BrokenStream(100, wideAt: 6), batchSize: 4, numWorkers: workers);
        var streamError = Assert.Throws<DataLoaderException>(() => stream.ToList());
        Assert.StartsWith("DataLoader: collating batch 1 (dataset items 4, 5, 6, 7)", streamError.Message);
        Assert.Contains("[1] at entry 0 and [2] at entry 2", streamError.Message);
    }

    [Fact]
    public void LongBatchesListOnlyTheirFirstItems()
    {
        var loader = DataLoader.Create(new FuncDataset<Tensor>(20, i => Tensor.Zeros(i == 19 ? 2 : 1)), batchSize: 20);
        var ex = Assert.Throws<DataLoaderException>(() => loader.ToList());
        Assert.StartsWith("DataLoader: collating batch 0 (dataset items 0, 1, 2, 3, 4, 5, 6, 7, ... 20 in all) failed: ", ex.Message);
    }

    [Fact]
    public void ArgumentErrorsKeepTheirOwnSentenceOnOneLine()
    {
        // A dataset whose own bounds check fails: .NET's "(Parameter 'index')" and "Actual value was"
        // suffixes stay in the inner exception, not in the middle of the loader's one-line message.
        var ds = new FuncDataset<Tensor>(4, i => Tensor.Zeros(1));
        var loader = DataLoader.Create(ds, batchSampler: new BatchSampler(new[] { 0, 9 }, 2, dropLast: false));
        var ex = Assert.Throws<DataLoaderException>(() => loader.ToList());
        Assert.Equal("DataLoader: dataset item 9 failed: FuncDataset: index 9 is out of range for a dataset of 4 samples.", ex.Message);
        Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException);
    }

    [Fact]
    public void TimeoutEndsTheWaitForAStuckWorker()
    {
        // Not disposed: the stuck worker may still be leaving Wait when the test ends.
        var release = new ManualResetEventSlim(false);
        // The first batch is the stuck one, so no other batch has to beat the clock: the test cannot
        // fail on a slow machine.
        var ds = new FuncDataset<Tensor>(10, i =>
        {
            if (i == 0) release.Wait();
            return Tensor.From(new float[] { i });
        });
        try
        {
            var loader = DataLoader.Create(ds, batchSize: 1, numWorkers: 2, timeout: 0.2);
            var (batches, error) = RunUntilFailure(loader);
            Assert.Empty(batches);
            var ex = Assert.IsType<TimeoutException>(error);
            Assert.Equal("DataLoader timed out after 0.2 seconds waiting for batch 0 from worker 0.", ex.Message);
        }
        finally { release.Set(); }
    }

    private sealed class Four : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            for (int i = 0; i < 4; i++) yield return Tensor.From(new[] { i });
        }
    }

    [Fact]
    public void TimeoutCoversAStuckCollationOfAStream()
    {
        // Not disposed: the stuck worker may still be leaving Wait when the test ends.
        var release = new ManualResetEventSlim(false);
        try
        {
            var loader = DataLoader.Create(new Four(), samples => { release.Wait(); return samples.Count; },
                batchSize: 2, numWorkers: 1, timeout: 0.2);
            var ex = Assert.Throws<TimeoutException>(() => loader.ToList());
            Assert.Equal("DataLoader timed out after 0.2 seconds waiting for batch 0 from worker 0.", ex.Message);
        }
        finally { release.Set(); }
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-0.001)]
    [InlineData(double.NaN)]
    public void NegativeTimeoutIsRefused(double timeout)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => DataLoader.Create(new Faulty(), numWorkers: 2, timeout: timeout));
        Assert.Equal("timeout", ex.ParamName);
        Assert.Contains("DataLoader: timeout option should be non-negative", ex.Message);
        var stream = Assert.Throws<ArgumentOutOfRangeException>(() => DataLoader.Create(new BrokenStream(3), timeout: timeout));
        Assert.Equal("timeout", stream.ParamName);
    }

    [Fact]
    public void TimeoutWithoutWorkersOrWithAFastDatasetChangesNothing()
    {
        var ds = new FuncDataset<Tensor>(9, i => Tensor.From(new float[] { i }));
        foreach (int workers in new[] { 0, 2 })
        {
            var loader = DataLoader.Create(ds, batchSize: 2, numWorkers: workers, timeout: 60);
            Assert.Equal(60, loader.Timeout);
            Assert.Equal(Enumerable.Range(0, 9).Select(i => (float)i), loader.SelectMany(b => b.ToArray<float>()));
        }
        Assert.Equal(0, DataLoader.Create(ds).Timeout);
    }
}
