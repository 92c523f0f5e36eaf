namespace Ember.Backends;

/// <summary>Reductions a backend provides over a set of axes.</summary>
internal enum ReduceOp
{
    /// <summary>Sum; the output has the input's dtype (the frontend converts integers to int64 first).</summary>
    Sum,
    /// <summary>Product; the output has the input's dtype.</summary>
    Prod,
    /// <summary>Largest element; NaN wins (propagates).</summary>
    Max,
    /// <summary>Smallest element; NaN wins (propagates).</summary>
    Min,
    /// <summary>Row-major index (within the reduced axes) of the first largest element, or of the first NaN; int64 output.</summary>
    ArgMax,
    /// <summary>Row-major index (within the reduced axes) of the first smallest element, or of the first NaN; int64 output.</summary>
    ArgMin,
    /// <summary>True when every element is non-zero (NaN counts as non-zero); output stored as bytes 0/1 (bool or uint8).</summary>
    All,
    /// <summary>True when some element is non-zero; output stored as bytes 0/1 (bool or uint8).</summary>
    Any,
}

/// <summary>Cumulative scans along one axis.</summary>
internal enum ScanOp
{
    /// <summary>Running sum.</summary>
    Sum,
    /// <summary>Running product.</summary>
    Prod,
}

internal static class ReduceOps
{
    /// <summary>The output dtype of a reduction kernel over an input of dtype <paramref name="input"/>.</summary>
    public static DType ResultType(ReduceOp op, DType input) => op switch
    {
        ReduceOp.ArgMax or ReduceOp.ArgMin => DType.Int64,
        ReduceOp.All or ReduceOp.Any => input == DType.UInt8 ? DType.UInt8 : DType.Bool,
        _ => input,
    };
}

internal partial interface IBackend
{
    /// <summary>
    /// Reduces <paramref name="src"/> over <paramref name="axes"/> (distinct, in range, possibly empty)
    /// into <paramref name="dst"/>, whose layout has the input's rank with the reduced axes of size 1
    /// (keepdim form). The output dtype is <see cref="ReduceOps.ResultType"/>. Reducing over an axis of
    /// size 0 gives the identity (sum 0, prod 1, all true, any false); the frontend refuses max/min/arg
    /// over an empty axis before calling.
    /// </summary>
    void Reduce(ReduceOp op, Storage src, Layout srcLayout, int[] axes, Storage dst, Layout dstLayout);

    /// <summary>
    /// Σ x² over every element of a contiguous float32 or float64 <paramref name="src"/> into the one
    /// element of <paramref name="dst"/>: a 2-norm's sum in one pass, rounded as the composed
    /// <c>(x * x).Sum()</c> (each square in the element type, then the sum as <see cref="ReduceOp.Sum"/> takes it).
    /// </summary>
    void SumOfSquares(Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

    /// <summary>
    /// Cumulative <paramref name="op"/> of <paramref name="src"/> along <paramref name="axis"/> into
    /// <paramref name="dst"/> (same shape and dtype). Float32 accumulates in float64.
    /// </summary>
    void Scan(ScanOp op, Storage src, Layout srcLayout, int axis, Storage dst, Layout dstLayout);

    /// <summary>
    /// Sorts every line of <paramref name="src"/> along <paramref name="axis"/>, stably (ties keep
    /// their order), NaN after every number (before, when descending), and writes the first
    /// <c>valuesLayout.Shape[axis]</c> results of each line: values (same dtype) and their int64
    /// positions in the line. The two output layouts have the same shape and strides.
    /// </summary>
    void Sort(Storage src, Layout srcLayout, int axis, bool descending, Storage values, Layout valuesLayout, Storage indices, Layout indicesLayout);
}
