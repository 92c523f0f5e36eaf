namespace Ember;

// Sort and top-k along a dim, on one backend primitive (a stable sort that writes the first k results).
public partial class Tensor
{
    private ValuesIndices SortCore(int dim, bool descending, int? k, string op)
    {
        int axis = Dims.Wrap(dim, NDim, op);
        int size = NDim == 0 ? 1 : Layout.Shape[axis];
        int take = k ?? size;
        if (take < 0 || take > size)
            throw new ArgumentOutOfRangeException(nameof(k), $"{op}: selected index k out of range: k = {take}, but dim {dim} of the input (shape {Shape}) has size {size}.");
        var shape = (int[])Layout.Shape.Clone();
        if (NDim > 0) shape[axis] = take;
        var values = Alloc(shape, DType, Device);
        var indices = Alloc(shape, DType.Int64, Device);
        Backend.Sort(Storage, Layout, axis, descending, values.Storage, values.Layout, indices.Storage, indices.Layout);
        if (Autograd.Recording(this))
            (k is null ? Derivatives.Sort : Derivatives.TopK).Record(values, [this], saved: [indices], state: new Derivatives.AxisState(axis, true));
        return new ValuesIndices(values, indices);
    }

    /// <summary>
    /// The elements sorted along <paramref name="dim"/> and their original positions
    /// (<c>x.sort(dim=-1, descending=False, stable=False)</c>). NaN sorts after every number (first when
    /// descending), as PyTorch. Ember always sorts stably (equal elements keep their order, in both
    /// directions), so <paramref name="stable"/> only exists for PyTorch compatibility.
    /// </summary>
    public ValuesIndices Sort(int dim = -1, bool descending = false, bool stable = false)
    {
        _ = stable; // every Ember sort is stable
        return SortCore(dim, descending, null, "sort");
    }

    /// <summary>
    /// The <paramref name="k"/> largest (or, with <paramref name="largest"/> false, smallest) elements
    /// along <paramref name="dim"/> and their positions (<c>x.topk(k, dim=-1, largest=True, sorted=True)</c>).
    /// NaN counts as larger than every number. Ember always returns them sorted (largest first, or
    /// smallest first) and, among equal values, earliest position first; PyTorch leaves both the order
    /// with <c>sorted=False</c> and the choice among ties unspecified.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative or exceeds the size of the dim.</exception>
    public ValuesIndices TopK(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        _ = sorted; // results are always sorted
        return SortCore(dim, largest, k, "topk");
    }

    /// <summary>
    /// The lower median of all elements (<c>x.median()</c>): for an even count, the smaller of the two
    /// middle values, as PyTorch. NaN if any element is NaN, and NaN for an empty tensor.
    /// </summary>
    public Tensor Median()
    {
        CheckMedianType();
        if (Layout.NumElements == 0) return Full([], double.NaN, DType, Device);
        Tensor r;
        using (Autograd.NoGrad())
        {
            var flat = Contiguous();
            flat = flat.WithLayout(Layout.Contiguous([flat.Layout.NumElements]).WithOffset(flat.Layout.Offset));
            r = flat.Median(0).Values.AsOwner();
        }
        if (Autograd.Recording(this)) Derivatives.MedianAll.Record(r, [this], saved: [this, r]);
        return r;
    }

    /// <summary>
    /// The lower median along <paramref name="dim"/> and its position (<c>x.median(dim, keepdim)</c>).
    /// A line holding NaN gives NaN and the position of its first NaN, as PyTorch. Among equal values
    /// PyTorch leaves the reported position unspecified; Ember reports the one a stable sort puts in
    /// the middle.
    /// </summary>
    public ValuesIndices Median(int dim, bool keepDim = false)
    {
        ValuesIndices r;
        using (Autograd.NoGrad()) r = MedianDim(dim, keepDim);
        r = new ValuesIndices(r.Values.AsOwner(), r.Indices.AsOwner());
        if (Autograd.Recording(this))
            Derivatives.MedianDim.Record(r.Values, [this], saved: [r.Indices], state: new Derivatives.AxisState(NDim == 0 ? 0 : Dims.Wrap(dim, NDim, "median"), keepDim));
        return r;
    }

    private ValuesIndices MedianDim(int dim, bool keepDim)
    {
        CheckMedianType();
        int axis = Dims.Wrap(dim, NDim, "median");
        if (NDim > 0 && Layout.Shape[axis] == 0)
            throw new ArgumentException($"median(): Expected reduction dim {axis} to have non-zero size (input shape {Shape}).");
        int n = NDim == 0 ? 1 : Layout.Shape[axis];
        var (sv, si) = Sort(axis);
        var values = NDim == 0 ? sv : sv.WithLayout(sv.Layout.Select(axis, (n - 1) / 2));
        var indices = NDim == 0 ? si : si.WithLayout(si.Layout.Select(axis, (n - 1) / 2));
        if (DType.IsFloatingPoint())
        {
            // NaN sorts last, so the middle element misses it; max(dim) reports NaN and its first
            // position. min(max, -inf) is NaN exactly when the line has a NaN (and -inf otherwise),
            // so max(middle, that) is the middle value or NaN, with no data-dependent branch.
            var (mv, mi) = Max(axis);
            var nanOrLowest = BinaryOp(Backends.BinaryOp.Minimum, mv, ScalarTensor(double.NegativeInfinity, DType, Device), DType, "median");
            values = BinaryOp(Backends.BinaryOp.Maximum, values, nanOrLowest, DType, "median");
            var hasNan = BinaryOp(Backends.BinaryOp.Ne, mv, mv, DType, "median").AsType(DType.Int64);
            var shift = BinaryOp(Backends.BinaryOp.Mul, hasNan, BinaryOp(Backends.BinaryOp.Sub, mi, indices, DType.Int64, "median"), DType.Int64, "median");
            indices = BinaryOp(Backends.BinaryOp.Add, indices, shift, DType.Int64, "median");
        }
        if (keepDim && NDim > 0)
        {
            values = values.Contiguous(); indices = indices.Contiguous();
            values = values.WithLayout(values.Layout.Unsqueeze(axis));
            indices = indices.WithLayout(indices.Layout.Unsqueeze(axis));
        }
        return new ValuesIndices(values, indices);
    }

    private void CheckMedianType()
    {
        if (DType == DType.Bool)
            throw new ArgumentException("median: \"median_cpu\" not implemented for 'Bool' (as PyTorch); convert the tensor to a number type first.");
    }
}
