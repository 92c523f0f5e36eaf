namespace Ember;

// Ops that rearrange or replicate elements into a new tensor: repeat/tile, flip, roll, tril/triu.
// Each is one or a few strided copies (a flip is a copy through negative strides, a repeat a copy
// from a stride-0 view), so none needs a kernel of its own.
public partial class Tensor
{
    /// <summary>
    /// Repeats this tensor along each dimension (<c>x.repeat(*repeats)</c>): the result's size in dim i
    /// is <c>size(i) * repeats[i]</c>, whole copies laid end to end (unlike NumPy's element-wise repeat).
    /// When more repeats than dims are given the tensor is treated as having leading dims of size 1.
    /// Always copies.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer repeats than dims, or a negative repeat.</exception>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < NDim)
            throw new ArgumentException($"repeat: Number of dimensions of repeat dims ({repeats.Length}) can not be smaller than number of dimensions of tensor ({NDim}, shape {Shape}).", nameof(repeats));
        int r = repeats.Length, lead = r - NDim;
        var outShape = new int[r];
        var inShape = new int[r];
        var inStrides = new int[r];
        for (int i = 0; i < r; i++)
        {
            inShape[i] = i < lead ? 1 : Layout.Shape[i - lead];
            inStrides[i] = i < lead ? 0 : Layout.Strides[i - lead];
            long size = (long)inShape[i] * repeats[i];
            if (size > int.MaxValue)
                throw new ArgumentException($"repeat: repeating dim {i} of size {inShape[i]} {repeats[i]} times gives {size} elements along it, more than a dimension can hold.", nameof(repeats));
            outShape[i] = (int)size;
        }
        foreach (int s in outShape)
            if (s < 0) throw new ArgumentException($"repeat: Trying to create tensor with negative dimension {s}: {Ember.Shape.Format(outShape)}.", nameof(repeats));
        ShapeMath.Numel(outShape, "repeat");
        var result = Alloc(outShape, DType, Device, uninitialized: true);
        if (result.Layout.NumElements == 0) return RecordRepeat(result, repeats);
        // Output dim i of size repeats[i]*size(i) is, row-major, [repeats[i], size(i)]: copy from a view
        // that is stride 0 over the repeat dims.
        var pairShape = new int[2 * r];
        var srcStrides = new int[2 * r];
        for (int i = 0; i < r; i++)
        {
            pairShape[2 * i] = repeats[i]; pairShape[2 * i + 1] = inShape[i];
            srcStrides[2 * i] = 0; srcStrides[2 * i + 1] = inStrides[i];
        }
        Backend.Copy(Storage, new Layout(pairShape, srcStrides, Layout.Offset), result.Storage, Layout.Contiguous(pairShape));
        return RecordRepeat(result, repeats);
    }

    private Tensor RecordRepeat(Tensor result, int[] repeats)
    {
        if (Autograd.Recording(this)) Derivatives.Repeat.Record(result, [this], state: (int[])repeats.Clone());
        return result;
    }

    /// <summary>
    /// Repeats this tensor along each dimension (<c>torch.tile</c>): as <see cref="Repeat"/>, except that
    /// when fewer repeats than dims are given they are padded with leading 1s (so <c>Tile(2)</c> on a
    /// matrix repeats its columns).
    /// </summary>
    public Tensor Tile(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length >= NDim) return Repeat(dims);
        var padded = new int[NDim];
        Array.Fill(padded, 1);
        dims.CopyTo(padded, NDim - dims.Length);
        return Repeat(padded);
    }

    /// <summary>A copy with the order of elements reversed along each of <paramref name="dims"/> (<c>torch.flip</c>; PyTorch's flip copies too).</summary>
    /// <exception cref="ArgumentException">A dim is repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dim is out of range.</exception>
    public Tensor Flip(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var ds = Dims.WrapMany(dims, NDim, "flip");
        var strides = (int[])Layout.Strides.Clone();
        int offset = Layout.Offset;
        foreach (int d in ds)
        {
            if (d >= NDim || Layout.Shape[d] == 0) continue;
            offset += (Layout.Shape[d] - 1) * strides[d];
            strides[d] = -strides[d];
        }
        var result = Alloc(Layout.Shape, DType, Device, uninitialized: true);
        Backend.Copy(Storage, new Layout(Layout.Shape, strides, offset), result.Storage, result.Layout);
        if (Autograd.Recording(this)) Derivatives.Flip.Record(result, [this], state: (int[])dims.Clone());
        return result;
    }

    /// <summary>
    /// Rolls elements along <paramref name="dim"/> by <paramref name="shift"/> places, wrapping around
    /// (<c>torch.roll</c>): <c>out[(i + shift) mod n] = x[i]</c>. Without a dim the tensor is rolled as if
    /// flattened, then restored to its shape.
    /// </summary>
    public Tensor Roll(int shift, int? dim = null) => dim is { } d ? Roll([shift], [d]) : Roll([shift]);

    /// <summary>
    /// Rolls along several dims at once, shifts[i] places along dims[i] (<c>torch.roll(x, shifts, dims)</c>);
    /// a dim may appear more than once (its shifts add up). With <paramref name="dims"/> null or empty,
    /// exactly one shift is allowed and the tensor is rolled as if flattened.
    /// </summary>
    /// <exception cref="ArgumentException">No shifts, or shifts and dims of different lengths.</exception>
    public Tensor Roll(int[] shifts, int[]? dims = null)
    {
        Tensor result;
        using (Autograd.NoGrad()) result = RollImpl(shifts, dims);
        if (Autograd.Recording(this)) Derivatives.Roll.Record(result, [this], state: ((int[])shifts.Clone(), (int[]?)dims?.Clone()));
        return result;
    }

    private Tensor RollImpl(int[] shifts, int[]? dims)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        if (shifts.Length == 0) throw new ArgumentException("roll: `shifts` required.", nameof(shifts));
        int nd = dims?.Length ?? 0;
        if (nd == 0)
        {
            if (shifts.Length != 1)
                throw new ArgumentException($"roll: shifts and dimensions must align. shifts: {shifts.Length}, dims:0", nameof(shifts));
            var c = Contiguous();
            var flat = c.WithLayout(new Layout([Layout.NumElements], [1], c.Layout.Offset)).RollDim(shifts[0], 0);
            return flat.WithLayout(Layout.Contiguous(Layout.Shape));
        }
        if (shifts.Length != nd)
            throw new ArgumentException($"roll: shifts and dimensions must align. shifts: {shifts.Length}, dims:{nd}", nameof(shifts));
        var wrapped = new int[nd];
        for (int i = 0; i < nd; i++) wrapped[i] = Dims.Wrap(dims![i], NDim, "roll");
        if (NDim == 0) return Clone();
        Tensor result = this;
        for (int i = 0; i < nd; i++) result = result.RollDim(shifts[i], wrapped[i]);
        return result;
    }

    private Tensor RollDim(int shift, int d)
    {
        var result = Alloc(Layout.Shape, DType, Device);
        int n = Layout.Shape[d];
        if (result.Layout.NumElements == 0) return result;
        int s = (int)(((long)shift % n + n) % n);
        // out[s:] = x[:n-s]; out[:s] = x[n-s:]
        Backend.Copy(Storage, Layout.Slice(d, 0, n - s, 1), result.Storage, result.Layout.Slice(d, s, n - s, 1));
        if (s > 0) Backend.Copy(Storage, Layout.Slice(d, n - s, s, 1), result.Storage, result.Layout.Slice(d, 0, s, 1));
        return result;
    }

    /// <summary>
    /// A copy keeping the lower triangle of the last two dims (batched over any leading dims) and zeroing
    /// the rest (<c>torch.tril</c>): elements with <c>col - row &lt;= diagonal</c> are kept. A positive
    /// <paramref name="diagonal"/> keeps diagonals above the main one, a negative one drops some below.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public Tensor Tril(int diagonal = 0) => TriangleCopy(diagonal, lower: true);

    /// <summary>In-place <see cref="Tril(int)"/> (<c>x.tril_(diagonal)</c>).</summary>
    public Tensor Tril_(int diagonal = 0) => TriangleInPlace(diagonal, lower: true);

    /// <summary>
    /// A copy keeping the upper triangle of the last two dims (batched over any leading dims) and zeroing
    /// the rest (<c>torch.triu</c>): elements with <c>col - row &gt;= diagonal</c> are kept.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dims.</exception>
    public Tensor Triu(int diagonal = 0) => TriangleCopy(diagonal, lower: false);

    /// <summary>In-place <see cref="Triu(int)"/> (<c>x.triu_(diagonal)</c>).</summary>
    public Tensor Triu_(int diagonal = 0) => TriangleInPlace(diagonal, lower: false);

    private Tensor TriangleCopy(int diagonal, bool lower)
    {
        CheckTriRank(lower ? "tril" : "triu");
        Tensor result;
        using (Autograd.NoGrad()) result = Clone().Triangle(diagonal, lower);
        if (Autograd.Recording(this)) (lower ? Derivatives.Tril : Derivatives.Triu).Record(result, [this], state: diagonal);
        return result;
    }

    private Tensor TriangleInPlace(int diagonal, bool lower)
    {
        string op = lower ? "tril_" : "triu_";
        CheckTriRank(op);
        CheckWritable(op);
        var ip = Autograd.BeginInPlace(this, op, []);
        Triangle(diagonal, lower);
        BumpVersion();
        ip.Finish(lower ? Derivatives.Tril : Derivatives.Triu, state: diagonal);
        return this;
    }

    private void CheckTriRank(string op)
    {
        if (NDim < 2)
            throw new ArgumentException($"{op}: input tensor must have at least 2 dimensions, but got shape {Shape}.");
    }

    /// <summary>Zeroes, row by row (one batched fill per row), the part outside the kept triangle.</summary>
    private Tensor Triangle(int diagonal, bool lower)
    {
        int r = NDim, rows = Layout.Shape[r - 2], cols = Layout.Shape[r - 1];
        if (Layout.NumElements == 0) return this;
        for (int i = 0; i < rows; i++)
        {
            long bound = (long)i + diagonal;
            int start, len;
            if (lower) { start = (int)Math.Clamp(bound + 1, 0, cols); len = cols - start; }
            else { start = 0; len = (int)Math.Clamp(bound, 0, cols); }
            if (len == 0) continue;
            Backend.Fill(Storage, Layout.Slice(r - 2, i, 1, 1).Slice(r - 1, start, len, 1), 0);
        }
        return this;
    }
}
