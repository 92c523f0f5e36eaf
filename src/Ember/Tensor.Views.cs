using Ember.Jit;
namespace Ember;

// View operations: each is a new Layout over the same Storage, so no element moves and writes
// through the result are seen by this tensor. Only Reshape (and ReshapeAs / Flatten, which use it)
// may copy, and only when the strides leave no other way, as in PyTorch.
public partial class Tensor
{
    /// <summary>
    /// A view with another shape over the same elements (<c>x.view(2, -1)</c>). One size may be -1
    /// and is inferred. Never copies: fails when the strides cannot express the new shape (use
    /// <see cref="Reshape(int[])"/> then).
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not fit the element count, or the strides are incompatible.</exception>
    public Tensor View(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Tracer.IsActive) return Tracer.Record("aten::view", [this], new Attributes().Set("size", (int[])shape.Clone()), static (x, a) => [x[0]!.View(a.Ints("size"))]);
        int[] s = InferSize(shape, Layout.NumElements, "view");
        int[]? strides = Layout.ViewStrides(s);
        if (strides is null)
            throw new ArgumentException(
                $"view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): a tensor of shape {Shape} with strides {Ember.Shape.Format(Layout.Strides)} cannot be viewed as {Ember.Shape.Format(s)}. Use .Reshape(...) instead.");
        return ViewWith(new Layout(s, strides, Layout.Offset), Derivatives.View);
    }

    /// <summary>A view with <paramref name="other"/>'s shape (<c>x.view_as(other)</c>).</summary>
    public Tensor ViewAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return View(other.Layout.Shape);
    }

    /// <summary>
    /// The elements with another shape (<c>x.reshape(2, -1)</c>): a view when the strides allow it,
    /// otherwise a contiguous copy. One size may be -1. Do not rely on either outcome when writing to the result.
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not fit the element count.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Tracer.IsActive) return Tracer.Record("aten::reshape", [this], new Attributes().Set("shape", (int[])shape.Clone()), static (x, a) => [x[0]!.Reshape(a.Ints("shape"))]);
        int[] s = InferSize(shape, Layout.NumElements, "reshape");
        int[]? strides = Layout.ViewStrides(s);
        if (strides is not null) return ViewWith(new Layout(s, strides, Layout.Offset), Derivatives.ReshapeAlias);
        // The copy is a fresh tensor, not a view of this one (PyTorch: clone, then _unsafe_view).
        var c = Clone();
        var r = new Tensor(c.Storage, Layout.Contiguous(s));
        if (Autograd.Recording(c)) Derivatives.UnsafeView.Record(r, [c]);
        return r;
    }

    /// <summary>This tensor reshaped to <paramref name="other"/>'s shape (<c>x.reshape_as(other)</c>).</summary>
    public Tensor ReshapeAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Reshape(other.Layout.Shape);
    }

    /// <summary>PyTorch's <c>infer_size</c>: fills in one -1 and checks that the sizes multiply to <paramref name="numel"/>.</summary>
    internal static int[] InferSize(int[] shape, long numel, string op)
    {
        var s = (int[])shape.Clone();
        int infer = -1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred (shape {Ember.Shape.Format(shape)}).");
                infer = i;
            }
            else if (s[i] < 0) throw new ArgumentException($"{op}: invalid shape dimension {s[i]} in shape {Ember.Shape.Format(shape)}.");
        }
        // The product of the given sizes, saturating at -1 once no tensor could hold it: a product that
        // wraps around (2147418113 * 1718039348 * 5 is 4 in 64 bits) must not match numel.
        long known = 1;
        bool zero = false;
        for (int i = 0; i < s.Length; i++)
        {
            if (i == infer) continue;
            if (s[i] == 0) zero = true;
            else if (known >= 0) { known *= s[i]; if (known > ShapeMath.MaxElements) known = -1; }
        }
        if (zero) known = 0;
        if (known < 0) throw new ArgumentException($"{op}: shape '{Ember.Shape.Format(shape)}' is invalid for input of size {numel} (its sizes multiply past the {ShapeMath.MaxElements} elements one tensor can hold).");
        if (infer >= 0)
        {
            if (known == 0)
                throw new ArgumentException($"{op}: cannot reshape tensor of 0 elements into shape {Ember.Shape.Format(shape)} because the unspecified dimension size -1 can be any value and is ambiguous.");
            if (numel % known == 0) { s[infer] = (int)(numel / known); return s; }
        }
        else if (known == numel)
        {
            if (numel == 0) ShapeMath.Numel(s, op); // an empty shape's other sizes must still give 32-bit strides
            return s;
        }
        throw new ArgumentException($"{op}: shape '{Ember.Shape.Format(shape)}' is invalid for input of size {numel}.");
    }

    /// <summary>A view with the dims reordered: result dim i is this tensor's dim <c>dims[i]</c> (<c>x.permute(2, 0, 1)</c>).</summary>
    /// <exception cref="ArgumentException">The dims are not a permutation of this tensor's dims.</exception>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (Tracer.IsActive) return Tracer.Record("aten::permute", [this], new Attributes().Set("dims", (int[])dims.Clone()), static (x, a) => [x[0]!.Permute(a.Ints("dims"))]);
        if (dims.Length != NDim)
            throw new ArgumentException(
                $"permute: number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {NDim} is not equal to len(dims) = {dims.Length} (shape {Shape}, dims {Ember.Shape.Format(dims)}).");
        var d = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            d[i] = Dims.Wrap(dims[i], NDim, "permute");
            if (seen[d[i]]) throw new ArgumentException($"permute: duplicate dims are not allowed (dims {Ember.Shape.Format(dims)}).");
            seen[d[i]] = true;
        }
        return ViewWith(Layout.Permute(d), Derivatives.Permute, d);
    }

    /// <summary>A view with two dims swapped (<c>x.transpose(0, 1)</c>).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        if (Tracer.IsActive) return Tracer.Record("aten::transpose", [this], new Attributes().Set("dim0", dim0).Set("dim1", dim1), static (x, a) => [x[0]!.Transpose(a.Int("dim0"), a.Int("dim1"))]);
        int a = Dims.Wrap(dim0, NDim, "transpose"), b = Dims.Wrap(dim1, NDim, "transpose");
        return ViewWith(NDim == 0 ? Layout : Layout.Transpose(a, b), Derivatives.Transpose, (a, b));
    }

    /// <summary>
    /// A view with all dims reversed (<c>x.T</c>): the transpose of a matrix; a 0-d or 1-d tensor is
    /// returned as a view of itself. PyTorch deprecates <c>.T</c> on other than 0 or 2 dims, and
    /// warns, as Ember does. Use <see cref="MT"/> for batches of matrices.
    /// </summary>
    public Tensor T
    {
        get
        {
            if (NDim is not (0 or 2))
                Warnings.Warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will " +
                    "throw an error in a future release. Consider `x.mT` to transpose batches of matrices or " +
                    "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.");
            var d = new int[NDim];
            for (int i = 0; i < d.Length; i++) d[i] = NDim - 1 - i;
            return ViewWith(Layout.Permute(d), Derivatives.Permute, d);
        }
    }

    /// <summary>A view with the last two dims swapped (<c>x.mT</c>), a batch of transposed matrices.</summary>
    /// <exception cref="InvalidOperationException">The tensor has fewer than 2 dims.</exception>
    public Tensor MT
    {
        get
        {
            if (NDim < 2)
                throw new InvalidOperationException($"mT: tensor.mT is only supported on matrices or batches of matrices. Got {NDim}-D tensor (shape {Shape}).");
            return ViewWith(Layout.Transpose(NDim - 2, NDim - 1), Derivatives.Transpose, (NDim - 2, NDim - 1));
        }
    }

    /// <summary>A view with a size-1 dim inserted at <paramref name="dim"/> (<c>x.unsqueeze(dim)</c>); -1 appends.</summary>
    public Tensor Unsqueeze(int dim)
    {
        if (Tracer.IsActive) return Tracer.Record("aten::unsqueeze", [this], new Attributes().Set("dim", dim), static (x, a) => [x[0]!.Unsqueeze(a.Int("dim"))]);
        int d = Dims.Wrap(dim, NDim + 1, "unsqueeze");
        return ViewWith(Layout.Unsqueeze(d), Derivatives.Unsqueeze, d);
    }

    /// <summary>A view without any of the size-1 dims (<c>x.squeeze()</c>).</summary>
    public Tensor Squeeze()
    {
        if (Tracer.IsActive) return Tracer.Record("aten::squeeze", [this], null, static (x, _) => [x[0]!.Squeeze()]);
        var keep = Enumerable.Range(0, NDim).Where(i => Layout.Shape[i] != 1).ToArray();
        return ViewWith(new Layout(keep.Select(i => Layout.Shape[i]).ToArray(), keep.Select(i => Layout.Strides[i]).ToArray(), Layout.Offset),
            Derivatives.Squeeze, Removed(keep));
    }

    /// <summary>A view without dim <paramref name="dim"/> if its size is 1; otherwise a view of the same shape (<c>x.squeeze(dim)</c>).</summary>
    public Tensor Squeeze(int dim)
    {
        if (Tracer.IsActive) return Tracer.Record("aten::squeeze", [this], new Attributes().Set("dim", dim), static (x, a) => [x[0]!.Squeeze(a.Int("dim"))]);
        int d = Dims.Wrap(dim, NDim, "squeeze");
        if (NDim == 0 || Layout.Shape[d] != 1) return ViewWith(Layout, Derivatives.SqueezeDim, Array.Empty<int>());
        return ViewWith(Layout.SqueezeDim(d), Derivatives.SqueezeDim, new[] { d });
    }

    /// <summary>A view without those of <paramref name="dims"/> whose size is 1; the others stay (<c>x.squeeze((0, 2))</c>).</summary>
    public Tensor Squeeze(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (Tracer.IsActive) return Tracer.Record("aten::squeeze", [this], new Attributes().Set("dims", (int[])dims.Clone()), static (x, a) => [x[0]!.Squeeze(a.Ints("dims"))]);
        var d = Dims.WrapMany(dims, NDim, "squeeze");
        if (NDim == 0) return ViewWith(Layout, Derivatives.SqueezeDims, Array.Empty<int>());
        var keep = Enumerable.Range(0, NDim).Where(i => Layout.Shape[i] != 1 || Array.IndexOf(d, i) < 0).ToArray();
        return ViewWith(new Layout(keep.Select(i => Layout.Shape[i]).ToArray(), keep.Select(i => Layout.Strides[i]).ToArray(), Layout.Offset),
            Derivatives.SqueezeDims, Removed(keep));
    }

    /// <summary>
    /// A broadcast view (<c>x.expand(4, -1, 3)</c>): size-1 dims repeat with stride 0 and new leading
    /// dims may be added; -1 keeps a dim's size. No memory is allocated; the result must not be written to.
    /// </summary>
    /// <exception cref="ArgumentException">A size does not match a non-singleton dim, or too few sizes are given.</exception>
    public Tensor Expand(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (Tracer.IsActive) return Tracer.Record("aten::expand", [this], new Attributes().Set("size", (int[])sizes.Clone()), static (x, a) => [x[0]!.Expand(a.Ints("size"))]);
        if (sizes.Length < NDim)
            throw new ArgumentException(
                $"expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({NDim}); tensor shape {Shape}, sizes {Ember.Shape.Format(sizes)}.");
        int lead = sizes.Length - NDim;
        var target = new int[sizes.Length];
        var strides = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            int j = i - lead;
            if (j < 0)
            {
                if (sizes[i] < 0)
                    throw new ArgumentException($"expand: the expanded size of the tensor ({sizes[i]}) isn't allowed in a leading, non-existing dimension {i} (tensor shape {Shape}, sizes {Ember.Shape.Format(sizes)}).");
                target[i] = sizes[i];
                strides[i] = 0;
                continue;
            }
            int have = Layout.Shape[j];
            int want = sizes[i] == -1 ? have : sizes[i];
            if (have != want && have != 1 || want < 0)
                throw new ArgumentException(
                    $"expand: the expanded size of the tensor ({sizes[i]}) must match the existing size ({have}) at non-singleton dimension {i}. Target sizes: {Ember.Shape.Format(sizes)}. Tensor sizes: {Shape}.");
            target[i] = want;
            strides[i] = have == want ? Layout.Strides[j] : 0;
        }
        ShapeMath.Numel(target, "expand"); // zero strides let a 1-element storage claim any count: check it
        return ViewWith(new Layout(target, strides, Layout.Offset), Derivatives.Expand);
    }

    /// <summary>This tensor broadcast to <paramref name="other"/>'s shape (<c>x.expand_as(other)</c>).</summary>
    public Tensor ExpandAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Expand(other.Layout.Shape);
    }

    /// <summary>
    /// Dims <paramref name="startDim"/> to <paramref name="endDim"/> merged into one (<c>x.flatten(1)</c>):
    /// a view when possible, else a copy (as <see cref="Reshape(int[])"/>). A 0-d tensor becomes shape [1].
    /// </summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Tracer.IsActive)
            return Tracer.Record("aten::flatten", [this], new Attributes().Set("start_dim", startDim).Set("end_dim", endDim), static (x, a) => [x[0]!.Flatten(a.Int("start_dim"), a.Int("end_dim"))]);
        if (NDim == 0) return Reshape(1);
        int s = Dims.Wrap(startDim, NDim, "flatten"), e = Dims.Wrap(endDim, NDim, "flatten");
        if (s > e) throw new ArgumentException($"flatten: flatten() has invalid args: start_dim cannot come after end_dim (start_dim {startDim}, end_dim {endDim}, shape {Shape}).");
        if (s == e) return ViewWith(Layout, Derivatives.Alias);
        var shape = new int[NDim - (e - s)];
        long n = 1;
        for (int i = s; i <= e; i++) n *= Layout.Shape[i];
        for (int i = 0; i < s; i++) shape[i] = Layout.Shape[i];
        shape[s] = (int)n;
        for (int i = e + 1; i < NDim; i++) shape[i - (e - s)] = Layout.Shape[i];
        return Reshape(shape);
    }

    /// <summary>A view with dim <paramref name="dim"/> split into <paramref name="sizes"/> (<c>x.unflatten(1, (2, -1))</c>); one size may be -1.</summary>
    public Tensor Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Dims.Wrap(dim, NDim, "unflatten");
        if (sizes.Length == 0) throw new ArgumentException($"unflatten: sizes must be non-empty (shape {Shape}, dim {dim}).");
        int size = NDim == 0 ? 1 : Layout.Shape[d];
        // Word a size mismatch as unflatten does; InferSize reports the other kinds of bad sizes.
        if (sizes.Count(v => v == -1) <= 1 && sizes.All(v => v >= -1))
        {
            long known = ShapeMath.Product(sizes.Where(v => v != -1).ToArray()); // -1 on overflow: then it fits nothing
            bool fits = known >= 0 && (sizes.Contains(-1) ? known == 0 || size % known == 0 : known == size);
            if (!fits)
                throw new ArgumentException($"unflatten: Provided sizes {Ember.Shape.Format(sizes)} don't multiply up to the size of dim {dim} ({size}) in the input tensor (shape {Shape}).");
        }
        int[] s = InferSize(sizes, size, "unflatten");
        var shape = new List<int>(Layout.Shape);
        if (NDim > 0) shape.RemoveAt(d);
        shape.InsertRange(d, s);
        return View(shape.ToArray());
    }

    /// <summary>
    /// A view of <paramref name="length"/> elements of dim <paramref name="dim"/> from <paramref name="start"/>
    /// (<c>x.narrow(dim, start, length)</c>); a negative start counts from the end.
    /// </summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        if (Tracer.IsActive)
            return Tracer.Record("aten::narrow", [this], new Attributes().Set("dim", dim).Set("start", start).Set("length", length), static (x, a) => [x[0]!.Narrow(a.Int("dim"), a.Int("start"), a.Int("length"))]);
        if (NDim == 0) throw new ArgumentException("narrow: narrow() cannot be applied to a 0-dim tensor.");
        int d = Dims.Wrap(dim, NDim, "narrow");
        int size = Layout.Shape[d];
        if (start < -size || start > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: start out of range (expected to be in range of [{-size}, {size}], but got {start}) for dimension {d} of a tensor of shape {Shape}.");
        if (start < 0) start += size;
        if (length < 0) throw new ArgumentException($"narrow: narrow(): length must be non-negative (got {length}).");
        if ((long)start + length > size)
            throw new ArgumentOutOfRangeException(nameof(length), $"narrow: start ({start}) + length ({length}) exceeds dimension size ({size}) of dimension {d} of a tensor of shape {Shape}.");
        return ViewWith(Layout.Slice(d, start, length, 1), Derivatives.Slice, new Derivatives.SliceState(d, start, length, 1));
    }

    /// <summary>A view of one index along <paramref name="dim"/>, that dim removed (<c>x.select(dim, index)</c>); a negative index counts from the end.</summary>
    public Tensor Select(int dim, int index)
    {
        if (NDim == 0) throw new ArgumentException("select: select() cannot be applied to a 0-dim tensor.");
        int d = Dims.Wrap(dim, NDim, "select");
        int size = Layout.Shape[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(nameof(index), $"select: select(): index {index} out of range for tensor of size {Shape} at dimension {d}.");
        if (index < 0) index += size;
        return ViewWith(Layout.Select(d, index), Derivatives.Select, (d, index));
    }

    /// <summary>Every slice along <paramref name="dim"/>, that dim removed (<c>x.unbind(dim)</c>); each is a view.</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        if (Tracer.IsActive) return Tracer.RecordMany("aten::unbind", [this], new Attributes().Set("dim", dim), static (x, a) => x[0]!.Unbind(a.Int("dim")));
        if (NDim == 0) throw new ArgumentException("unbind: Dimension specified as 0 but tensor has no dimensions.");
        int d = Dims.Wrap(dim, NDim, "unbind");
        var r = new Tensor[Layout.Shape[d]];
        for (int i = 0; i < r.Length; i++) r[i] = WithLayout(Layout.Select(d, i));
        if (r.Length > 0 && Autograd.Recording(this)) Derivatives.Unbind.Record(r, [this], state: d);
        return r;
    }

    /// <summary>
    /// Views splitting dim <paramref name="dim"/> into pieces of <paramref name="splitSize"/> (the last may be
    /// smaller) (<c>x.split(2, dim)</c>). A split size of 0 is allowed only on an empty dim.
    /// </summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (NDim == 0) throw new ArgumentException("split: split expects at least a 1-dimensional tensor.");
        int d = Dims.Wrap(dim, NDim, "split");
        if (splitSize < 0) throw new ArgumentException($"split: split expects split_size be non-negative, but got split_size={splitSize}.");
        int size = Layout.Shape[d];
        if (splitSize == 0 && size != 0)
            throw new ArgumentException($"split: split_size can only be 0 if dimension size is 0, but got dimension size of {size} (shape {Shape}, dim {d}).");
        // As PyTorch: at least one piece, even when split_size exceeds the dim.
        int n = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        int last = splitSize - (splitSize * n - size);
        var r = new Tensor[n];
        var starts = new int[n]; var lengths = new int[n];
        for (int i = 0; i < n; i++)
        {
            starts[i] = i * splitSize; lengths[i] = i == n - 1 ? last : splitSize;
            r[i] = WithLayout(Layout.Slice(d, starts[i], lengths[i], 1));
        }
        if (Autograd.Recording(this)) Derivatives.Split.Record(r, [this], state: new Derivatives.SplitState(d, starts, lengths));
        return r;
    }

    /// <summary>Views splitting dim <paramref name="dim"/> into pieces of the given sizes, which must sum to its size (<c>x.split([1, 2], dim)</c>).</summary>
    public Tensor[] Split(int[] splitSizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(splitSizes);
        if (NDim == 0) throw new ArgumentException("split_with_sizes: split expects at least a 1-dimensional tensor.");
        int d = Dims.Wrap(dim, NDim, "split_with_sizes");
        int size = Layout.Shape[d];
        long sum = 0;
        foreach (int s in splitSizes)
        {
            if (s < 0) throw new ArgumentException($"split_with_sizes: split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={Ember.Shape.Format(splitSizes)}.");
            sum += s;
        }
        if (sum != size)
            throw new ArgumentException($"split_with_sizes: split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension {d}), but got split_sizes={Ember.Shape.Format(splitSizes)}.");
        var r = new Tensor[splitSizes.Length];
        var starts = new int[r.Length];
        int start = 0;
        for (int i = 0; i < r.Length; i++) { starts[i] = start; r[i] = WithLayout(Layout.Slice(d, start, splitSizes[i], 1)); start += splitSizes[i]; }
        if (r.Length > 0 && Autograd.Recording(this))
            Derivatives.SplitWithSizes.Record(r, [this], state: new Derivatives.SplitState(d, starts, (int[])splitSizes.Clone()));
        return r;
    }

    /// <summary>
    /// Views splitting dim <paramref name="dim"/> into up to <paramref name="chunks"/> equal pieces
    /// (<c>x.chunk(3, dim)</c>). As PyTorch, each piece has <c>ceil(size / chunks)</c> elements, so fewer
    /// than <paramref name="chunks"/> pieces may come back (size 5 in 4 chunks gives 3 pieces: 2, 2, 1).
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (Tracer.IsActive) return Tracer.RecordMany("aten::chunk", [this], new Attributes().Set("chunks", chunks).Set("dim", dim), static (x, a) => x[0]!.Chunk(a.Int("chunks"), a.Int("dim")));
        if (NDim == 0) throw new ArgumentException("chunk: chunk expects at least a 1-dimensional tensor.");
        if (chunks <= 0) throw new ArgumentException($"chunk: chunk expects `chunks` to be greater than 0, got: {chunks}.");
        int d = Dims.Wrap(dim, NDim, "chunk");
        int size = Layout.Shape[d];
        int splitSize = (int)(((long)size + chunks - 1) / chunks);
        if (splitSize == 0 && size == 0)
            return Split(new int[chunks], d);
        return Split(splitSize, d);
    }

    /// <summary>A view with dim <paramref name="source"/> moved to position <paramref name="destination"/>, the others keeping their order (<c>x.movedim(0, -1)</c>).</summary>
    public Tensor Movedim(int source, int destination) => Movedim([source], [destination]);

    /// <summary>A view with dims <paramref name="source"/> moved to positions <paramref name="destination"/>, the others keeping their order (<c>x.movedim((0, 1), (2, 0))</c>).</summary>
    public Tensor Movedim(int[] source, int[] destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Length != destination.Length)
            throw new ArgumentException(
                $"movedim: Invalid source or destination dims: source ({Ember.Shape.Format(source)} dims) should contain the same number of dims as destination ({Ember.Shape.Format(destination)} dims).");
        int n = NDim;
        var src = new int[source.Length]; var dst = new int[destination.Length];
        for (int i = 0; i < src.Length; i++) { src[i] = Dims.Wrap(source[i], n, "movedim"); dst[i] = Dims.Wrap(destination[i], n, "movedim"); }
        if (src.Distinct().Count() != src.Length) throw new ArgumentException($"movedim: repeated dim in `source` ({Ember.Shape.Format(source)}).");
        if (dst.Distinct().Count() != dst.Length) throw new ArgumentException($"movedim: repeated dim in `destination` ({Ember.Shape.Format(destination)}).");
        if (n == 0) return ViewWith(Layout, Derivatives.Permute, Array.Empty<int>());
        var order = new int[n];
        Array.Fill(order, -1);
        for (int i = 0; i < src.Length; i++) order[dst[i]] = src[i];
        var rest = Enumerable.Range(0, n).Where(i => Array.IndexOf(src, i) < 0).GetEnumerator();
        for (int i = 0; i < n; i++)
            if (order[i] < 0) { rest.MoveNext(); order[i] = rest.Current; }
        return ViewWith(Layout.Permute(order), Derivatives.Permute, order);
    }

    /// <summary>A view of this tensor with <paramref name="layout"/>, recorded as <paramref name="rule"/> when autograd is recording.</summary>
    internal Tensor ViewWith(Layout layout, Graph.Rule rule, object? state = null)
    {
        var r = WithLayout(layout);
        if (Autograd.Recording(this)) rule.Record(r, [this], state: state);
        return r;
    }

    // The dims not in `keep` (ascending): those a squeeze removed.
    private int[] Removed(int[] keep) => Enumerable.Range(0, NDim).Where(i => Array.IndexOf(keep, i) < 0).ToArray();
}
