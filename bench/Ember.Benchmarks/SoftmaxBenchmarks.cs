using BenchmarkDotNet.Attributes;

namespace Ember.Benchmarks;

/// <summary>
/// Softmax and log-softmax over the last dimension (fused CPU kernel), forward only and forward plus
/// backward through autograd (the training path of cross-entropy).
/// </summary>
[MemoryDiagnoser]
public class SoftmaxBenchmarks
{
    private Tensor _x = null!, _xg = null!;

    /// <summary>Batch x classes: LeNet's logits, ImageNet-sized logits, a large square.</summary>
    [Params("64x10", "256x1000", "1024x1024")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        Tensor.ManualSeed(0);
        var d = Shape.Split('x').Select(int.Parse).ToArray();
        _x = Tensor.Randn(d[0], d[1]);
        _xg = Tensor.Randn(d[0], d[1]).RequiresGrad_();
    }

    [Benchmark(Baseline = true)] public Tensor Softmax() => _x.Softmax(-1);
    [Benchmark] public Tensor LogSoftmax() => _x.LogSoftmax(-1);
    [Benchmark] public Tensor SoftmaxOnFirstDim() => _x.Softmax(0);

    [Benchmark]
    public Tensor LogSoftmaxBackward()
    {
        _xg.Grad = null;
        _xg.LogSoftmax(-1).Sum().Backward();
        return _xg.Grad!;
    }
}
