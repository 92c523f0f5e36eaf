using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu.Kernels;

/// <summary>
/// One reduction: an accumulator, a step for strided elements (with the element's row-major index
/// within the reduced axes, for the arg ops), a span form for contiguous runs, and the final value.
/// </summary>
internal interface IReduceKernel<TSelf, T, TAcc, TOut>
    where TSelf : IReduceKernel<TSelf, T, TAcc, TOut>
{
    static abstract TAcc Init { get; }
    static abstract TAcc Step(TAcc acc, T x, long index);
    static abstract TOut Finish(TAcc acc);

    static virtual TAcc Run(TAcc acc, ReadOnlySpan<T> xs, long index)
    {
        for (int i = 0; i < xs.Length; i++) acc = TSelf.Step(acc, xs[i], index + i);
        return acc;
    }

    /// <summary>Row-wise form: <c>acc[j] = Step(acc[j], xs[j])</c>, every element of the row having the same reduced index.</summary>
    static virtual void Rows(Span<TAcc> acc, ReadOnlySpan<T> xs, long index)
    {
        for (int j = 0; j < acc.Length; j++) acc[j] = TSelf.Step(acc[j], xs[j], index);
    }
}

/// <summary>Helpers shared by the reduction kernels.</summary>
internal static class ReduceMath
{
    /// <summary>The value every element is at least: -inf for floats, MinValue for integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lowest<T>() where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)float.NegativeInfinity;
        if (typeof(T) == typeof(double)) return (T)(object)double.NegativeInfinity;
        if (typeof(T) == typeof(long)) return (T)(object)long.MinValue;
        if (typeof(T) == typeof(int)) return (T)(object)int.MinValue;
        return T.Zero; // byte
    }

    /// <summary>The value every element is at most: +inf for floats, MaxValue for integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Highest<T>() where T : INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)float.PositiveInfinity;
        if (typeof(T) == typeof(double)) return (T)(object)double.PositiveInfinity;
        if (typeof(T) == typeof(long)) return (T)(object)long.MaxValue;
        if (typeof(T) == typeof(int)) return (T)(object)int.MaxValue;
        return (T)(object)byte.MaxValue;
    }

    /// <summary>
    /// Sum of a float32 run with float64 accumulation of vectorised float32 blocks: each block is short
    /// enough that its lane-wise float32 partial sums stay accurate, and the blocks add up in float64,
    /// so long sums keep about float32 precision (as PyTorch's cascade sum does).
    /// </summary>
    public static double SumFloat(ReadOnlySpan<float> xs)
    {
        const int Block = 512;
        double acc = 0;
        while (xs.Length > Block) { acc += TP.Sum(xs[..Block]); xs = xs[Block..]; }
        return acc + TP.Sum(xs);
    }

    /// <summary>Σ x² as <see cref="SumFloat"/> sums the squares: each rounded to float32, 512-element blocks summed in float32, the blocks in float64.</summary>
    public static double SumOfSquaresFloat(ReadOnlySpan<float> xs)
    {
        const int Block = 512;
        Span<float> sq = stackalloc float[Block];
        double acc = 0;
        while (xs.Length > Block)
        {
            TP.Multiply(xs[..Block], xs[..Block], sq);
            acc += TP.Sum<float>(sq);
            xs = xs[Block..];
        }
        var tail = sq[..xs.Length];
        TP.Multiply(xs, xs, tail);
        return acc + TP.Sum<float>(tail);
    }

    /// <summary>Σ x² as <see cref="SumDouble"/> sums the squares (the same blocks, the same tree).</summary>
    public static double SumOfSquaresDouble(ReadOnlySpan<double> xs)
    {
        const int Block = 1024;
        if (xs.Length <= Block)
        {
            Span<double> sq = stackalloc double[xs.Length];
            TP.Multiply(xs, xs, sq);
            return TP.Sum<double>(sq);
        }
        int half = (xs.Length / 2 + Block - 1) / Block * Block;
        return SumOfSquaresDouble(xs[..half]) + SumOfSquaresDouble(xs[half..]);
    }

    /// <summary>acc[j] += (double)xs[j] for every j (Vector&lt;T&gt; lanes: 256-bit with AVX2, as wide as .NET makes it otherwise).</summary>
    public static void AddWidened(Span<double> acc, ReadOnlySpan<float> xs)
    {
        int n = acc.Length, j = 0, w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= n - w; j += w)
            {
                Vector.Widen(new Vector<float>(xs[j..]), out Vector<double> lo, out Vector<double> hi);
                (new Vector<double>(acc[j..]) + lo).CopyTo(acc[j..]);
                (new Vector<double>(acc[(j + w / 2)..]) + hi).CopyTo(acc[(j + w / 2)..]);
            }
        }
        for (; j < n; j++) acc[j] += xs[j];
    }

    /// <summary>
    /// acc[j] += x[start + r·stride + j] for r in [0, rows), in float64 and in that order: four rows at a
    /// time, each lane's four additions done in registers between one load and one store of the
    /// accumulator, so every lane sees the additions of row-by-row <see cref="AddWidened"/> in the same
    /// order (the same bits) with a quarter of its accumulator traffic, reading four rows as sequential
    /// streams (a bias gradient's Σ over a [700, 10000] batch: 2.9 -> 1.0 ms at 2 threads; walking a strip
    /// of columns down all the rows instead was 2 ms, its strided reads defeating the prefetcher).
    /// </summary>
    public static void AddWidenedRows(double[] acc, float[] x, int start, int stride, int rows)
    {
        int n = acc.Length, r = 0;
        if (rows <= 0 || n == 0) return;
        if ((long)start + (long)(rows - 1) * stride + n > x.Length) throw new ArgumentOutOfRangeException(nameof(rows));
        if (Avx.IsSupported)
        {
            ref float xs = ref MemoryMarshal.GetArrayDataReference(x);
            ref double a = ref MemoryMarshal.GetArrayDataReference(acc);
            for (; r <= rows - 4; r += 4)
            {
                nint b0 = start + (nint)r * stride, b1 = b0 + stride, b2 = b1 + stride, b3 = b2 + stride;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    var s = Vector256.LoadUnsafe(ref a, (nuint)j);
                    s += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref xs, (nuint)(b0 + j)));
                    s += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref xs, (nuint)(b1 + j)));
                    s += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref xs, (nuint)(b2 + j)));
                    s += Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref xs, (nuint)(b3 + j)));
                    s.StoreUnsafe(ref a, (nuint)j);
                }
                for (; j < n; j++) acc[j] = (((acc[j] + x[b0 + j]) + x[b1 + j]) + x[b2 + j]) + x[b3 + j];
            }
        }
        for (; r < rows; r++) AddWidened(acc, x.AsSpan(start + r * stride, n));
    }

    /// <summary>Pairwise (blocked) float64 sum: vectorised blocks combined in a binary tree to keep rounding error logarithmic.</summary>
    public static double SumDouble(ReadOnlySpan<double> xs)
    {
        const int Block = 1024;
        if (xs.Length <= Block) return TP.Sum(xs);
        int half = (xs.Length / 2 + Block - 1) / Block * Block;
        return SumDouble(xs[..half]) + SumDouble(xs[half..]);
    }
}

internal struct SumK<T> : IReduceKernel<SumK<T>, T, T, T> where T : unmanaged, INumber<T>
{
    public static T Init => T.Zero;
    public static T Step(T acc, T x, long index) => acc + x;
    public static T Finish(T acc) => acc;
    public static T Run(T acc, ReadOnlySpan<T> xs, long index)
    {
        if (typeof(T) == typeof(double))
            return acc + (T)(object)ReduceMath.SumDouble(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(xs));
        return acc + TP.Sum(xs);
    }
    public static void Rows(Span<T> acc, ReadOnlySpan<T> xs, long index) => TP.Add(acc, xs, acc);
}

/// <summary>float32 sum accumulated in float64 (PyTorch keeps float32 sums accurate with a cascade; this matches it to ~1e-7).</summary>
internal struct SumF32K : IReduceKernel<SumF32K, float, double, float>
{
    public static double Init => 0;
    public static double Step(double acc, float x, long index) => acc + x;
    public static float Finish(double acc) => (float)acc;
    public static double Run(double acc, ReadOnlySpan<float> xs, long index) => acc + ReduceMath.SumFloat(xs);

    /// <summary>
    /// acc[j] += xs[j] in float64, vectorised: each float widens exactly and each lane adds alone, so the
    /// result is the scalar loop's to the bit. A sum over rows (a bias gradient, Σ over a [700, 10000]
    /// batch of logits) spent most of its time in the scalar loop.
    /// </summary>
    public static void Rows(Span<double> acc, ReadOnlySpan<float> xs, long index) => ReduceMath.AddWidened(acc, xs);
}

internal struct ProdK<T> : IReduceKernel<ProdK<T>, T, T, T> where T : INumber<T>
{
    public static T Init => T.One;
    public static T Step(T acc, T x, long index) => acc * x;
    public static T Finish(T acc) => acc;
}

/// <summary>float32 product accumulated in float64, as PyTorch's CPU accumulate type for float.</summary>
internal struct ProdF32K : IReduceKernel<ProdF32K, float, double, float>
{
    public static double Init => 1;
    public static double Step(double acc, float x, long index) => acc * x;
    public static float Finish(double acc) => (float)acc;
}

internal struct MaxK<T> : IReduceKernel<MaxK<T>, T, T, T> where T : INumber<T>
{
    public static T Init => ReduceMath.Lowest<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Step(T acc, T x, long index) => T.IsNaN(acc) ? acc : (x > acc || T.IsNaN(x)) ? x : acc;
    public static T Finish(T acc) => acc;
    public static T Run(T acc, ReadOnlySpan<T> xs, long index) => Step(acc, TP.Max(xs), index); // TP.Max returns NaN if any is NaN
    public static void Rows(Span<T> acc, ReadOnlySpan<T> xs, long index) => TP.Max(acc, xs, acc);
}

internal struct MinK<T> : IReduceKernel<MinK<T>, T, T, T> where T : INumber<T>
{
    public static T Init => ReduceMath.Highest<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Step(T acc, T x, long index) => T.IsNaN(acc) ? acc : (x < acc || T.IsNaN(x)) ? x : acc;
    public static T Finish(T acc) => acc;
    public static T Run(T acc, ReadOnlySpan<T> xs, long index) => Step(acc, TP.Min(xs), index);
    public static void Rows(Span<T> acc, ReadOnlySpan<T> xs, long index) => TP.Min(acc, xs, acc);
}

/// <summary>
/// Index of the first largest element, or of the first NaN. Starting from (lowest, 0) is right: if no
/// element beats the lowest value, element 0 equals it and is the first occurrence.
/// </summary>
internal struct ArgMaxK<T> : IReduceKernel<ArgMaxK<T>, T, (T V, long I), long> where T : INumber<T>
{
    public static (T V, long I) Init => (ReduceMath.Lowest<T>(), 0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T V, long I) Step((T V, long I) acc, T x, long index) =>
        T.IsNaN(acc.V) ? acc : (x > acc.V || T.IsNaN(x)) ? (x, index) : acc;
    public static long Finish((T V, long I) acc) => acc.I;
}

internal struct ArgMinK<T> : IReduceKernel<ArgMinK<T>, T, (T V, long I), long> where T : INumber<T>
{
    public static (T V, long I) Init => (ReduceMath.Highest<T>(), 0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T V, long I) Step((T V, long I) acc, T x, long index) =>
        T.IsNaN(acc.V) ? acc : (x < acc.V || T.IsNaN(x)) ? (x, index) : acc;
    public static long Finish((T V, long I) acc) => acc.I;
}

/// <summary>All non-zero (NaN is non-zero, as in C).</summary>
internal struct AllK<T> : IReduceKernel<AllK<T>, T, bool, byte> where T : INumber<T>
{
    public static bool Init => true;
    public static bool Step(bool acc, T x, long index) => acc && x != T.Zero;
    public static byte Finish(bool acc) => acc ? (byte)1 : (byte)0;
    public static bool Run(bool acc, ReadOnlySpan<T> xs, long index)
    {
        if (!acc) return false;
        foreach (T x in xs) if (x == T.Zero) return false;
        return true;
    }
}

internal struct AnyK<T> : IReduceKernel<AnyK<T>, T, bool, byte> where T : INumber<T>
{
    public static bool Init => false;
    public static bool Step(bool acc, T x, long index) => acc || x != T.Zero;
    public static byte Finish(bool acc) => acc ? (byte)1 : (byte)0;
    public static bool Run(bool acc, ReadOnlySpan<T> xs, long index)
    {
        if (acc) return true;
        foreach (T x in xs) if (x != T.Zero) return true;
        return false;
    }
}

/// <summary>One cumulative scan: accumulator type, step, and conversion back to the element type.</summary>
internal interface IScanKernel<TSelf, T, TAcc> where TSelf : IScanKernel<TSelf, T, TAcc>
{
    static abstract TAcc Init { get; }
    static abstract TAcc Step(TAcc acc, T x);
    static abstract T Out(TAcc acc);
}

internal struct CumSumK<T> : IScanKernel<CumSumK<T>, T, T> where T : INumber<T>
{
    public static T Init => T.Zero;
    public static T Step(T acc, T x) => acc + x;
    public static T Out(T acc) => acc;
}

internal struct CumProdK<T> : IScanKernel<CumProdK<T>, T, T> where T : INumber<T>
{
    public static T Init => T.One;
    public static T Step(T acc, T x) => acc * x;
    public static T Out(T acc) => acc;
}

/// <summary>float32 running sum in float64, as PyTorch's CPU cumsum (its accumulate type for float is double).</summary>
internal struct CumSumF32K : IScanKernel<CumSumF32K, float, double>
{
    public static double Init => 0;
    public static double Step(double acc, float x) => acc + x;
    public static float Out(double acc) => (float)acc;
}

internal struct CumProdF32K : IScanKernel<CumProdF32K, float, double>
{
    public static double Init => 1;
    public static double Step(double acc, float x) => acc * x;
    public static float Out(double acc) => (float)acc;
}
