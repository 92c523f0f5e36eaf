namespace Ember;

/// <summary>
/// PyTorch's <c>result_type</c>: tensors with dimensions decide the dtype; 0-d tensors and plain
/// scalars can only raise the category (bool &lt; integer &lt; floating), never the width.
/// </summary>
internal static class TypePromotion
{
    private static int Category(DType t) => t == DType.Bool ? 0 : t.IsFloatingPoint() ? 2 : 1;

    private static DType? Promote(DType? a, DType b) => a is null ? b : DTypes.Promote(a.Value, b);

    // combine_categories(higher, lower) from PyTorch.
    private static DType? Combine(DType? higher, DType? lower)
    {
        if (higher is null) return lower;
        if (lower is null) return higher;
        if (higher.Value.IsFloatingPoint()) return higher;
        if (higher == DType.Bool || lower.Value.IsFloatingPoint()) return DTypes.Promote(higher.Value, lower.Value);
        return higher;
    }

    /// <summary>The result dtype of an op over <paramref name="tensors"/> (some may be wrapped numbers) and an optional scalar.</summary>
    public static DType ResultType(ReadOnlySpan<Tensor> tensors, Scalar? scalar = null)
    {
        DType? dim = null, zero = null, wrapped = null;
        foreach (var t in tensors)
        {
            if (t.IsWrappedNumber) wrapped = Promote(wrapped, t.DType == DType.Float64 ? DTypes.DefaultFloat : t.DType);
            else if (t.NDim > 0) dim = Promote(dim, t.DType);
            else zero = Promote(zero, t.DType);
        }
        if (scalar is { } s)
            wrapped = Promote(wrapped, s.Kind switch { ScalarKind.Bool => DType.Bool, ScalarKind.Integer => DType.Int64, _ => DTypes.DefaultFloat });
        return Combine(dim, Combine(zero, wrapped)) ?? DTypes.DefaultFloat;
    }

    /// <summary>PyTorch's <c>can_cast</c>: no cast to a lower category (float to int, non-bool to bool).</summary>
    public static bool CanCast(DType from, DType to) => Category(from) <= Category(to);
}
