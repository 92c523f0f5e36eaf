using BenchmarkDotNet.Attributes;
using Ember.Jit;
using Ember.Vision.Models;

namespace Ember.Benchmarks;

/// <summary>
/// Graph mode's baseline: LeNet inference at batch 4 (eval mode, no-grad), run by the eager C# forward and
/// by the traced graph's interpreter. The replay calls the same ops, so it is expected to be about as fast;
/// the later steps of issue 16 (fusion, memory planning) are measured against this pair.
/// </summary>
[MemoryDiagnoser]
public class JitBenchmarks
{
    private LeNet _net = null!;
    private TracedModule _traced = null!;
    private Tensor _x = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        _net = new LeNet();
        _net.Eval();
        _x = Tensor.Randn(4, 3, 32, 32);
        _traced = Ember.Jit.Jit.Trace(_net, _x, dynamicDims: [DynamicDim.Batch]);
    }

    [Benchmark(Baseline = true)]
    public Tensor EagerInfer()
    {
        using (Autograd.NoGrad()) return _net.Call(_x);
    }

    [Benchmark]
    public Tensor TracedInfer()
    {
        using (Autograd.NoGrad()) return _traced.Call(_x);
    }
}
