using BenchmarkDotNet.Attributes;
using Ember.NN;
using Ember.Optim;
using Ember.Vision.Models;

namespace Ember.Benchmarks;

/// <summary>
/// A whole LeNet training step (zero-grad, forward, cross-entropy, backward, SGD momentum step) and
/// inference under no-grad, on 3x32x32 inputs: the comparison runner's lenet_step and lenet_infer,
/// with BenchmarkDotNet's statistics and the managed bytes allocated per step.
/// </summary>
[MemoryDiagnoser]
public class LeNetBenchmarks
{
    private LeNet _net = null!;
    private Sgd _opt = null!;
    private CrossEntropyLoss _lossFn = null!;
    private Tensor _x = null!, _y = null!;

    [Params(4, 64, 256)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        _net = new LeNet();
        _opt = new Sgd(_net.Parameters(), lr: 0.001, momentum: 0.9);
        _lossFn = new CrossEntropyLoss();
        _x = Tensor.Randn(Batch, 3, 32, 32);
        var labels = new long[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = i % 10;
        _y = Tensor.From(labels);
    }

    [Benchmark]
    public void TrainStep()
    {
        _opt.ZeroGrad();
        _lossFn.Forward(_net.Call(_x), _y).Backward();
        _opt.Step();
    }

    [Benchmark]
    public Tensor Infer()
    {
        using (Autograd.NoGrad()) return _net.Call(_x);
    }
}
