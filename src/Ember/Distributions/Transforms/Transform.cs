namespace Ember.Distributions;

/// <summary>
/// An invertible (or at least inverse-tracking) map between a domain and a codomain
/// (<c>torch.distributions.transforms.Transform</c>): <see cref="Forward"/> is <c>t(x)</c>,
/// <see cref="Inverse"/> is <c>t.inv(y)</c>, <see cref="LogAbsDetJacobian"/> is
/// <c>t.log_abs_det_jacobian(x, y)</c>. <see cref="TransformedDistribution"/> pushes a base
/// distribution through a list of them.
/// </summary>
/// <remarks>PyTorch's transforms may cache the last (x, y) pair; Ember's always recompute the inverse.</remarks>
public abstract class Transform
{
    /// <summary>The constraint inputs satisfy (<c>domain</c>); its <see cref="Constraint.EventDim"/> is the transform's input event rank.</summary>
    public abstract Constraint Domain { get; }

    /// <summary>The constraint outputs satisfy (<c>codomain</c>).</summary>
    public abstract Constraint Codomain { get; }

    /// <summary>Whether the transform is a bijection between domain and codomain (<c>bijective</c>).</summary>
    public virtual bool Bijective => true;

    /// <summary>+1 or -1 (a tensor for parameterized transforms): whether the transform increases or decreases (<c>sign</c>).</summary>
    public virtual Tensor Sign => throw new NotSupportedException($"{GetType().Name}: sign is not defined.");

    /// <summary>The transform applied to <paramref name="x"/> (<c>t(x)</c>).</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>The inverse applied to <paramref name="y"/> (<c>t.inv(y)</c>); for a non-bijective transform, one preimage.</summary>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>The inverse transform (<c>t.inv</c>).</summary>
    public virtual Transform Inv => new InverseTransform(this);

    /// <summary>log |det dy/dx| for y = t(x), summed over the domain's event dims (<c>log_abs_det_jacobian(x, y)</c>).</summary>
    public virtual Tensor LogAbsDetJacobian(Tensor x, Tensor y) =>
        throw new NotSupportedException($"{GetType().Name}: log_abs_det_jacobian is not implemented (the transform is not bijective).");

    /// <summary>The output shape for an input of shape <paramref name="shape"/> (<c>forward_shape</c>).</summary>
    public virtual int[] ForwardShape(int[] shape) => shape;

    /// <summary>The input shape for an output of shape <paramref name="shape"/> (<c>inverse_shape</c>).</summary>
    public virtual int[] InverseShape(int[] shape) => shape;

    /// <summary>As PyTorch prints it: <c>ExpTransform()</c>.</summary>
    public override string ToString() => GetType().Name + "()";

    /// <summary>Parameterless transforms of one type are equal, as PyTorch's <c>__eq__</c> (parameterized ones compare parameters).</summary>
    public override bool Equals(object? obj) => obj is not null && obj.GetType() == GetType();

    /// <inheritdoc/>
    public override int GetHashCode() => GetType().GetHashCode();

    internal static bool SameValues(Tensor a, Tensor b)
    {
        if (ReferenceEquals(a, b)) return true;
        using var _ = Autograd.NoGrad();
        try { return a.Eq(b).All().Item<bool>(); }
        catch (ArgumentException) { return false; }
    }
}

/// <summary>The inverse of a transform (<c>_InverseTransform</c>): swaps forward and inverse, domain and codomain.</summary>
public sealed class InverseTransform : Transform
{
    /// <summary>Wraps <paramref name="transform"/>.</summary>
    public InverseTransform(Transform transform) { ArgumentNullException.ThrowIfNull(transform); Inner = transform; }

    /// <summary>The transform this one inverts.</summary>
    public Transform Inner { get; }

    /// <inheritdoc/>
    public override Constraint Domain => Inner.Codomain;

    /// <inheritdoc/>
    public override Constraint Codomain => Inner.Domain;

    /// <inheritdoc/>
    public override bool Bijective => Inner.Bijective;

    /// <inheritdoc/>
    public override Tensor Sign => Inner.Sign;

    /// <inheritdoc/>
    public override Transform Inv => Inner;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Inner.Inverse(x);

    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => Inner.Forward(y);

    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => -Inner.LogAbsDetJacobian(y, x);

    /// <inheritdoc/>
    public override int[] ForwardShape(int[] shape) => Inner.InverseShape(shape);

    /// <inheritdoc/>
    public override int[] InverseShape(int[] shape) => Inner.ForwardShape(shape);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is InverseTransform o && o.Inner.Equals(Inner);

    /// <inheritdoc/>
    public override int GetHashCode() => ~Inner.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => $"_InverseTransform({Inner})";
}

/// <summary>Several transforms applied in order (<c>ComposeTransform(parts)</c>).</summary>
public sealed class ComposeTransform : Transform
{
    private readonly Transform[] _parts;

    /// <summary>Composes <paramref name="parts"/>: the first is applied first.</summary>
    public ComposeTransform(params Transform[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var p in parts) ArgumentNullException.ThrowIfNull(p);
        _parts = [.. parts];
    }

    /// <summary>The composed transforms, in application order.</summary>
    public IReadOnlyList<Transform> Parts => _parts;

    private int DomainEventDim()
    {
        if (_parts.Length == 0) return 0;
        int eventDim = _parts[^1].Codomain.EventDim;
        for (int i = _parts.Length - 1; i >= 0; i--)
        {
            eventDim += _parts[i].Domain.EventDim - _parts[i].Codomain.EventDim;
            eventDim = Math.Max(eventDim, _parts[i].Domain.EventDim);
        }
        return eventDim;
    }

    private int CodomainEventDim()
    {
        if (_parts.Length == 0) return 0;
        int eventDim = _parts[0].Domain.EventDim;
        foreach (var p in _parts)
        {
            eventDim += p.Codomain.EventDim - p.Domain.EventDim;
            eventDim = Math.Max(eventDim, p.Codomain.EventDim);
        }
        return eventDim;
    }

    private static Constraint Lift(Constraint c, int eventDim) => eventDim > c.EventDim ? Constraint.Independent(c, eventDim - c.EventDim) : c;

    /// <inheritdoc/>
    public override Constraint Domain => _parts.Length == 0 ? Constraint.Real : Lift(_parts[0].Domain, DomainEventDim());

    /// <inheritdoc/>
    public override Constraint Codomain => _parts.Length == 0 ? Constraint.Real : Lift(_parts[^1].Codomain, CodomainEventDim());

    /// <inheritdoc/>
    public override bool Bijective => _parts.All(p => p.Bijective);

    /// <inheritdoc/>
    public override Tensor Sign
    {
        get
        {
            Tensor sign = 1.0;
            foreach (var p in _parts) sign = sign * p.Sign;
            return sign;
        }
    }

    /// <inheritdoc/>
    public override Transform Inv => new ComposeTransform(_parts.Reverse().Select(p => p.Inv).ToArray());

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        foreach (var p in _parts) x = p.Forward(x);
        return x;
    }

    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y)
    {
        for (int i = _parts.Length - 1; i >= 0; i--) y = _parts[i].Inverse(y);
        return y;
    }

    /// <inheritdoc/>
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y)
    {
        if (_parts.Length == 0) return Tensor.ZerosLike(x);
        var xs = new List<Tensor> { x };
        for (int i = 0; i < _parts.Length - 1; i++) xs.Add(_parts[i].Forward(xs[^1]));
        xs.Add(y);
        Tensor? total = null;
        int eventDim = Domain.EventDim;
        for (int i = 0; i < _parts.Length; i++)
        {
            var term = Distribution.SumRightmost(_parts[i].LogAbsDetJacobian(xs[i], xs[i + 1]), eventDim - _parts[i].Domain.EventDim);
            total = total is null ? term : total + term;
            eventDim += _parts[i].Codomain.EventDim - _parts[i].Domain.EventDim;
        }
        return total!;
    }

    /// <inheritdoc/>
    public override int[] ForwardShape(int[] shape)
    {
        foreach (var p in _parts) shape = p.ForwardShape(shape);
        return shape;
    }

    /// <inheritdoc/>
    public override int[] InverseShape(int[] shape)
    {
        for (int i = _parts.Length - 1; i >= 0; i--) shape = _parts[i].InverseShape(shape);
        return shape;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ComposeTransform o && o._parts.SequenceEqual(_parts);

    /// <inheritdoc/>
    public override int GetHashCode() => _parts.Length;

    /// <inheritdoc/>
    public override string ToString() => $"ComposeTransform(\n    {string.Join(",\n    ", _parts.Select(p => p.ToString()))}\n)";
}
