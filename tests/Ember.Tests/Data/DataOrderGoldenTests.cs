using Ember.Data;
using Ember.Rng;
using Xunit;

namespace Ember.Tests.Data;

/// <summary>
/// Seeded shuffles, samplers and splits visit samples in exactly PyTorch's order
/// (tests/golden/data_order.py), and leave the default generator where PyTorch leaves it.
/// </summary>
[Collection("DefaultGenerator")]
public class DataOrderGoldenTests
{
    private static readonly Ember.Tests.Golden G = Ember.Tests.Golden.Load("data_order");

    private static FuncDataset<(Tensor, long)> Numbers(int n) => new(n, i => (Tensor.From(new float[] { i }), (long)i));

    private static long[] TwoEpochs(IEnumerable<(Tensor X, Tensor Y)> loader) =>
        Enumerable.Range(0, 2).SelectMany(_ => loader.SelectMany(b => b.Y.ToArray<long>())).ToArray();

    private static long[] Expected(string name) => G[name].ToArray<long>();

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ShuffleFromTheDefaultGeneratorMatchesPyTorch(int workers)
    {
        Tensor.ManualSeed(0);
        var order = TwoEpochs(DataLoader.Create(Numbers(10), batchSize: 3, shuffle: true, numWorkers: workers));
        Assert.Equal(Expected("loader_default"), order);
        TensorAssert.Equal(G["after_loader_default"], Tensor.Rand(3));
    }

    [Fact]
    public void ShuffleFromAGeneratorMatchesPyTorchAndLeavesTheDefaultAlone()
    {
        var g = new Generator().ManualSeed(5);
        Tensor.ManualSeed(0);
        var order = TwoEpochs(DataLoader.Create(Numbers(10), batchSize: 4, shuffle: true, generator: g));
        Assert.Equal(Expected("loader_generator"), order);
        TensorAssert.Equal(G["after_loader_generator"], Tensor.Rand(3));
    }

    [Fact]
    public void SamplersMatchPyTorch()
    {
        Tensor.ManualSeed(1);
        var twice = new RandomSampler(7).Concat(new RandomSampler(7)).Select(i => (long)i);
        Assert.Equal(Expected("random_sampler_default"), twice);
        Assert.Equal(Expected("random_sampler_replacement"),
            new RandomSampler(7, replacement: true, numSamples: 40, generator: new Generator().ManualSeed(3)).Select(i => (long)i));
        Assert.Equal(Expected("random_sampler_more"),
            new RandomSampler(5, numSamples: 12, generator: new Generator().ManualSeed(4)).Select(i => (long)i));

        Tensor.ManualSeed(2);
        Assert.Equal(Expected("subset_random"), new SubsetRandomSampler([10, 20, 30, 40, 50]).Select(i => (long)i));
        Assert.Equal(Expected("weighted_replacement"),
            new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 25, replacement: true, generator: new Generator().ManualSeed(7)).Select(i => (long)i));
        Assert.Equal(Expected("weighted_no_replacement"),
            new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement: false, generator: new Generator().ManualSeed(8)).Select(i => (long)i));
        Assert.Equal(Expected("weighted_one"),
            new WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 1, generator: new Generator().ManualSeed(9)).Select(i => (long)i));
    }

    [Fact]
    public void RandomSplitMatchesPyTorch()
    {
        Tensor.ManualSeed(3);
        var split = Dataset.RandomSplit(Numbers(10), [3, 7]);
        Assert.Equal(Expected("split_default"), split.SelectMany(s => s.Select(x => x.Item2)));
        split = Dataset.RandomSplit(Numbers(10), [5, 5], generator: new Generator().ManualSeed(42));
        Assert.Equal(Expected("split_generator"), split.SelectMany(s => s.Select(x => x.Item2)));
    }

    [Fact]
    public void SeedAndGeneratorTogetherAreRefused() =>
        TensorAssert.Throws<ArgumentException>(() => new RandomSampler(3, seed: 1, generator: new Generator()), "RandomSampler", "seed", "generator");
}
