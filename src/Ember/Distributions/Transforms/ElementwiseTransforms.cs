using Ember.NN;

namespace Ember.Distributions;

/// <summary>y = exp(x) (<c>ExpTransform()</c>): reals to positive reals.</summary>
public sealed class ExpTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.Real;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.Positive;
    /// <inheritdoc/>
    public override Tensor Sign => 1.0;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Exp();
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => y.Log();
    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x;
}

/// <summary>
/// y = loc + scale · x (<c>AffineTransform(loc, scale, event_dim=0)</c>); with <c>eventDim</c> &gt; 0 the
/// log-determinant is summed over that many rightmost dims.
/// </summary>
public sealed class AffineTransform : Transform
{
    /// <summary>Creates the transform; <paramref name="loc"/> and <paramref name="scale"/> may be numbers or tensors that broadcast with x.</summary>
    public AffineTransform(Tensor loc, Tensor scale, int eventDim = 0)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scale);
        if (eventDim < 0) throw new ArgumentOutOfRangeException(nameof(eventDim), $"AffineTransform: event_dim must be non-negative, got {eventDim}.");
        Loc = loc;
        Scale = scale;
        EventDim = eventDim;
    }

    /// <summary>The shift.</summary>
    public Tensor Loc { get; }
    /// <summary>The scale factor.</summary>
    public Tensor Scale { get; }
    /// <summary>How many rightmost dims form one event.</summary>
    public int EventDim { get; }

    /// <inheritdoc/>
    public override Constraint Domain => EventDim == 0 ? Constraint.Real : Constraint.Independent(Constraint.Real, EventDim);
    /// <inheritdoc/>
    public override Constraint Codomain => Domain;
    /// <inheritdoc/>
    public override Tensor Sign => Scale.IsWrappedNumber ? Math.Sign(Scale.ToDouble()) : Scale.Sign();
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Loc + Scale * x;
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => (y - Loc) / Scale;

    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        int[] shape = x.Shape;
        Tensor result = Scale.IsWrappedNumber
            ? Tensor.Full(shape, Math.Log(Math.Abs(Scale.ToDouble())), x.DType, x.Device)
            : Scale.Abs().Log();
        if (EventDim > 0)
        {
            int[] rs = result.Shape;
            result = result.Reshape([.. rs[..^EventDim], -1]).Sum(-1);
            shape = shape[..^EventDim];
        }
        return result.Expand(shape);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AffineTransform o && o.EventDim == EventDim && SameValues(o.Loc, Loc) && SameValues(o.Scale, Scale);
    /// <inheritdoc/>
    public override int GetHashCode() => EventDim;
}

/// <summary>y = x^exponent (<c>PowerTransform(exponent)</c>) on positive reals.</summary>
public sealed class PowerTransform : Transform
{
    /// <summary>Creates the transform.</summary>
    public PowerTransform(Tensor exponent) { ArgumentNullException.ThrowIfNull(exponent); Exponent = exponent; }

    /// <summary>The exponent.</summary>
    public Tensor Exponent { get; }
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.Positive;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.Positive;
    /// <inheritdoc/>
    public override Tensor Sign => Exponent.IsWrappedNumber ? Math.Sign(Exponent.ToDouble()) : Exponent.Sign();
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Pow(Exponent);
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => y.Pow(Exponent.Reciprocal());
    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => (Exponent * y / x).Abs().Log();
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PowerTransform o && SameValues(o.Exponent, Exponent);
    /// <inheritdoc/>
    public override int GetHashCode() => 17;
}

/// <summary>y = sigmoid(x), clipped into [tiny, 1 - eps] (<c>SigmoidTransform()</c>).</summary>
public sealed class SigmoidTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.Real;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.UnitInterval;
    /// <inheritdoc/>
    public override Tensor Sign => 1.0;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => ClippedSigmoid(x);
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y)
    {
        var fi = Tensor.FInfo(y.DType);
        y = y.Clamp(fi.Tiny, 1.0 - fi.Eps);
        return y.Log() - (-y).Log1p();
    }
    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => -F.Softplus(-x) - F.Softplus(x);

    internal static Tensor ClippedSigmoid(Tensor x)
    {
        var fi = Tensor.FInfo(x.DType);
        return x.Sigmoid().Clamp(fi.Tiny, 1.0 - fi.Eps);
    }
}

/// <summary>y = tanh(x) (<c>TanhTransform()</c>), with PyTorch's stable log-determinant 2(log 2 - x - softplus(-2x)).</summary>
public sealed class TanhTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.Real;
    /// <inheritdoc/>
    public override Constraint Codomain => OpenUnitBall;
    private static readonly Constraint OpenUnitBall = Constraint.Interval(-1.0, 1.0);
    /// <inheritdoc/>
    public override Tensor Sign => 1.0;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Tanh();
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => 0.5 * (y.Log1p() - (-y).Log1p());
    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => 2.0 * (Math.Log(2.0) - x - F.Softplus(-2.0 * x));
}

/// <summary>y = |x| (<c>AbsTransform()</c>): not bijective; the inverse returns the positive preimage.</summary>
public sealed class AbsTransform : Transform
{
    /// <inheritdoc/>
    public override Constraint Domain => Constraint.Real;
    /// <inheritdoc/>
    public override Constraint Codomain => Constraint.Positive;
    /// <inheritdoc/>
    public override bool Bijective => false;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => x.Abs();
    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => y;
}
