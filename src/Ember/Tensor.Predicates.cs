namespace Ember;

// Tests for special floating-point values (torch.isnan, isinf, isfinite).
public partial class Tensor
{
    /// <summary>Bool tensor: true where the element is NaN (<c>torch.isnan</c>); all false for integer dtypes.</summary>
    public Tensor IsNan() => DType.IsFloatingPoint() ? Ne(this) : ZerosLike(this, DType.Bool);

    /// <summary>Bool tensor: true where the element is +inf or -inf (<c>torch.isinf</c>).</summary>
    public Tensor IsInf()
    {
        if (!DType.IsFloatingPoint()) return ZerosLike(this, DType.Bool);
        using (Autograd.NoGrad()) return Abs().Eq(double.PositiveInfinity);
    }

    /// <summary>Bool tensor: true where the element is neither NaN nor infinite (<c>torch.isfinite</c>).</summary>
    public Tensor IsFinite()
    {
        if (!DType.IsFloatingPoint()) return OnesLike(this, DType.Bool);
        using (Autograd.NoGrad()) return Sub(this, this).Eq(0); // x - x is 0 exactly when x is finite
    }
}
