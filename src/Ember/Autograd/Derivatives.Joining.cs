using Ember.Graph;

namespace Ember;

// Joining, index and shaping rows of the derivative table: cat/stack, gather/scatter, index_*,
// masked_*, take, repeat, flip, roll, tril/triu. All of these ops are linear in their differentiable
// inputs, so each gradient is the adjoint op applied to g (gather <-> scatter_add, index_select <->
// index_add, narrow <-> cat, ...), and those adjoints are recorded again under createGraph.
internal static partial class Derivatives
{
    /// <summary>State of <see cref="Cat"/>: the cat dim, each input's size along it, and which inputs were skipped (legacy 1-D empty).</summary>
    internal sealed record CatState(int Dim, int[] Lengths, bool[] Skipped);

    /// <summary>cat(tensors, dim) (recorded inputs: the tensors). Each input gets its slice of g; skipped legacy-empty inputs get none.</summary>
    public static readonly Rule Cat = new("CatBackward0", static (c, g) =>
    {
        var s = c.State<CatState>();
        var grads = new Tensor?[s.Lengths.Length];
        int at = 0;
        for (int i = 0; i < grads.Length; i++)
        {
            if (s.Skipped[i]) continue;
            if (c.NeedsGrad(i)) grads[i] = g[0].Narrow(s.Dim, at, s.Lengths[i]);
            at += s.Lengths[i];
        }
        return grads;
    });

    /// <summary>stack(tensors, dim) (recorded inputs: the tensors; state: the wrapped dim). Input i gets g.select(dim, i).</summary>
    public static readonly Rule Stack = new("StackBackward0", static (c, g) =>
    {
        int d = c.State<int>();
        int n = g[0].Layout.Shape[d];
        var grads = new Tensor?[n];
        for (int i = 0; i < n; i++) if (c.NeedsGrad(i)) grads[i] = g[0].Select(d, i);
        return grads;
    });

    /// <summary>
    /// self.gather(dim, index) (recorded: self; saved: index; state: dim). As PyTorch's gather_backward,
    /// zeros(self).scatter_add_(dim, index, g): in place on the fresh zeros, since the out-of-place
    /// scatter_add would copy them first (a second pass over a [700, 10000] gradient in a language model's loss).
    /// </summary>
    public static readonly Rule Gather = new("GatherBackward0", static (c, g) =>
        [Tensor.Zeros(c.InputShape(0), g[0].DType, g[0].Device).ScatterAdd_(c.State<int>(), c.Saved(0), g[0])]);

    /// <summary>self.scatter(dim, index, src) (recorded: self, src; saved: index; state: dim).</summary>
    public static readonly Rule ScatterSrc = new("ScatterBackward0", static (c, g) =>
    {
        int d = c.State<int>();
        var index = c.Saved(0);
        return [c.NeedsGrad(0) ? g[0].Scatter(d, index, 0.0) : null,
                c.NeedsGrad(1) ? PadTo(g[0].Gather(d, index), c.InputShape(1)) : null];
    });

    /// <summary>self.scatter(dim, index, value) with a number (recorded: self; saved: index; state: dim).</summary>
    public static readonly Rule ScatterValue = new("ScatterBackward1", static (c, g) =>
        [g[0].Scatter(c.State<int>(), c.Saved(0), 0.0)]);

    /// <summary>self.scatter_add(dim, index, src) (recorded: self, src; saved: index; state: dim).</summary>
    public static readonly Rule ScatterAdd = new("ScatterAddBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] : null,
         c.NeedsGrad(1) ? PadTo(g[0].Gather(c.State<int>(), c.Saved(0)), c.InputShape(1)) : null]);

    /// <summary>State of <see cref="ScatterReduce"/>.</summary>
    internal sealed record ScatterReduceState(int Dim, string Reduce, bool IncludeSelf);

    /// <summary>
    /// self.scatter_reduce(dim, index, src, reduce, include_self) (recorded: self, src; saved: index
    /// for sum/mean, else index, self, src, result). PyTorch's scatter_reduce_backward, except that for
    /// amax/amin with include_self=false a self value left out of the reduction no longer counts as a tie
    /// (PyTorch counts it, halving the gradient of a src value that is the unique maximum).
    /// </summary>
    public static readonly Rule ScatterReduce = new("ScatterReduceBackward0", static (c, g) =>
    {
        var s = c.State<ScatterReduceState>();
        int d = s.Dim;
        var grad = g[0];
        var index = c.Saved(0);
        int[] idxShape = index.Shape;
        int[] srcShape = c.NeedsGrad(1) ? c.InputShape(1) : idxShape;
        Tensor? gSelf = null, gSrc = null;
        switch (s.Reduce)
        {
            case "sum":
                gSelf = grad;
                gSrc = grad.Gather(d, index);
                break;
            case "mean":
            {
                var n = (s.IncludeSelf ? Tensor.OnesLike(grad) : Tensor.ZerosLike(grad))
                    .ScatterAdd(d, index, Tensor.Ones(idxShape, grad.DType, grad.Device));
                n = n.MaskedFill(n.Eq(0.0), 1.0);
                gSelf = grad / n;
                gSrc = grad.Gather(d, index) / n.Gather(d, index);
                break;
            }
            case "amax" or "amin":
            {
                var self = c.Saved(1);
                var src = CropTo(c.Saved(2), idxShape);
                var result = c.Saved(3);
                var value = result.Gather(d, index);
                var selfIsResult = self.Eq(result).To(grad.DType);
                if (!s.IncludeSelf) selfIsResult = selfIsResult.Scatter(d, index, 0.0);
                var srcIsResult = src.Eq(value).To(grad.DType);
                var distributed = grad / selfIsResult.ScatterAdd(d, index, srcIsResult);
                gSelf = selfIsResult * distributed;
                gSrc = srcIsResult * distributed.Gather(d, index);
                break;
            }
            case "prod":
            {
                var self = c.Saved(1);
                var src = CropTo(c.Saved(2), idxShape);
                var result = c.Saved(3);
                // Products that leave out one factor, without dividing by a zero factor.
                var maskedSelf = self.MaskedFill(self.Eq(0.0), 1.0);
                gSelf = grad * maskedSelf.ScatterReduce(d, index, src, "prod", s.IncludeSelf) / maskedSelf;
                var srcZero = src.Eq(0.0);
                var srcNumZeros = Tensor.ZerosLike(grad).ScatterAdd(d, index, srcZero.To(grad.DType)).Gather(d, index);
                var srcSingleZero = srcZero & srcNumZeros.Eq(1.0);
                var maskedSrcResult = self.ScatterReduce(d, index, src.MaskedFill(srcSingleZero, 1.0), "prod", s.IncludeSelf);
                gSrc = Tensor.Where(srcSingleZero, (grad * maskedSrcResult).Gather(d, index),
                    (grad * result).Gather(d, index) / src.MaskedFill(srcZero, 1.0));
                break;
            }
        }
        if (!s.IncludeSelf && gSelf is not null) gSelf = gSelf.Scatter(d, index, 0.0);
        return [c.NeedsGrad(0) ? gSelf : null, c.NeedsGrad(1) && gSrc is not null ? PadTo(gSrc, srcShape) : null];
    });

    /// <summary>self.index_select(dim, index) (recorded: self; saved: index; state: dim). zeros(self).index_add(dim, index, g).</summary>
    public static readonly Rule IndexSelect = new("IndexSelectBackward0", static (c, g) =>
        [Tensor.Zeros(c.InputShape(0), g[0].DType, g[0].Device).IndexAdd(c.State<int>(), c.Saved(0), g[0])]);

    /// <summary>self.index_add(dim, index, source, alpha) (recorded: self, source; saved: index; state: (dim, alpha)).</summary>
    public static readonly Rule IndexAdd = new("IndexAddBackward0", static (c, g) =>
    {
        var (d, alpha) = c.State<(int, double)>();
        Tensor? gSource = null;
        if (c.NeedsGrad(1))
        {
            gSource = g[0].IndexSelect(d, c.Saved(0));
            if (alpha != 1) gSource = gSource * alpha;
        }
        return [c.NeedsGrad(0) ? g[0] : null, gSource];
    });

    /// <summary>self.index_fill(dim, index, value) with a number or a constant (recorded: self; saved: index; state: dim).</summary>
    public static readonly Rule IndexFillScalar = new("IndexFillBackward0", static (c, g) =>
        [g[0].IndexFill(c.State<int>(), c.Saved(0), 0.0)]);

    /// <summary>
    /// self.index_fill(dim, index, value) with a 0-d tensor that requires grad (recorded: self, value;
    /// saved: index; state: dim). The value's gradient is the sum of g over the filled slices, each
    /// counted once even where the index repeats.
    /// </summary>
    public static readonly Rule IndexFillTensor = new("IndexFillBackward1", static (c, g) =>
    {
        int d = c.State<int>();
        var kept = g[0].IndexFill(d, c.Saved(0), 0.0);
        return [c.NeedsGrad(0) ? kept : null, c.NeedsGrad(1) ? (g[0] - kept).Sum() : null];
    });

    /// <summary>self.index_copy(dim, index, source) (recorded: self, source; saved: index; state: dim).</summary>
    public static readonly Rule IndexCopy = new("IndexCopyBackward0", static (c, g) =>
    {
        int d = c.State<int>();
        var index = c.Saved(0);
        return [c.NeedsGrad(0) ? g[0].IndexFill(d, index, 0.0) : null, c.NeedsGrad(1) ? g[0].IndexSelect(d, index) : null];
    });

    /// <summary>self.masked_fill(mask, value) with a number or a constant (recorded: self; saved: mask).</summary>
    public static readonly Rule MaskedFillScalar = new("MaskedFillBackward0", static (c, g) =>
        [g[0].MaskedFill(c.Saved(0), 0.0)]);

    /// <summary>self.masked_fill(mask, value) with a 0-d tensor that requires grad (recorded: self, value; saved: mask).</summary>
    public static readonly Rule MaskedFillTensor = new("MaskedFillBackward1", static (c, g) =>
    {
        var mask = c.Saved(0);
        return [c.NeedsGrad(0) ? g[0].MaskedFill(mask, 0.0) : null, c.NeedsGrad(1) ? g[0].MaskedSelect(mask).Sum() : null];
    });

    /// <summary>
    /// self.masked_select(mask) (recorded: self; saved: mask). g goes back to the positions the mask
    /// selected in the broadcast shape of self and mask (the engine then sums it to self's shape).
    /// </summary>
    public static readonly Rule MaskedSelect = new("MaskedSelectBackward0", static (c, g) =>
    {
        var mask = c.Saved(0);
        int[] shape = Dims.Broadcast(c.InputShape(0), mask.Layout.Shape, "masked_select_backward");
        int n = Numel(shape);
        var positions = Tensor.Arange(0, n, device: g[0].Device).Reshape(shape).MaskedSelect(mask);
        return [Tensor.Zeros([n], g[0].DType, g[0].Device).IndexAdd(0, positions, g[0]).Reshape(shape)];
    });

    /// <summary>self.take(index) (recorded: self; state: the flat int64 index with negatives wrapped, a private copy).</summary>
    public static readonly Rule Take = new("TakeBackward0", static (c, g) =>
    {
        int[] shape = c.InputShape(0);
        var flat = c.State<Tensor>();
        int n = Numel(shape);
        return [Tensor.Zeros([n], g[0].DType, g[0].Device).IndexAdd(0, flat, g[0].Reshape(flat.Layout.NumElements)).Reshape(shape)];
    });

    /// <summary>self.repeat(repeats) (recorded: self; state: repeats). Sums g over the tiles.</summary>
    public static readonly Rule Repeat = new("RepeatBackward0", static (c, g) =>
    {
        int[] repeats = c.State<int[]>();
        int[] inShape = c.InputShape(0);
        if (repeats.Length == 0) return [g[0]];
        if (Array.IndexOf(repeats, 0) >= 0) return [Tensor.Zeros(inShape, g[0].DType, g[0].Device)];
        int r = repeats.Length, lead = r - inShape.Length;
        // Output dim i of size repeats[i]*size(i) is, row-major, [repeats[i], size(i)]: sum the first of each pair.
        var pairs = new int[2 * r];
        var sumDims = new int[r];
        for (int i = 0; i < r; i++)
        {
            pairs[2 * i] = repeats[i];
            pairs[2 * i + 1] = i < lead ? 1 : inShape[i - lead];
            sumDims[i] = 2 * i;
        }
        return [g[0].Reshape(pairs).Sum(sumDims).Reshape(inShape)];
    });

    /// <summary>self.flip(dims) (recorded: self; state: dims).</summary>
    public static readonly Rule Flip = new("FlipBackward0", static (c, g) => [g[0].Flip(c.State<int[]>())]);

    /// <summary>self.roll(shifts, dims) (recorded: self; state: (shifts, dims)). Rolls g back: negated shifts, in reverse order.</summary>
    public static readonly Rule Roll = new("RollBackward0", static (c, g) =>
    {
        var (shifts, dims) = c.State<(int[], int[]?)>();
        var back = new int[shifts.Length];
        for (int i = 0; i < back.Length; i++) back[i] = -shifts[shifts.Length - 1 - i];
        int[]? backDims = null;
        if (dims is { Length: > 0 })
        {
            backDims = new int[dims.Length];
            for (int i = 0; i < dims.Length; i++) backDims[i] = dims[dims.Length - 1 - i];
        }
        return [g[0].Roll(back, backDims)];
    });

    /// <summary>self.tril(diagonal) (recorded: self; state: diagonal).</summary>
    public static readonly Rule Tril = new("TrilBackward0", static (c, g) => [g[0].Tril(c.State<int>())]);

    /// <summary>self.triu(diagonal) (recorded: self; state: diagonal).</summary>
    public static readonly Rule Triu = new("TriuBackward0", static (c, g) => [g[0].Triu(c.State<int>())]);

    private static int Numel(int[] shape)
    {
        int n = 1;
        foreach (int s in shape) n *= s;
        return n;
    }

    /// <summary>
    /// Pads <paramref name="t"/> with zeros at the end of each dim up to <paramref name="shape"/>: the
    /// gradient of a src larger than its index (scatter uses only the index's leading part of src, so the
    /// rest gets zeros; PyTorch refuses to return a gradient of the wrong shape there).
    /// </summary>
    private static Tensor PadTo(Tensor t, int[] shape)
    {
        if (t.NDim != shape.Length) return t; // 0-d src with a 1-element index: the engine sums [1] to []
        for (int k = 0; k < shape.Length; k++)
        {
            int have = t.Layout.Shape[k];
            if (have >= shape[k]) continue;
            var zshape = t.Shape.ToArray();
            zshape[k] = shape[k] - have;
            t = Tensor.Cat([t, Tensor.Zeros(zshape, t.DType, t.Device)], k);
        }
        return t;
    }

    /// <summary>The leading part of <paramref name="t"/> of <paramref name="shape"/> (the part of a scatter src its index reads).</summary>
    private static Tensor CropTo(Tensor t, int[] shape)
    {
        if (t.NDim != shape.Length) return t.Reshape(shape);
        for (int k = 0; k < shape.Length; k++)
            if (t.Layout.Shape[k] > shape[k]) t = t.Narrow(k, 0, shape[k]);
        return t;
    }
}
