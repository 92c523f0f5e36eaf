namespace Ember;

// Python-style indexing: x[1, .., ^1], x[idx], x[mask] = 0. Basic indices (integers, slices,
// NewAxis, Ellipsis) make a view; index tensors then select by advanced indexing, which copies on
// read and writes through index_put_ on assignment, as PyTorch does.
public partial class Tensor
{
    /// <summary>Inserts a size-1 dim when used as an index (Python's <c>None</c>): <c>x[.., Tensor.NewAxis]</c>.</summary>
    public static TensorIndex NewAxis => TensorIndex.NewAxisIndex;

    /// <summary>Stands for as many full slices as needed (Python's <c>...</c>): <c>x[Tensor.Ellipsis, 0]</c>.</summary>
    public static TensorIndex Ellipsis => TensorIndex.EllipsisIndex;

    /// <summary>
    /// Indexes as Python does (<c>x[1, .., ^1]</c>, <c>x[idx]</c>, <c>x[mask]</c>).
    /// <para>Get: integers, ranges/slices, <see cref="NewAxis"/> and <see cref="Ellipsis"/> return a view
    /// of this tensor (no copy). Index tensors (int64/int32 positions, or bool masks standing for their
    /// nonzero positions) select by advanced indexing and return a copy: the index tensors broadcast
    /// together, and their result dims go where the first index tensor stood if the index tensors are
    /// adjacent (after the basic indices are applied), else at the front, as in PyTorch.</para>
    /// <para>Set: with basic indices only, the value is copied into the view (<c>view.Copy_(value)</c>);
    /// with index tensors it is written by <see cref="IndexPut_"/>. The value broadcasts to the indexed
    /// shape and is converted to this tensor's dtype (numbers convert implicitly: <c>x[mask] = 0</c>).
    /// PyTorch refuses a value tensor of another dtype in the advanced case; Ember converts it.</para>
    /// <para>Autograd: a read records one view node per basic index (<c>SelectBackward0</c>,
    /// <c>SliceBackward0</c>, <c>UnsqueezeBackward0</c>; whole-dim slices record nothing, as in newer
    /// PyTorch) and <c>IndexBackward0</c> for index tensors. A write into a tensor that requires grad,
    /// or of a value that does, is recorded as an in-place op (<c>CopyBackwards</c> or
    /// <c>IndexPutBackward0</c>, inside <c>CopySlices</c> when it goes through a view), so
    /// <c>y[.., 0] = 0</c> and <c>y[mask] = 0</c> work on non-leaf tensors and the value gets its gradient.
    /// Writing into a leaf that requires grad is refused outside <see cref="Autograd.NoGrad"/>.</para>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of bounds.</exception>
    /// <exception cref="ArgumentException">Too many indices, a mask of the wrong shape, index tensors that do not broadcast, or a value that does not fit.</exception>
    /// <remarks>The indexer's metadata name is <c>Indexer</c>, because <c>Item</c> is <see cref="Item()"/>.</remarks>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            var (view, adv) = ApplyIndices(indices);
            if (adv is null) return ReferenceEquals(view, this) ? ViewWith(Layout, Derivatives.Alias) : view;
            var r = GatherAdvanced(view, adv);
            if (Autograd.Recording(view))
                Derivatives.Index.Record(r, [view], saved: adv.Indices, state: new Derivatives.IndexState(adv.Positions));
            return r;
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var (view, adv) = ApplyIndices(indices);
            // As PyTorch, leading size-1 dims of the value are dropped first, so x[0] = ones(1, 3) fits a [3] slot.
            value = StripLeadingOnes(value);
            if (adv is null)
            {
                // x[..] = v writes all of x (PyTorch goes through an alias view; the gradients are the same).
                var before = ViewBase?.GradFn;
                view.Copy_(value);
                AfterWriteThrough(view, before);
                return;
            }
            var before2 = ViewBase?.GradFn;
            Put(view, adv, value, accumulate: false);
            AfterWriteThrough(view, before2);
        }
    }

    /// <summary>
    /// Writes <paramref name="values"/> at the positions given by one index tensor per leading dim
    /// (<c>x.index_put_(indices, values, accumulate)</c>); a null entry takes the whole dim. With
    /// <paramref name="accumulate"/> the values are added, and repeated positions add up; without it,
    /// repeated positions keep the last value written. Values broadcast to the indexed shape and are
    /// converted to this tensor's dtype. Under autograd (<c>IndexPutBackward0</c>), the overwritten
    /// positions of the old values get a zero gradient (all of them pass it on when accumulating) and
    /// <paramref name="values"/> gets the gradient at the positions written.
    /// </summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length > NDim)
            throw new ArgumentException($"index_put_: too many indices for tensor of dimension {NDim} (got {indices.Length}).");
        var (view, adv) = ApplyIndices(indices.Select(t => t is null ? (TensorIndex)Range.All : t).ToArray());
        values = StripLeadingOnes(values);
        if (adv is null)
        {
            if (!accumulate)
            {
                var before = ViewBase?.GradFn;
                view.Copy_(values);
                AfterWriteThrough(view, before);
                return this;
            }
            // No index tensor at all: every element is hit once, so accumulating is a plain add.
            adv = new AdvancedIndex([], [], [], new Tensor?[view.NDim]);
        }
        var before2 = ViewBase?.GradFn;
        Put(view, adv, values, accumulate);
        AfterWriteThrough(view, before2);
        return this;
    }

    /// <summary>
    /// After a write through <paramref name="view"/> (a view taken of this tensor, itself a view of a
    /// base): the write rewrote the base's history, so this tensor's own history must read its values
    /// back from the base, or a later backward through this tensor would miss the write. PyTorch
    /// regenerates a modified view's grad_fn the same way (as AsStridedBackward0).
    /// </summary>
    private void AfterWriteThrough(Tensor view, Graph.Node? baseFnBefore)
    {
        if (ReferenceEquals(view, this) || ViewBase is not { } b || ReferenceEquals(b.GradFn, baseFnBefore) || !b.RequiresGrad) return;
        if (!b.Layout.IsContiguous) return;
        for (int i = 0; i < NDim; i++) if (Layout.Strides[i] == 0 && Layout.Shape[i] > 1) return;   // overlapping: cannot be written anyway
        var region = new Layout(Layout.Shape, Layout.Strides, Layout.Offset - b.Layout.Offset);
        Derivatives.AsStrided.Record(this, [b], state: region);
    }

    /// <summary>A copy of this tensor with <see cref="IndexPut_"/> applied (<c>x.index_put(indices, values, accumulate)</c>).</summary>
    public Tensor IndexPut(Tensor?[] indices, Tensor values, bool accumulate = false) => Clone().IndexPut_(indices, values, accumulate);

    /// <summary>
    /// The positions of the non-zero (true) elements (<c>x.nonzero()</c>): an int64 tensor of shape
    /// [n, ndim], one row per element, in row-major order.
    /// </summary>
    public Tensor Nonzero()
    {
        var s = Backend.Nonzero(Storage, Layout, out int count);
        return new Tensor(s, Layout.Contiguous([count, NDim]));
    }

    /// <summary>The index tensors of an advanced index, one slot per dim of the basic-indexed view (null where the dim is taken whole).</summary>
    internal sealed record AdvancedIndex(int[] Positions, Tensor[] Indices, int[] RealDims, Tensor?[] PerDim);

    private static Tensor StripLeadingOnes(Tensor v)
    {
        int k = 0;
        while (k < v.NDim && v.Layout.Shape[k] == 1) k++;
        if (k == 0) return v;
        // A recorded squeeze, so a value that requires grad stays connected to its history.
        return v.ViewWith(new Layout(v.Layout.Shape[k..], v.Layout.Strides[k..], v.Layout.Offset), Derivatives.SqueezeDims, Enumerable.Range(0, k).ToArray());
    }

    /// <summary>
    /// Applies the basic indices as view operations (PyTorch's applySlicing) and collects the index
    /// tensors, one slot per dim of the view. Returns a null AdvancedIndex when there are no index tensors.
    /// </summary>
    internal (Tensor View, AdvancedIndex? Adv) ApplyIndices(TensorIndex[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int consumed = 0;
        bool sawEllipsis = false, sawInteger = false;
        foreach (var ix in indices)
        {
            switch (ix.Kind)
            {
                case TensorIndex.IndexKind.Unset:
                    throw new ArgumentException("index: default(TensorIndex) is not an index; use an integer, a range, a tensor, Tensor.NewAxis or Tensor.Ellipsis.");
                case TensorIndex.IndexKind.Integer: consumed++; sawInteger = true; break;
                case TensorIndex.IndexKind.Slice: consumed++; break;
                case TensorIndex.IndexKind.Ellipsis:
                    if (sawEllipsis) throw new ArgumentException("index: an index can only have a single ellipsis.");
                    sawEllipsis = true; break;
                case TensorIndex.IndexKind.Tensor:
                    var t = ix.Tensor!;
                    if (IsMaskType(t.DType)) consumed += t.NDim;
                    else { consumed++; sawInteger |= t.NDim == 0; }
                    break;
            }
        }
        if (consumed > NDim)
        {
            if (NDim == 0 && sawInteger)
                throw new ArgumentException("index: invalid index of a 0-dim tensor. Use Item<T>() to convert a 0-dim tensor to a number.");
            throw new ArgumentException($"index: too many indices for tensor of dimension {NDim} (shape {Shape}, index [{string.Join(", ", indices)}]).");
        }

        // Each basic index is applied as a recorded view op (select, slice, unsqueeze), so the view's
        // gradient chains back as in PyTorch; whole-dim slices are skipped (newer PyTorch does too).
        Tensor cur = this;
        Layout l = Layout;
        void Step(Layout next, Graph.Rule rule, object state) { cur = cur.ViewWith(next, rule, state); l = next; }
        int dim = 0, realDim = 0;
        var perDim = new List<Tensor?>();
        var realDims = new List<int>();
        bool any = false;
        foreach (var ix in indices)
        {
            switch (ix.Kind)
            {
                case TensorIndex.IndexKind.Integer:
                {
                    int size = l.Shape[dim];
                    long v = ix.IntFromEnd ? size - ix.Int : ix.Int < 0 ? ix.Int + size : ix.Int;
                    if (v < 0 || v >= size)
                        throw new ArgumentOutOfRangeException(nameof(indices), $"index: index {(ix.IntFromEnd ? "^" + ix.Int : ix.Int.ToString())} is out of bounds for dimension {realDim} with size {size}.");
                    Step(l.Select(dim, (int)v), Derivatives.Select, (dim, (int)v));
                    realDim++;
                    break;
                }
                case TensorIndex.IndexKind.Slice:
                {
                    int size = l.Shape[dim];
                    int start = ClampBound(ix.Start, size), stop = ClampBound(ix.Stop, size);
                    int len = stop > start ? (stop - start + ix.Step - 1) / ix.Step : 0;
                    if (len != size)
                        Step(l.Slice(dim, start, len, ix.Step), Derivatives.Slice, new Derivatives.SliceState(dim, start, len, ix.Step));
                    perDim.Add(null); realDims.Add(realDim);
                    dim++; realDim++;
                    break;
                }
                case TensorIndex.IndexKind.NewAxis:
                    Step(l.Unsqueeze(dim), Derivatives.Unsqueeze, dim);
                    perDim.Add(null); realDims.Add(-1);
                    dim++;
                    break;
                case TensorIndex.IndexKind.Ellipsis:
                    for (int k = 0; k < NDim - consumed; k++) { perDim.Add(null); realDims.Add(realDim); dim++; realDim++; }
                    break;
                case TensorIndex.IndexKind.Tensor:
                {
                    var t = ix.Tensor!.Device == Device ? ix.Tensor : ix.Tensor.To(Device);
                    if (!IsMaskType(t.DType) && !(t.DType is DType.Int64 or DType.Int32))
                        throw new ArgumentException($"index: tensors used as indices must be long, int, byte or bool tensors, got {t.DType.TorchName()} (shape {t.Shape}).");
                    if (t.NDim == 0)
                    {
                        if (!IsMaskType(t.DType))
                        {
                            // A 0-d integer tensor is an integer: a view, as PyTorch.
                            int size = l.Shape[dim];
                            long v = t.Item<long>(), w = v < 0 ? v + size : v;
                            if (w < 0 || w >= size)
                                throw new ArgumentOutOfRangeException(nameof(indices), $"index: index {v} is out of bounds for dimension {realDim} with size {size}.");
                            Step(l.Select(dim, (int)w), Derivatives.Select, (dim, (int)w));
                            realDim++;
                        }
                        else
                        {
                            // A 0-d mask is True (a new dim holding everything) or False (a new empty dim).
                            Step(l.Unsqueeze(dim), Derivatives.Unsqueeze, dim);
                            perDim.Add(t.Item<bool>() ? Tensor.From(new long[] { 0 }) : Tensor.Zeros([0], DType.Int64, Device));
                            realDims.Add(-1);
                            dim++; any = true;
                        }
                        break;
                    }
                    if (IsMaskType(t.DType))
                    {
                        for (int j = 0; j < t.NDim; j++)
                            if (t.Layout.Shape[j] != l.Shape[dim + j])
                                throw new ArgumentException(
                                    $"index: The shape of the mask {t.Shape} at index {j} does not match the shape of the indexed tensor {Ember.Shape.Format(l.Shape)} at index {dim + j}.");
                        var nz = t.Nonzero();
                        for (int j = 0; j < t.NDim; j++) { perDim.Add(nz.WithLayout(nz.Layout.Slice(1, j, 1, 1).SqueezeDim(1))); realDims.Add(realDim); dim++; realDim++; }
                    }
                    else
                    {
                        perDim.Add(t); realDims.Add(realDim);
                        dim++; realDim++;
                    }
                    any = true;
                    break;
                }
            }
        }
        // With no basic index the view is this tensor itself, so x[mask] = v writes (and records) on x directly.
        var view = cur;
        if (!any) return (view, null);
        while (perDim.Count < l.Rank) { perDim.Add(null); realDims.Add(realDim++); }
        var pos = Enumerable.Range(0, perDim.Count).Where(i => perDim[i] is not null).ToArray();
        return (view, new AdvancedIndex(pos, pos.Select(i => perDim[i]!).ToArray(), pos.Select(i => realDims[i]).ToArray(), perDim.ToArray()));
    }

    private static bool IsMaskType(DType t) => t is DType.Bool or DType.UInt8;

    private static int ClampBound(Index i, int size)
    {
        long p = i.IsFromEnd ? (long)size - i.Value : i.Value;
        return (int)Math.Clamp(p, 0, size);
    }

    /// <summary>
    /// Everything a gather or put needs: the result (indexed) shape, the view's strides laid over it
    /// (zero on the index dims), and the offsets each index position adds, laid over it too.
    /// </summary>
    private static (int[] Shape, Layout Base, Tensor Offsets, Layout OffsetsLayout) Plan(Tensor view, AdvancedIndex adv)
    {
        var idx = adv.Indices;
        int[] b = idx[0].Layout.Shape;
        try
        {
            for (int k = 1; k < idx.Length; k++) b = Dims.Broadcast(b, idx[k].Layout.Shape, "index");
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"index: shape mismatch: indexing tensors could not be broadcast together with shapes {string.Join(", ", idx.Select(t => t.Shape.ToString()))}.");
        }
        var vl = view.Layout;
        var pos = adv.Positions;
        bool adjacent = pos[^1] - pos[0] == pos.Length - 1;
        int before = adjacent ? pos[0] : 0;
        var rest = Enumerable.Range(0, vl.Rank).Where(d => adv.PerDim[d] is null).ToArray();
        int rank = rest.Length + b.Length;
        var shape = new int[rank]; var baseStrides = new int[rank]; var offStrides = new int[rank];
        var bStrides = Layout.ContiguousStrides(b);
        // Result dims: the view's free dims before the index block, the broadcast index shape, the rest.
        int r = 0, f = 0;
        for (; f < rest.Length && rest[f] < before && adjacent; f++, r++) { shape[r] = vl.Shape[rest[f]]; baseStrides[r] = vl.Strides[rest[f]]; }
        for (int j = 0; j < b.Length; j++, r++) { shape[r] = b[j]; offStrides[r] = bStrides[j]; }
        for (; f < rest.Length; f++, r++) { shape[r] = vl.Shape[rest[f]]; baseStrides[r] = vl.Strides[rest[f]]; }

        var resultLayout = new Layout(shape, offStrides, 0);
        // An empty result reads nothing, so (as PyTorch) its indices are not checked against the bounds.
        if (resultLayout.NumElements == 0)
            return (shape, new Layout(shape, baseStrides, vl.Offset), Alloc(b, DType.Int64, view.Device), resultLayout);
        var storages = new Storage[idx.Length]; var layouts = new Layout[idx.Length];
        for (int k = 0; k < idx.Length; k++) { storages[k] = idx[k].Storage; layouts[k] = idx[k].Layout.BroadcastTo(b); }
        var offStorage = view.Backend.IndexOffsets(storages, layouts,
            pos.Select(p => vl.Shape[p]).ToArray(), pos.Select(p => vl.Strides[p]).ToArray(), adv.RealDims);
        var offsets = new Tensor(offStorage, Layout.Contiguous(b));
        return (shape, new Layout(shape, baseStrides, vl.Offset), offsets, resultLayout);
    }

    private static Tensor GatherAdvanced(Tensor view, AdvancedIndex adv)
    {
        var (shape, baseLayout, offsets, offLayout) = Plan(view, adv);
        var result = Alloc(shape, view.DType, view.Device);
        view.Backend.IndexGather(view.Storage, baseLayout, offsets.Storage, offLayout, result.Storage, result.Layout);
        return result;
    }

    private static void Put(Tensor view, AdvancedIndex adv, Tensor values, bool accumulate)
    {
        const string op = "index_put_";
        view.CheckWritable(op);
        CheckSameDevice(view, values, op);
        int[] shape; Layout baseLayout, offLayout; Tensor offsets;
        if (adv.Indices.Length == 0)
        {
            shape = view.Layout.Shape; baseLayout = view.Layout;
            offsets = Alloc([1], DType.Int64, view.Device);
            offLayout = new Layout(shape, new int[shape.Length], 0);
        }
        else (shape, baseLayout, offsets, offLayout) = Plan(view, adv);
        if (!CanBroadcastTo(values.Layout.Shape, shape))
            throw new ArgumentException($"{op}: shape mismatch: value tensor of shape {values.Shape} cannot be broadcast to indexing result of shape {Ember.Shape.Format(shape)}.");
        var ip = view.DType.IsFloatingPoint() ? Autograd.BeginInPlace(view, op, [values]) : default;
        using (Autograd.NoGrad())
        {
            var v = values.AsType(view.DType);
            // Read the values before any is overwritten when they alias the destination.
            if (ReferenceEquals(v.Storage, view.Storage)) v = v.Clone();
            view.Backend.IndexPut(view.Storage, baseLayout, offsets.Storage, offLayout, v.Storage, v.Layout.BroadcastTo(shape), accumulate);
        }
        view.BumpVersion();
        ip.Finish(Derivatives.IndexPut, saved: adv.Indices, state: new Derivatives.IndexState(adv.Positions, accumulate));
    }

    private static bool CanBroadcastTo(int[] from, int[] to)
    {
        if (from.Length > to.Length) return false;
        int lead = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
            if (from[i] != 1 && from[i] != to[i + lead]) return false;
        return true;
    }
}
