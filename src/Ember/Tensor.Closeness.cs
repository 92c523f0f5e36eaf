namespace Ember;

// torch.equal, torch.isclose and torch.allclose: comparing whole tensors, exactly or within tolerances.
public partial class Tensor
{
    /// <summary>
    /// True when both tensors have the same shape and equal elements (<c>torch.equal(a, b)</c>);
    /// elements of different dtypes are compared after type promotion, and NaN equals nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors are on different devices.</exception>
    public static bool Equal(Tensor input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        CheckSameDevice(input, other, "equal");
        if (!input.Layout.Shape.AsSpan().SequenceEqual(other.Layout.Shape)) return false;
        using var _ = Autograd.NoGrad();
        return Eq(input, other).All().Item<bool>();
    }

    /// <summary>True when this tensor has <paramref name="other"/>'s shape and elements (<c>x.equal(other)</c>).</summary>
    public bool Equal(Tensor other) => Equal(this, other);

    /// <summary>
    /// Element by element, whether |input − other| ≤ atol + rtol·|other| (<c>torch.isclose</c>), broadcasting the
    /// two: equal values (infinities of the same sign included) are close, NaN is close to NaN only with
    /// <paramref name="equalNan"/>. Both tensors must have the same dtype, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The dtypes or devices differ, a tolerance is negative, or the shapes do not broadcast.</exception>
    public static Tensor IsClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        CheckSameDevice(input, other, "isclose");
        if (input.DType != other.DType)
            throw new ArgumentException($"isclose: {ScalarTypeName(input.DType)} did not match {ScalarTypeName(other.DType)} (input is {input.DType.TorchName()}, other is {other.DType.TorchName()}; both must have the same dtype).");
        if (!(rtol >= 0)) throw new ArgumentException($"isclose: rtol must be greater than or equal to zero, but got {NN.PyRepr.Float(rtol)}");
        if (!(atol >= 0)) throw new ArgumentException($"isclose: atol must be greater than or equal to zero, but got {NN.PyRepr.Float(atol)}");
        Dims.Broadcast(input.Layout.Shape, other.Layout.Shape, "isclose");
        using var _ = Autograd.NoGrad();
        // PyTorch's formula, step for step, so the borderline cases agree: exact equality first (it covers
        // equal infinities), then NaN, then the tolerance on finite differences.
        var close = Eq(input, other);
        if (equalNan && input.DType.IsFloatingPoint()) close = close.LogicalOr(input.IsNan().LogicalAnd(other.IsNan()));
        if (rtol == 0 && atol == 0) return close;
        var a = input.DType == DType.Bool ? input.To(DTypes.DefaultFloat) : input;
        var b = other.DType == DType.Bool ? other.To(DTypes.DefaultFloat) : other;
        var allowed = b.Mul(rtol).Abs().Add(atol);
        var actual = Sub(a, b).Abs();
        return close.LogicalOr(actual.IsFinite().LogicalAnd(Le(actual, allowed)));
    }

    /// <summary>Element by element, whether this tensor is close to <paramref name="other"/> (<c>x.isclose(other)</c>); see <see cref="IsClose(Tensor, Tensor, double, double, bool)"/>.</summary>
    public Tensor IsClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        IsClose(this, other, rtol, atol, equalNan);

    /// <summary>True when every element is close (<c>torch.allclose</c>); see <see cref="IsClose(Tensor, Tensor, double, double, bool)"/>.</summary>
    public static bool AllClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        IsClose(input, other, rtol, atol, equalNan).All().Item<bool>();

    /// <summary>True when every element of this tensor is close to <paramref name="other"/>'s (<c>x.allclose(other)</c>).</summary>
    public bool AllClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) =>
        AllClose(this, other, rtol, atol, equalNan);
}
