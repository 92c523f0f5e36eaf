using Ember.Graph;

namespace Ember;

// View, indexing, copy and conversion rows of the derivative table. A view's gradient is the
// gradient put back where the view's elements sit in its input: a reshape/permute/squeeze of g, or
// g written into the viewed region of zeros. Those writes go through Copy_ into a view of the zeros,
// so under createGraph they are recorded (CopySlices) and the formula is differentiable again.
internal static partial class Derivatives
{
    /// <summary>State of a slice (Narrow and indexer slices): the dim and the elements start, start+step, ... (length of them).</summary>
    internal sealed record SliceState(int Dim, int Start, int Length, int Step);

    /// <summary>State of Split/Chunk: the dim and each piece's start and length along it.</summary>
    internal sealed record SplitState(int Dim, int[] Starts, int[] Lengths);

    /// <summary>State of an advanced index: which dims of the (basic-indexed) input carry an index tensor (the tensors are saved), and for IndexPut_ whether it accumulated.</summary>
    internal sealed record IndexState(int[] Positions, bool Accumulate = false);

    /// <summary>y = x.View(shape): g reshaped back.</summary>
    public static readonly Rule View = new("ViewBackward0", static (c, g) => [g[0].Reshape(c.InputShape(0))]);

    /// <summary>y = x.Reshape(shape) when the strides allow a view.</summary>
    public static readonly Rule ReshapeAlias = new("ReshapeAliasBackward0", static (c, g) => [g[0].Reshape(c.InputShape(0))]);

    /// <summary>y = x.Reshape(shape) when it had to copy: the reshape of the copy (the copy itself records CloneBackward0).</summary>
    public static readonly Rule UnsafeView = new("UnsafeViewBackward0", static (c, g) => [g[0].Reshape(c.InputShape(0))]);

    /// <summary>y = a view of all of x (x[..], Flatten over one dim): the gradient passes through.</summary>
    public static readonly Rule Alias = new("AliasBackward0", static (c, g) => [g[0]]);

    /// <summary>y = x.Permute(dims) (also T and Movedim); state: the dims.</summary>
    public static readonly Rule Permute = new("PermuteBackward0", static (c, g) =>
    {
        var dims = c.State<int[]>();
        var inv = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) inv[dims[i]] = i;
        return [g[0].Permute(inv)];
    });

    /// <summary>y = x.Transpose(a, b) (also MT); state: (a, b).</summary>
    public static readonly Rule Transpose = new("TransposeBackward0", static (c, g) =>
    {
        var (a, b) = c.State<(int, int)>();
        return [g[0].Transpose(a, b)];
    });

    /// <summary>y = x.Unsqueeze(dim); state: the (wrapped) dim.</summary>
    public static readonly Rule Unsqueeze = new("UnsqueezeBackward0", static (c, g) => [g[0].Squeeze(c.State<int>())]);

    /// <summary>y = x.Squeeze(); state: the input dims that were removed.</summary>
    public static readonly Rule Squeeze = new("SqueezeBackward0", static (c, g) => [Unsqueezed(g[0], c.State<int[]>())]);

    /// <summary>y = x.Squeeze(dim); state: the input dims that were removed (none when the dim was not of size 1).</summary>
    public static readonly Rule SqueezeDim = new("SqueezeBackward1", static (c, g) => [Unsqueezed(g[0], c.State<int[]>())]);

    /// <summary>y = x.Squeeze(dims); state: the input dims that were removed.</summary>
    public static readonly Rule SqueezeDims = new("SqueezeBackward2", static (c, g) => [Unsqueezed(g[0], c.State<int[]>())]);

    /// <summary>
    /// A view's history after a write through another view of the same base (the indexer's
    /// <c>h[.., 0] = v</c> with <c>h</c> itself a view): the view re-reads its region of the base;
    /// state: the view's layout over a contiguous tensor of the base's shape.
    /// </summary>
    public static readonly Rule AsStrided = new("AsStridedBackward0", static (c, g) =>
    {
        var region = c.State<Layout>();
        return [Embed(c.InputShape(0), g[0], _ => region)];
    });

    /// <summary>y = x.Expand(sizes): g in the expanded shape; the engine sums it back to x's shape.</summary>
    public static readonly Rule Expand = new("ExpandBackward0", static (c, g) => [g[0]]);

    /// <summary>y = a slice of x along one dim (Narrow, indexer slices); state: <see cref="SliceState"/>.</summary>
    public static readonly Rule Slice = new("SliceBackward0", static (c, g) =>
    {
        var s = c.State<SliceState>();
        return [Embed(c.InputShape(0), g[0], l => l.Slice(s.Dim, s.Start, s.Length, s.Step))];
    });

    /// <summary>y = x.Select(dim, index) (also integer indices); state: (dim, index), both non-negative.</summary>
    public static readonly Rule Select = new("SelectBackward0", static (c, g) =>
    {
        var (dim, index) = c.State<(int, int)>();
        return [Embed(c.InputShape(0), g[0], l => l.Select(dim, index))];
    });

    /// <summary>ys = x.Unbind(dim), one output per index; state: the dim. Outputs that got no gradient arrive as zeros.</summary>
    public static readonly Rule Unbind = new("UnbindBackward0", static (c, g) =>
    {
        int dim = c.State<int>();
        var z = Tensor.Zeros(c.InputShape(0), g[0].DType, g[0].Device);
        for (int i = 0; i < g.Length; i++) z.WithLayout(z.Layout.Select(dim, i)).Copy_(g[i]);
        return [z];
    });

    /// <summary>ys = x.Split(splitSize, dim) (also Chunk); state: <see cref="SplitState"/>.</summary>
    public static readonly Rule Split = new("SplitBackward0", static (c, g) => [SplitGrad(c, g)]);

    /// <summary>ys = x.Split(splitSizes, dim); state: <see cref="SplitState"/>.</summary>
    public static readonly Rule SplitWithSizes = new("SplitWithSizesBackward0", static (c, g) => [SplitGrad(c, g)]);

    /// <summary>
    /// y = x[indices] with index tensors (input: the basic-indexed view of x; saved: the index
    /// tensors; state: their dims). The gradient is scattered back with accumulation, so repeated
    /// positions add up.
    /// </summary>
    public static readonly Rule Index = new("IndexBackward0", static (c, g) =>
    {
        var perDim = PerDim(c, c.InputShape(0).Length);
        // In place on fresh zeros (no clone needed); under createGraph that records IndexPutBackward0.
        return [Tensor.Zeros(c.InputShape(0), g[0].DType, g[0].Device).IndexPut_(perDim, g[0], accumulate: true)];
    });

    /// <summary>
    /// self.IndexPut_(indices, values, accumulate) (inputs: old self, values; saved: the index tensors).
    /// Without accumulation the old values at the indexed positions are gone, so their gradient is 0;
    /// values get g at the positions they were written to (the engine sums broadcast values back).
    /// </summary>
    public static readonly Rule IndexPut = new("IndexPutBackward0", static (c, g) =>
    {
        var st = c.State<IndexState>();
        var perDim = PerDim(c, g[0].NDim);   // self may need no gradient (no input info then); its shape is the output's
        Tensor? gSelf = null, gValues = null;
        if (c.NeedsGrad(0))
            gSelf = st.Accumulate ? g[0] : g[0].IndexPut(perDim, Tensor.Zeros([], g[0].DType, g[0].Device));
        if (c.NeedsGrad(1))
            gValues = g[0][perDim.Select(t => t is null ? (TensorIndex)Range.All : t).ToArray()];
        return [gSelf, gValues];
    });

    /// <summary>self.Copy_(src) (inputs: old self, src): self's old values are overwritten, src gets g (summed and cast back by the engine).</summary>
    public static readonly Rule Copy = new("CopyBackwards", static (c, g) =>
        [c.NeedsGrad(0) ? Tensor.ZerosLike(g[0]) : null, c.NeedsGrad(1) ? g[0] : null]);

    /// <summary>y = x.Clone() (also Contiguous and Reshape when they copy).</summary>
    public static readonly Rule Clone = new("CloneBackward0", static (c, g) => [g[0]]);

    /// <summary>y = x.To(dtype): g passes through; the engine casts it back to x's dtype.</summary>
    public static readonly Rule ToCopy = new("ToCopyBackward0", static (c, g) => [g[0]]);

    // g with size-1 dims put back at the input positions a squeeze removed (ascending).
    private static Tensor Unsqueezed(Tensor g, int[] removed)
    {
        foreach (int d in removed) g = g.Unsqueeze(d);
        return g;
    }

    // Zeros of the input's shape with g written into the region a view took (its layout over a contiguous tensor of that shape).
    private static Tensor Embed(int[] shape, Tensor g, Func<Layout, Layout> region)
    {
        var z = Tensor.Zeros(shape, g.DType, g.Device);
        z.WithLayout(region(z.Layout)).Copy_(g);
        return z;
    }

    private static Tensor SplitGrad(BackwardContext c, Tensor[] g)
    {
        var s = c.State<SplitState>();
        var z = Tensor.Zeros(c.InputShape(0), g[0].DType, g[0].Device);
        for (int i = 0; i < g.Length; i++)
            if (s.Lengths[i] > 0) z.WithLayout(z.Layout.Slice(s.Dim, s.Starts[i], s.Lengths[i], 1)).Copy_(g[i]);
        return z;
    }

    // The saved index tensors laid out one slot per dim of the indexed input (null: the dim is taken whole).
    private static Tensor?[] PerDim(BackwardContext c, int rank)
    {
        var pos = c.State<IndexState>().Positions;
        var perDim = new Tensor?[rank];
        for (int k = 0; k < pos.Length; k++) perDim[pos[k]] = c.Saved(k);
        return perDim;
    }
}
