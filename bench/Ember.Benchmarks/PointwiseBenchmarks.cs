using BenchmarkDotNet.Attributes;

namespace Ember.Benchmarks;

/// <summary>
/// Elementwise kernels on contiguous tensors, on a broadcast operand and on a transposed (strided) view;
/// out-of-place ops allocate their result, in-place ones (trailing underscore) must not allocate.
/// The small size measures per-op overhead, the large one bandwidth.
/// </summary>
[MemoryDiagnoser]
public class PointwiseBenchmarks
{
    private Tensor _x = null!, _y = null!, _row = null!, _xt = null!, _out = null!;

    /// <summary>Rows of a [Rows, 1024] float32 tensor: 1 (1 K elements, overhead) or 1024 (1 M elements).</summary>
    [Params(1, 1024)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Tensor.ManualSeed(0);
        _x = Tensor.Randn(Rows, 1024);
        _y = Tensor.Randn(Rows, 1024);
        _row = Tensor.Randn(1024);
        _xt = Tensor.Randn(1024, Rows).T;
        _out = Tensor.Randn(Rows, 1024);
    }

    [Benchmark(Baseline = true)] public Tensor Add() => _x + _y;
    [Benchmark] public Tensor Mul() => _x * _y;
    [Benchmark] public Tensor AddBroadcastRow() => _x + _row;
    [Benchmark] public Tensor AddTransposedView() => _xt + _y;
    [Benchmark] public Tensor MulScalar() => _x * 0.5f;
    [Benchmark] public Tensor Relu() => _x.Relu();
    [Benchmark] public Tensor Exp() => _x.Exp();
    [Benchmark] public Tensor Tanh() => _x.Tanh();
    [Benchmark] public Tensor Sigmoid() => _x.Sigmoid();
    [Benchmark] public Tensor AddInPlace() => _out.Add_(_y);
}
