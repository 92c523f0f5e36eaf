using BenchmarkDotNet.Attributes;
using Ember.NN;

namespace Ember.Benchmarks;

/// <summary>
/// 2-d convolution forward, and forward plus both backward passes (input and weight/bias gradients),
/// at LeNet's shapes and at ResNet-like 3x3 shapes (the cases are listed with their shapes below).
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Tensor _x = null!, _w = null!, _b = null!, _xg = null!, _wg = null!, _bg = null!;
    private int _padding;

    /// <summary>Input [N, C, H, W], output channels, square kernel, padding.</summary>
    private static readonly Dictionary<string, (int N, int C, int H, int W, int Out, int K, int Pad)> Cases = new()
    {
        ["LeNet1-b4"] = (4, 3, 32, 32, 6, 5, 0),      // LeNet conv1, batch 4
        ["LeNet1-b64"] = (64, 3, 32, 32, 6, 5, 0),    // LeNet conv1, batch 64
        ["LeNet2-b64"] = (64, 6, 14, 14, 16, 5, 0),   // LeNet conv2, batch 64
        ["ResNet1-b8"] = (8, 64, 56, 56, 64, 3, 1),   // ResNet stage 1, 3x3
        ["ResNet2-b8"] = (8, 128, 28, 28, 128, 3, 1), // ResNet stage 2, 3x3
    };

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> CaseNames => Cases.Keys;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        var c = Cases[Case];
        _padding = c.Pad;
        _x = Tensor.Randn(c.N, c.C, c.H, c.W);
        _w = Tensor.Randn(c.Out, c.C, c.K, c.K);
        _b = Tensor.Randn(c.Out);
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
