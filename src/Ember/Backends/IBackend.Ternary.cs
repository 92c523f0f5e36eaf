namespace Ember.Backends;

/// <summary>Elementwise three-input kernels every backend provides.</summary>
internal enum TernaryOp
{
    /// <summary>out = a ? b : c; a is bool, b and c share the output's dtype.</summary>
    Where,
    /// <summary>out = lerp(start a, end b, weight c), floating point only.</summary>
    Lerp,
    /// <summary>out = a + value * b * c.</summary>
    Addcmul,
    /// <summary>out = a + value * b / c.</summary>
    Addcdiv,
    /// <summary>out = min(max(a, b), c), NaN bounds giving NaN.</summary>
    Clamp,
}

internal partial interface IBackend
{
    /// <summary>
    /// <paramref name="dst"/> = op(a, b, c) over operands already broadcast to the output's shape.
    /// All share the output's dtype except <see cref="TernaryOp.Where"/>'s condition, which is bool.
    /// <paramref name="value"/> is the constant of addcmul/addcdiv (ignored by the others).
    /// </summary>
    void Ternary(TernaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage c, Layout cLayout,
        Storage dst, Layout dstLayout, Scalar value);
}
