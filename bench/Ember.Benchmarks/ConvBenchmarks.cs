using BenchmarkDotNet.Attributes;
using Ember.NN;

namespace Ember.Benchmarks;

/// <summary>
/// 2-d convolution forward, and forward plus both backward passes (input and weight/bias gradients),
/// at LeNet's shapes and at ResNet-like 3x3 shapes. A case is "N C H W -> O kK pP".
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Tensor _x = null!, _w = null!, _b = null!, _xg = null!, _wg = null!, _bg = null!;
    private int _padding;

    [Params(
        "4x3x32x32 6 k5 p0",      // LeNet conv1, batch 4
        "64x3x32x32 6 k5 p0",     // LeNet conv1, batch 64
        "64x6x14x14 16 k5 p0",    // LeNet conv2, batch 64
        "8x64x56x56 64 k3 p1",    // ResNet stage 1
        "8x128x28x28 128 k3 p1")] // ResNet stage 2
    public string Case { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        var p = Case.Split(' ');
        var d = p[0].Split('x').Select(int.Parse).ToArray();
        int outC = int.Parse(p[1]), k = int.Parse(p[2][1..]);
        _padding = int.Parse(p[3][1..]);
        _x = Tensor.Randn(d[0], d[1], d[2], d[3]);
        _w = Tensor.Randn(outC, d[1], k, k);
        _b = Tensor.Randn(outC);
        _xg = _x.Detach().RequiresGrad_();
        _wg = _w.Detach().RequiresGrad_();
        _bg = _b.Detach().RequiresGrad_();
    }

    [Benchmark(Baseline = true)]
    public Tensor Forward()
    {
        using (Autograd.NoGrad()) return F.Conv2d(_x, _w, _b, padding: _padding);
    }

    [Benchmark]
    public Tensor ForwardBackward()
    {
        _xg.Grad = null; _wg.Grad = null; _bg.Grad = null;
        F.Conv2d(_xg, _wg, _bg, padding: _padding).Sum().Backward();
        return _wg.Grad!;
    }
}

/// <summary>2x2 max pooling, stride 2, forward and forward plus backward, at LeNet's shapes.</summary>
[MemoryDiagnoser]
public class MaxPoolBenchmarks
{
    private Tensor _x = null!, _xg = null!;

    [Params("64x6x28x28", "64x16x10x10", "8x64x112x112")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        Tensor.ManualSeed(0);
        var d = Shape.Split('x').Select(int.Parse).ToArray();
        _x = Tensor.Randn(d[0], d[1], d[2], d[3]);
        _xg = _x.Detach().RequiresGrad_();
    }

    [Benchmark(Baseline = true)]
    public Tensor Forward()
    {
        using (Autograd.NoGrad()) return F.MaxPool2d(_x, 2, 2);
    }

    [Benchmark]
    public Tensor ForwardBackward()
    {
        _xg.Grad = null;
        F.MaxPool2d(_xg, 2, 2).Sum().Backward();
        return _xg.Grad!;
    }
}
