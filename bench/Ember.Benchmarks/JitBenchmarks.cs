using BenchmarkDotNet.Attributes;
using Ember.Jit;
using Ember.Vision.Models;

namespace Ember.Benchmarks;

/// <summary>
/// Graph mode on LeNet inference (eval mode, no-grad): the eager C# forward, the traced graph's interpreter
/// (the same ops, so about as fast), and the graph after <c>Jit.Optimize</c> (conv + relu + max-pool and
/// linear + relu fused, weights frozen, intermediates in a reused arena). The memory diagnoser's
/// "Allocated" column is the managed bytes per call.
/// </summary>
[MemoryDiagnoser]
public class JitBenchmarks
{
    private LeNet _net = null!;
    private TracedModule _traced = null!;
    private TracedModule _optimized = null!;
    private Tensor _x = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(4, 256)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        _net = new LeNet();
        _net.Eval();
        _x = Tensor.Randn(Batch, 3, 32, 32);
        _traced = Ember.Jit.Jit.Trace(_net, _x, dynamicDims: [DynamicDim.Batch]);
        _optimized = Ember.Jit.Jit.Optimize(_traced);
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

    [Benchmark]
    public Tensor OptimizedInfer()
    {
        using (Autograd.NoGrad()) return _optimized.Call(_x);
    }
}
