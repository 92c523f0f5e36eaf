namespace Ember;

// Sort and top-k along a dim, on one backend primitive (a stable sort that writes the first k results).
public sealed partial class Tensor
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
}
