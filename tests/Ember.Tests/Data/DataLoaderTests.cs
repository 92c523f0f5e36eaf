using System.Diagnostics;
using Ember.Data;
using Xunit;

namespace Ember.Tests.Data;

public class DataLoaderTests
{
    private static FuncDataset<(Tensor, long)> Numbers(int n) =>
        new(n, i => (Tensor.From(new float[] { i, -i }), (long)i));

    private static long[] Labels(IEnumerable<(Tensor X, Tensor Y)> batches) =>
        batches.SelectMany(b => b.Y.ToArray<long>()).ToArray();

    [Fact]
    public void SequentialBatchesCollateTensorsAndLabels()
    {
        var loader = DataLoader.Create(Numbers(10), batchSize: 4);
        var batches = loader.ToList();
        Assert.Equal(3, loader.Count);
        Assert.Equal(3, batches.Count);
        Assert.Equal(new[] { 4, 2 }, batches[0].Item1.Shape.ToArray());
        Assert.Equal(DType.Int64, batches[0].Item2.DType);
        Assert.Equal(new float[] { 0, 0, 1, -1, 2, -2, 3, -3 }, batches[0].Item1.ToArray<float>());
        Assert.Equal(new long[] { 8, 9 }, batches[2].Item2.ToArray<long>());
    }

    [Fact]
    public void DropLastDropsTheIncompleteBatch()
    {
        var loader = DataLoader.Create(Numbers(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), Labels(loader));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void ShuffleGivesEverySampleOncePerEpochAndEpochsDiffer(int workers)
    {
        var loader = DataLoader.Create(Numbers(103), batchSize: 8, shuffle: true, seed: 7, numWorkers: workers);
        var e1 = Labels(loader);
        var e2 = Labels(loader);
        Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), e1.Order());
        Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), e2.Order());
        Assert.NotEqual(e1, e2);
        Assert.NotEqual(Enumerable.Range(0, 103).Select(i => (long)i), e1);
    }

    [Fact]
    public void SeededShuffleIsReproducible()
    {
        var a = DataLoader.Create(Numbers(50), batchSize: 5, shuffle: true, seed: 42);
        var b = DataLoader.Create(Numbers(50), batchSize: 5, shuffle: true, seed: 42);
        var c = DataLoader.Create(Numbers(50), batchSize: 5, shuffle: true, seed: 43);
        Assert.Equal(Labels(a), Labels(b));
        Assert.Equal(Labels(a), Labels(b)); // second epochs agree too
        Assert.NotEqual(Labels(DataLoader.Create(Numbers(50), batchSize: 5, shuffle: true, seed: 42)), Labels(c));
    }

    [Fact]
    public void WorkersGiveTheSameBatchesAsNoWorkers()
    {
        // Uneven per-sample delays make workers finish out of order; the loader must still yield in order.
        var ds = new FuncDataset<(Tensor, long)>(64, i =>
        {
            if (i % 7 == 0) Thread.Sleep(2);
            return (Tensor.From(new double[] { i * 0.5 }), (long)i);
        });
        var serial = DataLoader.Create(ds, batchSize: 5, shuffle: true, seed: 3).ToList();
        var parallel = DataLoader.Create(ds, batchSize: 5, shuffle: true, seed: 3, numWorkers: 4, prefetchFactor: 1).ToList();
        Assert.Equal(serial.Count, parallel.Count);
        for (int i = 0; i < serial.Count; i++)
        {
            Assert.Equal(serial[i].Item1.ToArray<double>(), parallel[i].Item1.ToArray<double>());
            Assert.Equal(serial[i].Item2.ToArray<long>(), parallel[i].Item2.ToArray<long>());
        }
    }

    [Fact]
    public void PrefetchIsBounded()
    {
        int requested = 0;
        var gate = new ManualResetEventSlim(false);
        var ds = new FuncDataset<Tensor>(100, i => { Interlocked.Increment(ref requested); return Tensor.From(new float[] { i }); });
        using var e = DataLoader.Create(ds, batchSize: 1, numWorkers: 2, prefetchFactor: 2).GetEnumerator();
        Assert.True(e.MoveNext());
        // After the first batch is handed over, at most 2 workers x 2 batches (+ the consumed one) were requested.
        Thread.Sleep(20);
        Assert.InRange(Volatile.Read(ref requested), 1, 5);
    }

    [Fact]
    public void LeavingAnEpochEarlyStopsWorkers()
    {
        var loader = DataLoader.Create(Numbers(1000), batchSize: 2, numWorkers: 3);
        var first = loader.Take(2).ToList();
        Assert.Equal(new long[] { 0, 1, 2, 3 }, Labels(first));
        Assert.Equal(500, loader.Count());
    }

    [Fact]
    public void TensorDatasetRowsAndCollation()
    {
        var x = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var y = Tensor.From(new long[] { 7, 8, 9 });
        var ds = new TensorDataset(x, y);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new float[] { 3, 4 }, ds[1][0].ToArray<float>());
        Assert.Equal(0, ds[1][1].NDim);
        var batches = DataLoader.Create(ds, batchSize: 2).ToList();
        Assert.Equal(new[] { 2, 2 }, batches[0][0].Shape.ToArray());
        Assert.Equal(new long[] { 9 }, batches[1][1].ToArray<long>());
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(x, Tensor.From(new long[] { 1, 2 })));
        Assert.Contains("Size mismatch", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[3]);
    }

    [Fact]
    public void IterableDatasetBatchesInStreamOrder()
    {
        foreach (int workers in new[] { 0, 2 })
        {
            var loader = DataLoader.Create(new Stream(11), batchSize: 4, numWorkers: workers);
            var all = loader.SelectMany(b => b.ToArray<int>()).ToArray();
            Assert.Equal(Enumerable.Range(0, 11), all);
            Assert.Equal(8, DataLoader.Create(new Stream(11), batchSize: 4, dropLast: true).SelectMany(b => b.ToArray<int>()).Count());
        }
        Assert.Throws<NotSupportedException>(() => DataLoader.Create(new Stream(3)).Count);
    }

    private sealed class Stream(int n) : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            for (int i = 0; i < n; i++) yield return Tensor.From(new[] { i });
        }
    }

    [Fact]
    public void MisuseMessages()
    {
        var ds = Numbers(4);
        Assert.Contains("mutually exclusive with shuffle", Assert.Throws<ArgumentException>(() =>
            DataLoader.Create(ds, shuffle: true, sampler: new SequentialSampler(4))).Message);
        Assert.Contains("batch_sampler option is mutually exclusive", Assert.Throws<ArgumentException>(() =>
            DataLoader.Create(ds, batchSize: 2, batchSampler: new BatchSampler(new SequentialSampler(4), 2, false))).Message);
        Assert.Contains("num_workers option should be non-negative", Assert.Throws<ArgumentException>(() =>
            DataLoader.Create(ds, numWorkers: -1)).Message);
        Assert.Contains("batch_size should be a positive integer value, but got batch_size=0", Assert.Throws<ArgumentException>(() =>
            DataLoader.Create(ds, batchSize: 0)).Message);
    }

    [Fact]
    public void CustomBatchSamplerAndCollate()
    {
        var bs = new BatchSampler(new[] { 3, 1, 2, 0 }, 3, dropLast: false);
        Assert.Equal(2, bs.Count);
        var loader = DataLoader.Create(Numbers(4), s => s.Select(x => x.Item2).Sum(), batchSampler: bs);
        Assert.Equal(new long[] { 6, 0 }, loader.ToArray());
    }
}
