using BenchmarkDotNet.Attributes;

namespace Ember.Benchmarks;

/// <summary>
/// Float32 GEMM through <c>Tensor.MatMul</c> at square, skinny and transposed shapes. A case is
/// "MxKxN" (C[M,N] = A[M,K] B[K,N]) with an optional suffix: T_ uses A as the transposed view of a
/// [K,M] tensor, _T uses B as the transposed view of an [N,K] tensor, TT both; transposition is left
/// to the kernel (no copy beforehand), which is what these cases measure.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private Tensor _a = null!, _b = null!;

    [Params(
        "64x64x64", "256x256x256", "1024x1024x1024",        // square
        "64x1000x100", "64x100x10", "4x400x120",             // the chapter's MLP and LeNet's classifier
        "1x1024x1024", "4096x32x32", "32x4096x32",           // matrix-vector, tall, deep-and-skinny (weight-gradient-like)
        "512x512x512 T_", "512x512x512 _T", "512x512x512 TT", // transposed operands
        "64x100x1000 _T")]                                   // Linear's x W^T
    public string Case { get; set; } = "";

    /// <summary>Threads for the kernels (Ember.Threads.Count).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Ember.Threads.Count = Threads;
        Tensor.ManualSeed(0);
        var parts = Case.Split(' ');
        var dims = parts[0].Split('x').Select(int.Parse).ToArray();
        int m = dims[0], k = dims[1], n = dims[2];
        string t = parts.Length > 1 ? parts[1] : "__";
        _a = t[0] == 'T' ? Tensor.Randn(k, m).T : Tensor.Randn(m, k);
        _b = t[1] == 'T' ? Tensor.Randn(n, k).T : Tensor.Randn(k, n);
    }

    [Benchmark]
    public Tensor MatMul() => _a.MatMul(_b);
}

/// <summary>Batched GEMM (<c>torch.bmm</c>-like MatMul over a leading batch dimension).</summary>
[MemoryDiagnoser]
public class BatchedGemmBenchmarks
{
    private Tensor _a = null!, _b = null!;

    [Params("32x64x64x64", "8x196x576x64")]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        Tensor.ManualSeed(0);
        var d = Case.Split('x').Select(int.Parse).ToArray();
        _a = Tensor.Randn(d[0], d[1], d[2]);
        _b = Tensor.Randn(d[0], d[2], d[3]);
    }

    [Benchmark]
    public Tensor MatMul() => _a.MatMul(_b);
}
