namespace Ember.NN;

/// <summary>
/// An output ratio for <see cref="FractionalMaxPool2d"/> and <see cref="FractionalMaxPool3d"/>: one number
/// for every spatial dim, or one per dim (PyTorch's <c>output_ratio=0.5</c> or <c>(0.5, 0.7)</c>).
/// </summary>
public readonly record struct PoolRatio
{
    private readonly double[] _values;

    private PoolRatio(double[] values) => _values = values;

    /// <summary>The same ratio for every dim.</summary>
    public static implicit operator PoolRatio(double value) => new([value]);

    /// <summary>A ratio per dim (height, width).</summary>
    public static implicit operator PoolRatio((double First, double Second) pair) => new([pair.First, pair.Second]);

    /// <summary>A ratio per dim (time, height, width).</summary>
    public static implicit operator PoolRatio((double First, double Second, double Third) t) => new([t.First, t.Second, t.Third]);

    /// <summary>The ratio for each of <paramref name="dims"/> dims.</summary>
    /// <exception cref="ArgumentException">The ratio has another number of elements.</exception>
    public double[] ToArray(int dims, string op)
    {
        var v = _values ?? [0.0];
        if (v.Length == 1) return Enumerable.Repeat(v[0], dims).ToArray();
        if (v.Length != dims) throw new ArgumentException($"{op}: output_ratio must be a number or a tuple of {dims}, got {v.Length} values.");
        return (double[])v.Clone();
    }

    /// <summary>Python's repr: <c>0.5</c> or <c>(0.5, 0.7)</c>.</summary>
    public override string ToString()
    {
        var v = _values ?? [0.0];
        return v.Length == 1 ? PyRepr.Float(v[0]) : "(" + string.Join(", ", v.Select(PyRepr.Float)) + ")";
    }
}
