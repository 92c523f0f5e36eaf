namespace Ember;

// torch.atan and torch.tan, which the Cauchy and HalfCauchy distributions need (cdf, icdf, and their
// stream-equal sampler). Computed per element in double, as Lgamma and Erfinv are, with PyTorch's
// derivative formulas (AtanBackward0: grad / (1 + x²); TanBackward0: grad · (1 + tan²x)).
public partial class Tensor
{
    /// <summary>The arctangent, elementwise, in (-π/2, π/2) (<c>torch.atan</c>). Integer inputs give the default floating type.</summary>
    public Tensor Atan()
    {
        var r = GammaValues(this, Math.Atan);
        if (Autograd.Recording(this)) Derivatives.Atan.Record(r, [this], saved: [this]);
        return r;
    }

    /// <summary>The arctangent of <paramref name="input"/> (<c>torch.atan(input)</c>).</summary>
    public static Tensor Atan(Tensor input) { ArgumentNullException.ThrowIfNull(input); return input.Atan(); }

    /// <summary>The tangent, elementwise (<c>torch.tan</c>). Integer inputs give the default floating type.</summary>
    public Tensor Tan()
    {
        var r = GammaValues(this, Math.Tan);
        if (Autograd.Recording(this)) Derivatives.Tan.Record(r, [this], saved: [r]);
        return r;
    }

    /// <summary>The tangent of <paramref name="input"/> (<c>torch.tan(input)</c>).</summary>
    public static Tensor Tan(Tensor input) { ArgumentNullException.ThrowIfNull(input); return input.Tan(); }
}
