using Ember.Data;
using Xunit;

namespace Ember.Tests.Data;

public class DataSamplerTests
{
    [Fact]
    public void SequentialSamplerCountsUp() => Assert.Equal(new[] { 0, 1, 2 }, new SequentialSampler(3));

    [Fact]
    public void RandomSamplerWithoutReplacementIsAPermutationPerEpoch()
    {
        var s = new RandomSampler(20, seed: 1);
        Assert.Equal(Enumerable.Range(0, 20), s.Order());
        Assert.Equal(new RandomSampler(20, seed: 1).ToArray(), s.ToArray().Length == 20 ? new RandomSampler(20, seed: 1).ToArray() : null);
        // numSamples beyond n walks several permutations back to back.
        var t = new RandomSampler(5, numSamples: 12, seed: 2).ToArray();
        Assert.Equal(12, t.Length);
        Assert.Equal(Enumerable.Range(0, 5), t.Take(5).Order());
        Assert.Equal(Enumerable.Range(0, 5), t.Skip(5).Take(5).Order());
    }

    [Fact]
    public void RandomSamplerWithReplacementStaysInRange()
    {
        var s = new RandomSampler(3, replacement: true, numSamples: 300, seed: 5).ToArray();
        Assert.Equal(300, s.Length);
        Assert.All(s, i => Assert.InRange(i, 0, 2));
        Assert.Equal(3, s.Distinct().Count());
        Assert.Contains("num_samples should be a positive integer value", Assert.Throws<ArgumentException>(() => new RandomSampler(3, numSamples: 0)).Message);
    }

    [Fact]
    public void SubsetRandomSamplerShufflesOnlyItsIndices()
    {
        var s = new SubsetRandomSampler([10, 20, 30, 40], seed: 9);
        Assert.Equal(new[] { 10, 20, 30, 40 }, s.Order());
        Assert.Equal(new SubsetRandomSampler([10, 20, 30, 40], seed: 9).ToArray(), new SubsetRandomSampler([10, 20, 30, 40], seed: 9).ToArray());
    }

    [Fact]
    public void WeightedRandomSamplerFollowsWeights()
    {
        var s = new WeightedRandomSampler([0.0, 1.0, 3.0], 4000, seed: 11).ToArray();
        Assert.DoesNotContain(0, s);
        int threes = s.Count(i => i == 2);
        Assert.InRange(threes, 2800, 3200);
        var noRep = new WeightedRandomSampler([1.0, 0.0, 5.0, 2.0], 3, replacement: false, seed: 1).ToArray();
        Assert.Equal(new[] { 0, 2, 3 }, noRep.Order());
        Assert.Contains("cannot sample n_sample > prob_dist.size(-1)", Assert.Throws<ArgumentException>(() => new WeightedRandomSampler([1.0, 0.0], 3, replacement: false)).Message);
        Assert.Contains("not enough non-negative category to sample", Assert.Throws<ArgumentException>(() => new WeightedRandomSampler([1.0, 0.0], 2, replacement: false)).Message);
        Assert.Contains("weight 1 is -1", Assert.Throws<ArgumentException>(() => new WeightedRandomSampler([1.0, -1.0], 2)).Message);
    }

    [Fact]
    public void BatchSamplerGroupsIndices()
    {
        var b = new BatchSampler(new SequentialSampler(7), 3, dropLast: false).ToArray();
        Assert.Equal(3, b.Length);
        Assert.Equal(new[] { 6 }, b[2]);
        Assert.Equal(2, new BatchSampler(new SequentialSampler(7), 3, dropLast: true).Count);
        Assert.Contains("batch_size should be a positive integer value", Assert.Throws<ArgumentException>(() => new BatchSampler(new SequentialSampler(7), 0, false)).Message);
    }
}

public class DataDatasetTests
{
    private static FuncDataset<int> Range(int start, int n) => new(n, i => start + i);

    [Fact]
    public void SubsetAndConcat()
    {
        var sub = new Subset<int>(Range(0, 10), [9, 2, 5]);
        Assert.Equal(new[] { 9, 2, 5 }, sub);
        var cat = Range(0, 3) + Range(100, 0) + Range(10, 2);
        Assert.Equal(5, cat.Count);
        Assert.Equal(new[] { 0, 1, 2, 10, 11 }, cat);
        Assert.Equal(11, cat[-1]);
        Assert.Equal(new[] { 3, 5 }, cat.CumulativeSizes); // (a + b) + c nests, as in PyTorch
        Assert.Equal(new[] { 3, 3, 5 }, new ConcatDataset<int>([Range(0, 3), Range(100, 0), Range(10, 2)]).CumulativeSizes);
        Assert.Throws<ArgumentOutOfRangeException>(() => cat[5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<int>(Range(0, 3), [3]));
    }

    [Fact]
    public void RandomSplitPartitionsReproducibly()
    {
        var ds = Range(0, 10);
        var parts = Dataset.RandomSplit(ds, [3, 7], seed: 4);
        Assert.Equal(3, parts[0].Count);
        Assert.Equal(Enumerable.Range(0, 10), parts[0].Concat(parts[1]).Order());
        Assert.Equal(parts[0].ToArray(), Dataset.RandomSplit(ds, [3, 7], seed: 4)[0].ToArray());
        var f = Dataset.RandomSplit(ds, [0.33, 0.33, 0.34], seed: 1);
        Assert.Equal(new[] { 4, 3, 3 }, f.Select(p => p.Count)); // floors 3,3,3, remainder to the first
        Assert.Contains("Sum of input lengths (9", Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(ds, [3, 6])).Message);
        Assert.Contains("fractions must sum to 1", Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(ds, [0.5, 0.4])).Message);
    }

    [Fact]
    public void DefaultCollateHandlesNesting()
    {
        var batch = (object[])Collate.Default([(Tensor.From(new float[] { 1 }), 2, "a"), (Tensor.From(new float[] { 3 }), 4, "b")]);
        Assert.Equal(new[] { 2, 1 }, ((Tensor)batch[0]).Shape.ToArray());
        Assert.Equal(DType.Int64, ((Tensor)batch[1]).DType);
        Assert.Equal(new[] { "a", "b" }, (string[])batch[2]);
        var d = (Dictionary<string, object>)Collate.Default([new Dictionary<string, object?> { ["x"] = 1.5 }, new Dictionary<string, object?> { ["x"] = 2.5 }]);
        Assert.Equal(new[] { 1.5, 2.5 }, ((Tensor)d["x"]).ToArray<double>());
        Assert.Contains("a batch must hold one kind of element", Assert.Throws<ArgumentException>(() => Collate.Default([1, "x"])).Message);
    }
}
