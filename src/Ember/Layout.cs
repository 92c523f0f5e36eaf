namespace Ember;

/// <summary>
/// How a tensor's elements sit in its storage: shape, strides (in elements) and offset.
/// Immutable. Every view operation is a new Layout over the same storage; no data moves.
/// Methods here assume validated arguments: the public <see cref="Tensor"/> surface checks them
/// and words the errors.
/// </summary>
internal sealed class Layout
{
    public readonly int[] Shape;
    public readonly int[] Strides;
    public readonly int Offset;
    public readonly int NumElements;
    public readonly bool IsContiguous;

    public Layout(int[] shape, int[] strides, int offset)
    {
        Shape = shape;
        Strides = strides;
        Offset = offset;
        // The backstop for every tensor built: ops check their result shapes first, naming themselves.
        long n = ShapeMath.Product(shape);
        if (n < 0 || n > ShapeMath.MaxElements) throw ShapeMath.TooLarge(shape, "Ember");
        NumElements = (int)n;
        IsContiguous = ComputeIsContiguous(shape, strides);
    }

    /// <summary>A contiguous (row-major) layout of the given shape.</summary>
    public static Layout Contiguous(int[] shape) => new(shape, ContiguousStrides(shape), 0);

    public int Rank => Shape.Length;

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        // Only an empty shape can have strides past 32 bits (a non-empty one has at most MaxElements elements).
        if (!ShapeMath.StridesFit(shape)) ShapeMath.Numel(shape, "Ember");
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(shape[i], 1); }
        return s;
    }

    private static bool ComputeIsContiguous(int[] shape, int[] strides)
    {
        // As PyTorch: dims of size 1 may have any stride; an empty tensor is contiguous.
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>True when the elements fill a contiguous block of storage in some order (no gaps, no overlaps).</summary>
    public bool IsDense
    {
        get
        {
            if (IsContiguous) return true;
            var idx = Enumerable.Range(0, Rank).Where(i => Shape[i] != 1).OrderBy(i => Strides[i]).ToArray();
            int expected = 1;
            foreach (int i in idx) { if (Strides[i] != expected) return false; expected *= Shape[i]; }
            return true;
        }
    }

    public Layout WithOffset(int offset) => new(Shape, Strides, offset);

    public Layout Permute(ReadOnlySpan<int> dims)
    {
        var sh = new int[dims.Length]; var st = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) { sh[i] = Shape[dims[i]]; st[i] = Strides[dims[i]]; }
        return new Layout(sh, st, Offset);
    }

    public Layout Transpose(int d0, int d1)
    {
        var sh = (int[])Shape.Clone(); var st = (int[])Strides.Clone();
        (sh[d0], sh[d1]) = (sh[d1], sh[d0]);
        (st[d0], st[d1]) = (st[d1], st[d0]);
        return new Layout(sh, st, Offset);
    }

    /// <summary>Elements start, start+step, ... below stop along <paramref name="dim"/> (bounds already clamped).</summary>
    public Layout Slice(int dim, int start, int length, int step)
    {
        var sh = (int[])Shape.Clone(); var st = (int[])Strides.Clone();
        sh[dim] = length;
        st[dim] = Strides[dim] * step;
        return new Layout(sh, st, Offset + (length == 0 ? 0 : start * Strides[dim]));
    }

    public Layout Select(int dim, int index)
    {
        var sh = Remove(Shape, dim); var st = Remove(Strides, dim);
        return new Layout(sh, st, Offset + index * Strides[dim]);
    }

    public Layout Unsqueeze(int dim)
    {
        var sh = Insert(Shape, dim, 1);
        int stride = dim < Rank ? Shape[dim] * Strides[dim] : 1;
        var st = Insert(Strides, dim, stride);
        return new Layout(sh, st, Offset);
    }

    public Layout SqueezeDim(int dim) => Shape[dim] != 1 ? this : new Layout(Remove(Shape, dim), Remove(Strides, dim), Offset);

    /// <summary>Broadcast to <paramref name="shape"/> (leading dims added, size-1 dims given stride 0). Assumes it is valid.</summary>
    public Layout BroadcastTo(int[] shape)
    {
        int r = shape.Length, lead = r - Rank;
        var st = new int[r];
        for (int i = 0; i < r; i++)
        {
            int j = i - lead;
            st[i] = j < 0 ? 0 : Shape[j] == shape[i] ? Strides[j] : 0;
        }
        return new Layout(shape, st, Offset);
    }

    /// <summary>
    /// The strides a view of shape <paramref name="newShape"/> would have over this layout without
    /// copying, or null when the elements are not laid out compatibly (PyTorch's <c>computeStride</c>).
    /// </summary>
    public int[]? ViewStrides(int[] newShape)
    {
        if (NumElements == 0 || IsContiguous) return ContiguousStrides(newShape);
        var newStrides = new int[newShape.Length];
        int viewD = newShape.Length - 1;
        long chunkBase = Strides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = Rank - 1; d >= 0; d--)
        {
            tensorNumel *= Shape[d];
            if (d == 0 || (Shape[d - 1] != 1 && Strides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1))
                {
                    newStrides[viewD] = (int)(viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) { chunkBase = Strides[d - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /// <summary>Storage index of the element at a multi-index.</summary>
    public int IndexOf(ReadOnlySpan<int> index)
    {
        int o = Offset;
        for (int i = 0; i < index.Length; i++) o += index[i] * Strides[i];
        return o;
    }

    internal static int[] Remove(int[] a, int at)
    {
        var r = new int[a.Length - 1];
        Array.Copy(a, 0, r, 0, at);
        Array.Copy(a, at + 1, r, at, a.Length - at - 1);
        return r;
    }

    internal static int[] Insert(int[] a, int at, int value)
    {
        var r = new int[a.Length + 1];
        Array.Copy(a, 0, r, 0, at);
        r[at] = value;
        Array.Copy(a, at, r, at + 1, a.Length - at);
        return r;
    }

    public override string ToString() => $"Layout(shape={Ember.Shape.Format(Shape)}, strides={Ember.Shape.Format(Strides)}, offset={Offset})";
}
