using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Ember.Backends.Cpu.Kernels;

/// <summary>
/// One elementwise three-input kernel. Unlike the unary and binary kernels it is used through an
/// instance, because some ternary ops carry a constant (addcmul's <c>value</c>); the struct is
/// readonly and generic, so the JIT still specialises the loop per kernel.
/// </summary>
internal interface ITernaryKernel<TA, TB, TC, TOut>
{
    TOut Apply(TA a, TB b, TC c);

    /// <summary>All four operands contiguous.</summary>
    /// <remarks>No default bodies here: a default interface method called on a struct boxes it.</remarks>
    void Contig(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, ReadOnlySpan<TC> c, Span<TOut> d);

    /// <summary><paramref name="a"/> and <paramref name="d"/> contiguous, b and c one value each; false to fall back to the loop.</summary>
    bool TryContigScalarScalar(ReadOnlySpan<TA> a, TB b, TC c, Span<TOut> d);
}

internal readonly struct WhereK<T> : ITernaryKernel<byte, T, T, T>
{
    public T Apply(byte cond, T x, T y) => cond != 0 ? x : y;

    public void Contig(ReadOnlySpan<byte> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = Apply(a[i], b[i], c[i]);
    }

    public bool TryContigScalarScalar(ReadOnlySpan<byte> a, T b, T c, Span<T> d) => false;
}

internal readonly struct LerpK<T> : ITernaryKernel<T, T, T, T> where T : IFloatingPointIeee754<T>
{
    // PyTorch's formula: exact at both ends (weight 0 gives start, weight 1 gives end).
    public T Apply(T start, T end, T weight) =>
        T.Abs(weight) < T.CreateChecked(0.5) ? start + weight * (end - start) : end - (end - start) * (T.One - weight);

    public void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = Apply(a[i], b[i], c[i]);
    }

    public bool TryContigScalarScalar(ReadOnlySpan<T> a, T b, T c, Span<T> d) => false;
}

internal readonly struct AddcmulK<T>(T value) : ITernaryKernel<T, T, T, T> where T : INumber<T>
{
    private readonly T _value = value;

    // Same evaluation order as PyTorch: self + (value * t1) * t2.
    public T Apply(T self, T t1, T t2) => self + _value * t1 * t2;

    public void Contig(ReadOnlySpan<T> self, ReadOnlySpan<T> t1, ReadOnlySpan<T> t2, Span<T> d)
    {
        // (t1 * t2) + self rounds exactly as self + (1 * t1) * t2: MultiplyAdd is not fused.
        if (_value == T.One) { TP.MultiplyAdd(t1, t2, self, d); return; }
        for (int i = 0; i < d.Length; i++) d[i] = Apply(self[i], t1[i], t2[i]);
    }

    public bool TryContigScalarScalar(ReadOnlySpan<T> a, T b, T c, Span<T> d) => false;
}

internal readonly struct AddcdivK<T>(T value) : ITernaryKernel<T, T, T, T> where T : INumber<T>
{
    private readonly T _value = value;

    // Same evaluation order as PyTorch: self + (value * t1) / t2.
    public T Apply(T self, T t1, T t2) => self + _value * t1 / t2;

    public void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = Apply(a[i], b[i], c[i]);
    }

    public bool TryContigScalarScalar(ReadOnlySpan<T> a, T b, T c, Span<T> d) => false;
}

internal readonly struct ClampK<T> : ITernaryKernel<T, T, T, T> where T : INumber<T>
{
    // As PyTorch's tensor-bound clamp: a NaN bound gives NaN, a NaN input stays NaN, and when
    // min > max every element becomes max (min(max(x, lo), hi)).
    public T Apply(T x, T lo, T hi)
    {
        if (T.IsNaN(lo) || T.IsNaN(hi) || T.IsNaN(x)) return T.IsNaN(x) ? x : T.IsNaN(lo) ? lo : hi;
        T m = x < lo ? lo : x;
        return hi < m ? hi : m;
    }

    public void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = Apply(a[i], b[i], c[i]);
    }

    public bool TryContigScalarScalar(ReadOnlySpan<T> x, T lo, T hi, Span<T> d)
    {
        // TensorPrimitives.Clamp refuses min > max, which PyTorch allows.
        if (T.IsNaN(lo) || T.IsNaN(hi) || lo > hi) return false;
        TP.Clamp(x, lo, hi, d);
        return true;
    }
}
