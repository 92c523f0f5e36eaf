using BenchmarkDotNet.Attributes;

namespace Ember.Benchmarks;

/// <summary>Sum, mean and max over everything, the last dimension and the first (strided) dimension.</summary>
[MemoryDiagnoser]
public class ReductionBenchmarks
{
    private Tensor _x = null!;

    /// <summary>A [64, 10] logits-sized tensor (overhead) and a [1024, 1024] one (bandwidth).</summary>
    [Params("64x10", "1024x1024")]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        var d = Shape.Split('x').Select(int.Parse).ToArray();
        _x = Tensor.Randn(d[0], d[1]);
    }

    [Benchmark(Baseline = true)] public Tensor SumAll() => _x.Sum();
    [Benchmark] public Tensor SumLastDim() => _x.Sum(1);
    [Benchmark] public Tensor SumFirstDim() => _x.Sum(0);
    [Benchmark] public Tensor MeanAll() => _x.Mean();
    [Benchmark] public Tensor MaxAll() => _x.Max();
    [Benchmark] public Tensor MaxLastDim() => _x.Max(1).Values;
    [Benchmark] public Tensor ArgMaxLastDim() => _x.ArgMax(1);
}
