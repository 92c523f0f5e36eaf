using System.Text.RegularExpressions;
using Ember.Data;
using Ember.Distributed;
using Xunit;

namespace Ember.Tests.Distributed;

/// <summary>
/// DistributedSampler gives each rank PyTorch's indices for the same seed and epoch (tests/golden/distributed_sampler.py:
/// shuffled and in order, padded and with drop_last, 1 to 4 replicas, datasets that divide evenly and not).
/// </summary>
public class DistributedSamplerTests
{
    [Fact]
    public void EveryCaseMatchesPyTorchsOrder()
    {
        var g = Golden.Load("distributed_sampler");
        var cases = g.Meta.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.True(cases.Length >= 300, $"only {cases.Length} golden cases");
        var pattern = new Regex(@"^n(\d+)_r(\d+)_k(\d+)_(shuffle|seq)_s(\d+)_e(\d+)_(drop|pad)$");
        foreach (var name in cases)
        {
            var m = pattern.Match(name);
            Assert.True(m.Success, name);
            int P(int i) => int.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
            var s = new DistributedSampler(P(1), numReplicas: P(2), rank: P(3), shuffle: m.Groups[4].Value == "shuffle", seed: P(5), dropLast: m.Groups[7].Value == "drop");
            s.SetEpoch(P(6));
            long[] want = g[name].ToArray<long>();
            Assert.True(want.Select(x => (int)x).SequenceEqual(s), $"{name}: got [{string.Join(", ", s)}], PyTorch gives [{string.Join(", ", want)}]");
            Assert.Equal(want.Length, s.Count);
        }
    }

    [Fact]
    public void TheRanksCoverTheDatasetOnceWhenItDividesEvenly()
    {
        var all = Enumerable.Range(0, 3).SelectMany(r => new DistributedSampler(12, 3, r, seed: 5)).OrderBy(i => i);
        Assert.Equal(Enumerable.Range(0, 12), all);
    }

    [Fact]
    public void EpochsDifferAndRepeat()
    {
        var s = new DistributedSampler(20, 2, 0);
        var e0 = s.ToArray();
        s.SetEpoch(1);
        var e1 = s.ToArray();
        s.SetEpoch(0);
        Assert.NotEqual(e0, e1);
        Assert.Equal(e0, s.ToArray());
    }

    [Fact]
    public void WorksAsADataLoaderSampler()
    {
        var data = new TensorDataset(Tensor.Arange(10).To(DType.Float32).View(10, 1));
        var sampler = new DistributedSampler(data.Count, numReplicas: 2, rank: 1, shuffle: false);
        var loader = DataLoader.Create(data, batchSize: 2, sampler: sampler);
        var seen = loader.SelectMany(b => b[0].View(-1).ToArray<float>()).ToArray();
        Assert.Equal(new float[] { 1, 3, 5, 7, 9 }, seen);
        Assert.Equal(3, loader.Count);
    }

    [Fact]
    public void SkipResumesInTheMiddleOfAnEpochAndSetEpochClearsIt()
    {
        var s = new DistributedSampler(23, numReplicas: 3, rank: 2, seed: 9);
        s.SetEpoch(4);
        var all = s.ToArray();
        s.Skip = 3;
        Assert.Equal(all[3..], s.ToArray());
        Assert.Equal(all.Length - 3, s.Count);
        s.SetEpoch(4);
        Assert.Equal(0, s.Skip);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Skip = s.NumSamples + 1);
    }

    [Fact]
    public void ABadRankIsRefusedAsPyTorchDoes()
    {
        var e = Assert.Throws<ArgumentException>(() => new DistributedSampler(10, numReplicas: 2, rank: 2));
        Assert.Contains("Invalid rank 2, rank should be in the interval [0, 1]", e.Message);
    }
}
