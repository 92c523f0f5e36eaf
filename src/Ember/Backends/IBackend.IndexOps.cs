namespace Ember.Backends;

/// <summary>How <see cref="IBackend.Scatter"/> combines a source element with the element it lands on.</summary>
internal enum ScatterMode
{
    /// <summary>The destination element is overwritten (with several writes to one place, the last in row-major order of the index wins).</summary>
    Assign,
    /// <summary>The source element times alpha is added to the destination element (duplicates accumulate; for bool, a logical or).</summary>
    Add,
    /// <summary>The destination element is multiplied by the source element.</summary>
    Multiply,
    /// <summary>The destination element becomes the larger of the two (NaN wins, as PyTorch's amax).</summary>
    Max,
    /// <summary>The destination element becomes the smaller of the two (NaN wins, as PyTorch's amin).</summary>
    Min,
}

// Index-based kernels: gather and scatter along one dim, masked fill and masked select.
// index_select, index_add and index_fill are the same two walks with a broadcast (stride-0) index
// layout, so they need no kernels of their own. Indices arrive as int64 and already range-checked by
// the frontend (through FirstIndexOutOfRange), so kernels never meet a bad index.
internal partial interface IBackend
{
    /// <summary>
    /// For every position p of <paramref name="dstLayout"/>'s shape:
    /// <c>dst[p] = src[p with p[dim] replaced by index[p]]</c>. <paramref name="srcLayout"/> has the
    /// destination's shape except along <paramref name="dim"/>, where only its stride is used;
    /// <paramref name="indexLayout"/> has the destination's shape (stride 0 where an index is reused).
    /// <paramref name="src"/> and <paramref name="dst"/> share a dtype; <paramref name="index"/> is int64.
    /// </summary>
    void Gather(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage dst, Layout dstLayout);

    /// <summary>
    /// For every position p of <paramref name="indexLayout"/>'s shape:
    /// <c>dst[p with p[dim] replaced by index[p]] = src[p]</c> (or <c>+= alpha * src[p]</c>, <c>*= src[p]</c>,
    /// max, min as <paramref name="mode"/> says).
    /// <paramref name="dstLayout"/> has the index's shape except along <paramref name="dim"/>, where
    /// only its stride is used; <paramref name="srcLayout"/> has the index's shape (stride 0 for a
    /// broadcast value). Elements are visited in row-major order, so duplicates accumulate exactly
    /// (and, when assigning, the last one wins). <paramref name="alpha"/> is used by <see cref="ScatterMode.Add"/> only.
    /// </summary>
    void Scatter(Storage dst, Layout dstLayout, int dim, Storage index, Layout indexLayout, Storage src, Layout srcLayout, ScatterMode mode, Scalar alpha);

    /// <summary>Sets <c>dst[p] = value</c> wherever <c>mask[p]</c> is true; the bool mask layout is already broadcast to the destination's shape.</summary>
    void MaskedFill(Storage dst, Layout dstLayout, Storage mask, Layout maskLayout, Scalar value);

    /// <summary>
    /// A new storage holding, in row-major order, the elements of <paramref name="src"/> where
    /// <paramref name="mask"/> (bool) is true; both layouts have the same (broadcast) shape.
    /// </summary>
    Storage MaskedSelect(Storage src, Layout srcLayout, Storage mask, Layout maskLayout);

    /// <summary>
    /// The first value (in row-major order) of the int64 <paramref name="index"/> outside
    /// [<paramref name="low"/>, <paramref name="high"/>), or null when all are inside.
    /// </summary>
    long? FirstIndexOutOfRange(Storage index, Layout indexLayout, long low, long high);
}
