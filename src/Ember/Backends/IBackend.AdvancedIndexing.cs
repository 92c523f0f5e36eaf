namespace Ember.Backends;

// Advanced indexing (x[idx], x[mask], x[idx] = v) as three primitives. The frontend turns the
// index tensors into one int64 storage offset per indexed position (IndexOffsets), then a gather
// or a put walks the result shape with those offsets added to a strided base layout. This is how
// PyTorch's index kernels work too, and it serves any mix of basic and advanced indices.
internal partial interface IBackend
{
    /// <summary>
    /// The storage offsets selected by broadcast index tensors: out[b] = sum_k wrap(idx_k[b]) * strides[k]
    /// for every position b of the common (broadcast) shape, written contiguously as int64.
    /// <paramref name="indexLayouts"/> are already broadcast to one shape; indices may be int64 or int32.
    /// A negative index counts from the end of its dim.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside [-size, size): "index 5 is out of bounds for dimension 0 with size 3",
    /// naming <c>dims[k]</c>.</exception>
    Storage IndexOffsets(Storage[] indices, Layout[] indexLayouts, int[] sizes, int[] strides, int[] dims);

    /// <summary>
    /// dst[o] = src[srcBase(o) + offsets[offsetsLayout(o)]] for every position o of the result shape.
    /// All three layouts have the result's shape; src and dst share a dtype.
    /// </summary>
    void IndexGather(Storage src, Layout srcBase, Storage offsets, Layout offsetsLayout, Storage dst, Layout dstLayout);

    /// <summary>
    /// dst[dstBase(o) + offsets[offsetsLayout(o)]] = values[o] (or += when <paramref name="accumulate"/>)
    /// for every position o of the indexed shape, in row-major order, so with repeated indices and no
    /// accumulation the last write wins. All three layouts have the indexed shape; values share dst's dtype.
    /// </summary>
    void IndexPut(Storage dst, Layout dstBase, Storage offsets, Layout offsetsLayout, Storage values, Layout valuesLayout, bool accumulate);

    /// <summary>The multi-indices of the non-zero elements in row-major order: an int64 storage of count * rank elements.</summary>
    Storage Nonzero(Storage src, Layout layout, out int count);
}
