using Ember.Jit;
namespace Ember;

// Joining tensors: cat and stack. The output is allocated once and each input is copied into its
// slice of it, converting dtype on the way; no kernel of its own.
public partial class Tensor
{
    /// <summary>
    /// Concatenates tensors along an existing dimension (<c>torch.cat(tensors, dim)</c>). The inputs
    /// must have the same number of dimensions and the same sizes except along <paramref name="dim"/>;
    /// the result has their promoted dtype (<c>torch.result_type</c> over all inputs). As in PyTorch,
    /// 1-D tensors with no elements (shape <c>[0]</c>) are skipped whatever the others' shapes (a legacy
    /// rule kept for compatibility), though they still take part in type promotion. Such a skipped input
    /// gets no gradient (its Grad stays null; PyTorch gives it an empty one).
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, holds a 0-d tensor, or the shapes do not fit together.</exception>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0) =>
        Tracer.IsActive && tensors is not null
            ? Tracer.Record("aten::cat", [.. tensors], new Attributes().Set("dim", dim), static (x, a) => [Cat(x!, a.Int("dim"))])
            : CatRecorded(tensors!, dim, "cat");

    /// <summary>Alias of <see cref="Cat"/> (<c>torch.concat</c>).</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0) => CatRecorded(tensors, dim, "concat");

    /// <summary>Cat, recorded as CatBackward0 when an input requires grad.</summary>
    private static Tensor CatRecorded(IReadOnlyList<Tensor> tensors, int dim, string op)
    {
        var result = CatImpl(tensors, dim, op);
        if (!Autograd.IsGradEnabled || !tensors.Any(t => t.RequiresGrad)) return result;
        var inputs = tensors.ToArray();
        var lengths = new int[inputs.Length];
        var skipped = new bool[inputs.Length];
        int first = Array.FindIndex(inputs, t => !IsSkippedInCat(t));
        int d = first < 0 ? 0 : Dims.Wrap(dim, inputs[first].NDim, op);
        for (int i = 0; i < inputs.Length; i++)
        {
            skipped[i] = IsSkippedInCat(inputs[i]);
            lengths[i] = skipped[i] ? 0 : inputs[i].Layout.Shape[d];
        }
        Derivatives.Cat.Record(result, inputs, state: new Derivatives.CatState(d, lengths, skipped));
        return result;
    }

    private static Tensor CatImpl(IReadOnlyList<Tensor> tensors, int dim, string op)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException($"{op}: expected a non-empty list of Tensors.", nameof(tensors));
        for (int i = 0; i < tensors.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], $"tensors[{i}]");
            if (tensors[i].NDim == 0)
                throw new ArgumentException($"{op}: zero-dimensional tensor (at position {i}) cannot be concatenated.", nameof(tensors));
            CheckSameDevice(tensors[0], tensors[i], op);
        }
        DType dtype = tensors[0].DType;
        for (int i = 1; i < tensors.Count; i++) dtype = DTypes.Promote(dtype, tensors[i].DType);

        // The first tensor that is not a skipped 1-D empty one sets the rank and the other sizes.
        int first = -1;
        for (int i = 0; i < tensors.Count && first < 0; i++) if (!IsSkippedInCat(tensors[i])) first = i;
        if (first < 0) return Alloc([0], dtype, tensors[0].Device);
        int[] refShape = tensors[first].Layout.Shape;
        int d = Dims.Wrap(dim, refShape.Length, op);
        long total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (IsSkippedInCat(t)) continue;
            int[] s = t.Layout.Shape;
            if (s.Length != refShape.Length)
                throw new ArgumentException($"{op}: Tensors must have same number of dimensions: got {refShape.Length} and {s.Length} (tensor number {first} has shape {Ember.Shape.Format(refShape)}, tensor number {i} has shape {Ember.Shape.Format(s)}).", nameof(tensors));
            for (int k = 0; k < s.Length; k++)
                if (k != d && s[k] != refShape[k])
                    throw new ArgumentException($"{op}: Sizes of tensors must match except in dimension {d}. Expected size {refShape[k]} but got size {s[k]} for tensor number {i} in the list.", nameof(tensors));
            total += s[d];
        }
        var shape = (int[])refShape.Clone();
        if (total > int.MaxValue)
            throw new ArgumentException($"{op}: the sizes along dim {d} add up to {total}, more than a size can be (at most {int.MaxValue}); Ember's CPU storage holds at most {ShapeMath.MaxElements} elements per tensor.", nameof(tensors));
        shape[d] = (int)total;
        ShapeMath.Numel(shape, op);
        var result = Alloc(shape, dtype, tensors[0].Device, uninitialized: true);
        int at = 0;
        foreach (var t in tensors)
        {
            if (IsSkippedInCat(t)) continue;
            int len = t.Layout.Shape[d];
            if (len > 0 && t.Layout.NumElements > 0)
                result.Backend.Copy(t.Storage, t.Layout, result.Storage, result.Layout.Slice(d, at, len, 1));
            at += len;
        }
        return result;
    }

    private static bool IsSkippedInCat(Tensor t) => t.NDim == 1 && t.Layout.Shape[0] == 0;

    /// <summary>
    /// Joins tensors of one shape along a new dimension inserted at <paramref name="dim"/>
    /// (<c>torch.stack(tensors, dim)</c>; <paramref name="dim"/> may be from -(rank+1) to rank). The
    /// result has the inputs' promoted dtype.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or the shapes differ.</exception>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (Tracer.IsActive) return Tracer.Record("aten::stack", [.. tensors], new Attributes().Set("dim", dim), static (x, a) => [Stack(x!, a.Int("dim"))]);
        if (tensors.Count == 0) throw new ArgumentException("stack: expects a non-empty TensorList.", nameof(tensors));
        for (int i = 0; i < tensors.Count; i++) ArgumentNullException.ThrowIfNull(tensors[i], $"tensors[{i}]");
        int[] shape0 = tensors[0].Layout.Shape;
        for (int i = 1; i < tensors.Count; i++)
            if (!SameShape(shape0, tensors[i].Layout.Shape))
                throw new ArgumentException($"stack: expects each tensor to be equal size, but got {Ember.Shape.Format(shape0)} at entry 0 and {tensors[i].Shape} at entry {i}.", nameof(tensors));
        int d = Dims.Wrap(dim, shape0.Length + 1, "stack");
        var unsqueezed = new Tensor[tensors.Count];
        for (int i = 0; i < tensors.Count; i++) unsqueezed[i] = tensors[i].WithLayout(tensors[i].Layout.Unsqueeze(d));
        var result = CatImpl(unsqueezed, d, "stack");
        if (Autograd.IsGradEnabled && tensors.Any(t => t.RequiresGrad)) Derivatives.Stack.Record(result, tensors.ToArray(), state: d);
        return result;
    }

    /// <summary>
    /// Stacks tensors vertically, row-wise (<c>torch.vstack</c>): 0-d and 1-D inputs become rows
    /// (<c>[n]</c> is seen as <c>[1, n]</c>), then all are concatenated along dim 0.
    /// </summary>
    public static Tensor VStack(IReadOnlyList<Tensor> tensors) => CatOf(tensors, "vstack", AtLeast2d, _ => 0);

    /// <summary>
    /// Stacks tensors horizontally, column-wise (<c>torch.hstack</c>): 1-D inputs (0-d ones count as
    /// <c>[1]</c>) are concatenated along dim 0, others along dim 1.
    /// </summary>
    public static Tensor HStack(IReadOnlyList<Tensor> tensors) => CatOf(tensors, "hstack", AtLeast1d, first => first.NDim == 1 ? 0 : 1);

    /// <summary>
    /// Stacks tensors depth-wise (<c>torch.dstack</c>): inputs are seen as at least 3-D (<c>[n]</c> as
    /// <c>[1, n, 1]</c>, <c>[m, n]</c> as <c>[m, n, 1]</c>), then concatenated along dim 2.
    /// </summary>
    public static Tensor DStack(IReadOnlyList<Tensor> tensors) => CatOf(tensors, "dstack", AtLeast3d, _ => 2);

    /// <summary>
    /// Makes a matrix whose columns are the inputs (<c>torch.column_stack</c>): 0-d and 1-D inputs
    /// become columns (<c>[n]</c> is seen as <c>[n, 1]</c>), then all are concatenated along dim 1.
    /// </summary>
    public static Tensor ColumnStack(IReadOnlyList<Tensor> tensors) => CatOf(tensors, "column_stack",
        t => t.NDim <= 1 ? t.Reshape(t.Layout.NumElements, 1) : t, _ => 1);

    private static Tensor CatOf(IReadOnlyList<Tensor> tensors, string op, Func<Tensor, Tensor> shape, Func<Tensor, int> dim)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException($"{op}: expects a non-empty TensorList.", nameof(tensors));
        var views = new Tensor[tensors.Count];
        for (int i = 0; i < views.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], $"tensors[{i}]");
            views[i] = shape(tensors[i]);
        }
        return CatRecorded(views, dim(views[0]), op);
    }

    // atleast_1d/2d/3d as views (no copy), for the stacking helpers above. They are public view ops,
    // so the stacking helpers are composites: the views and the cat record their own nodes.
    private static Tensor AtLeast1d(Tensor t) => t.NDim == 0 ? t.Reshape(1) : t;

    private static Tensor AtLeast2d(Tensor t) => t.NDim switch
    {
        0 => t.Reshape(1, 1),
        1 => t.Unsqueeze(0),
        _ => t,
    };

    private static Tensor AtLeast3d(Tensor t) => t.NDim switch
    {
        0 => t.Reshape(1, 1, 1),
        1 => t.Unsqueeze(0).Unsqueeze(2),
        2 => t.Unsqueeze(2),
        _ => t,
    };
}
