namespace Ember.Backends.Cpu.Kernels;

/// <summary>
/// One elementwise one-input kernel: a scalar <see cref="Apply"/> for strided elements and a span
/// form for contiguous runs (vectorised where TensorPrimitives has the op; a plain loop by default).
/// </summary>
internal interface IUnaryKernel<TSelf, T, TOut>
    where TSelf : IUnaryKernel<TSelf, T, TOut>
{
    static abstract TOut Apply(T x);

    static virtual void Contig(ReadOnlySpan<T> x, Span<TOut> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TSelf.Apply(x[i]);
    }
}

/// <summary>One elementwise two-input kernel, with span forms for the common contiguous and scalar-broadcast runs.</summary>
internal interface IBinaryKernel<TSelf, T, TOut>
    where TSelf : IBinaryKernel<TSelf, T, TOut>
{
    static abstract TOut Apply(T a, T b);

    static virtual void Contig(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TOut> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b[i]);
    }

    static virtual void ContigScalar(ReadOnlySpan<T> a, T b, Span<TOut> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a[i], b);
    }

    static virtual void ScalarContig(T a, ReadOnlySpan<T> b, Span<TOut> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TSelf.Apply(a, b[i]);
    }
}
