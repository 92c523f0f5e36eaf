namespace Ember;

/// <summary>Dimension arithmetic shared by every op: wrapping negative dims and checking ranges, with PyTorch's messages.</summary>
internal static class Dims
{
    /// <summary>Wraps a possibly negative dim into [0, rank). A 0-d tensor accepts dims -1 and 0, as PyTorch.</summary>
    public static int Wrap(int dim, int rank, string op)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim),
                $"{op}: dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim}) for a tensor with {rank} dimension{(rank == 1 ? "" : "s")}.");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>Wraps a list of dims and refuses repeats.</summary>
    public static int[] WrapMany(ReadOnlySpan<int> dims, int rank, string op)
    {
        var r = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            r[i] = Wrap(dims[i], rank, op);
            for (int j = 0; j < i; j++)
                if (r[j] == r[i]) throw new ArgumentException($"{op}: dim {r[i]} appears multiple times in the list of dims.");
        }
        return r;
    }

    /// <summary>The broadcast shape of two shapes, or a message naming the op and the mismatch.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int r = Math.Max(a.Length, b.Length);
        var s = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            int db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: shapes {Shape.Format(a)} and {Shape.Format(b)} cannot be broadcast together: the size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}.");
            s[i] = da == 1 ? db : da;
        }
        ShapeMath.Numel(s, op); // [65536, 1] and [1, 65536] broadcast to more elements than either holds
        return s;
    }

    /// <summary>Checks that a tensor of shape <paramref name="from"/> can broadcast to <paramref name="to"/> (as <c>expand</c>).</summary>
    public static void CheckBroadcastTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to, string op)
    {
        if (from.Length > to.Length)
            throw new ArgumentException($"{op}: the shape {Shape.Format(from)} has more dimensions than the target shape {Shape.Format(to)}.");
        int lead = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
            if (from[i] != 1 && from[i] != to[i + lead])
                throw new ArgumentException(
                    $"{op}: the expanded size of the tensor ({to[i + lead]}) must match the existing size ({from[i]}) at non-singleton dimension {i + lead}. Target sizes: {Shape.Format(to)}. Tensor sizes: {Shape.Format(from)}.");
        ShapeMath.Numel(to, op);
    }

    /// <summary>
    /// Checks sizes are non-negative and that their product is a number of elements one tensor can hold
    /// (checked arithmetic: a product that wraps around is refused, not taken for a small one); returns a copy.
    /// </summary>
    public static int[] CheckShape(ReadOnlySpan<int> shape, string op)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: negative dimension {d} in shape {Shape.Format(shape)}; sizes must be non-negative.");
        ShapeMath.Numel(shape, op);
        return shape.ToArray();
    }
}
