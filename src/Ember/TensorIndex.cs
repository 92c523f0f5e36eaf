namespace Ember;

/// <summary>
/// One entry of a tensor index, as one element of a Python indexing tuple: an integer
/// (<c>x[1]</c>, <c>x[^1]</c>), a slice (<c>x[1..3]</c>, <c>x[..]</c>,
/// <see cref="Slice(int?, int?, int)"/> for steps), <see cref="Tensor.NewAxis"/> (<c>None</c>),
/// <see cref="Tensor.Ellipsis"/> (<c>...</c>), or a tensor (an integer index tensor or a bool mask).
/// Values convert implicitly, so <c>x[.., 0]</c>, <c>x[idx, 1..]</c> and <c>x[mask]</c> read as in Python.
/// </summary>
/// <remarks>
/// A <see cref="Range"/> is read as a Python slice, so bounds past the ends are clamped rather than
/// refused (<c>x[1..10]</c> on a size-3 dim is <c>x[1:10]</c>, two elements), unlike arrays in .NET.
/// </remarks>
public readonly struct TensorIndex
{
    // Unset is default(TensorIndex), which is not an index: refused rather than read as 0.
    internal enum IndexKind { Unset, Integer, Slice, NewAxis, Ellipsis, Tensor }

    internal IndexKind Kind { get; }
    // Integer: the value, counted from the end when IntFromEnd (^k), else Python-style (negative wraps).
    internal long Int { get; }
    internal bool IntFromEnd { get; }
    internal Index Start { get; }
    internal Index Stop { get; }
    internal int Step { get; }
    internal Tensor? Tensor { get; }

    private TensorIndex(IndexKind kind, long i = 0, bool fromEnd = false, Index start = default, Index stop = default, int step = 1, Tensor? tensor = null)
    {
        Kind = kind; Int = i; IntFromEnd = fromEnd; Start = start; Stop = stop; Step = step; Tensor = tensor;
    }

    internal static readonly TensorIndex NewAxisIndex = new(IndexKind.NewAxis);
    internal static readonly TensorIndex EllipsisIndex = new(IndexKind.Ellipsis);

    /// <summary>
    /// A Python slice <c>start:stop:step</c>. Null bounds mean the ends; negative bounds count from the
    /// end, as in Python. <paramref name="step"/> must be positive (PyTorch has no negative steps).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="step"/> is zero or negative.</exception>
    public static TensorIndex Slice(int? start = null, int? stop = null, int step = 1)
    {
        if (step == 0) throw new ArgumentException("index: slice step cannot be zero.", nameof(step));
        if (step < 0) throw new ArgumentException($"index: step must be greater than zero (got {step}); PyTorch has no negative slice steps, use Flip.", nameof(step));
        Index s = start is null ? Index.Start : start < 0 ? Index.FromEnd(-start.Value) : Index.FromStart(start.Value);
        Index e = stop is null ? Index.End : stop < 0 ? Index.FromEnd(-stop.Value) : Index.FromStart(stop.Value);
        return new TensorIndex(IndexKind.Slice, start: s, stop: e, step: step);
    }

    /// <summary>A Python slice over a .NET range with a step (<c>x[0:6:2]</c> is <c>TensorIndex.Slice(0..6, 2)</c>).</summary>
    public static TensorIndex Slice(Range range, int step)
    {
        var t = Slice(null, null, step);
        return new TensorIndex(IndexKind.Slice, start: range.Start, stop: range.End, step: t.Step);
    }

    /// <summary>An integer index; negative values count from the end (<c>x[-1]</c>).</summary>
    public static implicit operator TensorIndex(int index) => new(IndexKind.Integer, index);

    /// <summary>An integer index; negative values count from the end.</summary>
    public static implicit operator TensorIndex(long index) => new(IndexKind.Integer, index);

    /// <summary>An integer index from either end (<c>x[^1]</c> is the last element).</summary>
    public static implicit operator TensorIndex(Index index) => new(IndexKind.Integer, index.Value, index.IsFromEnd);

    /// <summary>A slice with step 1 (<c>x[1..3]</c> is <c>x[1:3]</c>, <c>x[..]</c> is <c>x[:]</c>).</summary>
    public static implicit operator TensorIndex(Range range) => new(IndexKind.Slice, start: range.Start, stop: range.End, step: 1);

    /// <summary>
    /// An index tensor (int64 or int32: select those positions; bool or uint8: a mask, as its nonzero
    /// positions). A 0-d integer tensor acts as an integer; a 0-d bool tensor as <c>True</c>/<c>False</c>.
    /// </summary>
    public static implicit operator TensorIndex(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(IndexKind.Tensor, tensor: tensor);
    }

    /// <summary>A list of positions, as an int64 index tensor (<c>x[[0, 2]]</c>).</summary>
    public static implicit operator TensorIndex(int[] indices) => Ember.Tensor.From(indices).To(DType.Int64);

    /// <summary>A list of positions, as an int64 index tensor.</summary>
    public static implicit operator TensorIndex(long[] indices) => Ember.Tensor.From(indices);

    /// <summary>A bool mask (<c>x[[True, False, True]]</c>).</summary>
    public static implicit operator TensorIndex(bool[] mask) => Ember.Tensor.From(mask);

    /// <summary>Python's spelling of the index, e.g. <c>1</c>, <c>1:3</c>, <c>None</c>, <c>...</c>, <c>tensor[2, 3]</c>.</summary>
    public override string ToString() => Kind switch
    {
        IndexKind.Integer => IntFromEnd ? $"^{Int}" : Int.ToString(),
        IndexKind.Slice => $"{Bound(Start, true)}:{Bound(Stop, false)}{(Step != 1 ? ":" + Step : "")}",
        IndexKind.NewAxis => "None",
        IndexKind.Ellipsis => "...",
        IndexKind.Unset => "(unset)",
        _ => $"tensor{Tensor!.Shape} {Tensor.DType.TorchName()}",
    };

    private static string Bound(Index i, bool isStart) =>
        i.IsFromEnd ? (i.Value == 0 ? (isStart ? "^0" : "") : "-" + i.Value) : (isStart && i.Value == 0 ? "" : i.Value.ToString());
}
