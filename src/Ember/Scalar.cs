using System.Globalization;

namespace Ember;

/// <summary>What kind of number a <see cref="Scalar"/> holds; drives type promotion.</summary>
public enum ScalarKind
{
    /// <summary>A boolean.</summary>
    Bool,
    /// <summary>An integer (held as <see cref="long"/>).</summary>
    Integer,
    /// <summary>A floating-point number (held as <see cref="double"/>).</summary>
    Floating,
}

/// <summary>
/// A number passed to a tensor operation, like PyTorch's <c>Scalar</c>: an integer is kept as a
/// <see cref="long"/> so large int64 values are exact, a float as a <see cref="double"/>.
/// Implicit conversions let users write <c>x + 2</c>, <c>x * 0.5f</c>, <c>Tensor.Full([2], true)</c>.
/// </summary>
public readonly struct Scalar : IEquatable<Scalar>
{
    private readonly long _long;
    private readonly double _double;

    /// <summary>The kind of number held.</summary>
    public ScalarKind Kind { get; }

    private Scalar(ScalarKind kind, long l, double d) { Kind = kind; _long = l; _double = d; }

    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(long v) => new(ScalarKind.Integer, v, v);
    /// <summary>An integer scalar.</summary>
    public static implicit operator Scalar(int v) => new(ScalarKind.Integer, v, v);
    /// <summary>A floating-point scalar.</summary>
    public static implicit operator Scalar(double v) => new(ScalarKind.Floating, (long)v, v);
    /// <summary>A floating-point scalar (widened exactly to double).</summary>
    public static implicit operator Scalar(float v) => new(ScalarKind.Floating, (long)v, v);
    /// <summary>A boolean scalar.</summary>
    public static implicit operator Scalar(bool v) => new(ScalarKind.Bool, v ? 1 : 0, v ? 1 : 0);

    /// <summary>The value as a double.</summary>
    public double ToDouble() => Kind == ScalarKind.Floating ? _double : _long;
    /// <summary>The value as a long (floats truncate toward zero, as a C cast).</summary>
    public long ToInt64() => Kind == ScalarKind.Floating ? (long)_double : _long;
    /// <summary>The value as a bool (non-zero is true).</summary>
    public bool ToBoolean() => Kind == ScalarKind.Floating ? _double != 0 : _long != 0;

    /// <summary>The dtype a 0-d tensor made from this scalar gets by default.</summary>
    public DType DefaultDType => Kind switch { ScalarKind.Bool => DType.Bool, ScalarKind.Integer => DType.Int64, _ => DTypes.DefaultFloat };

    /// <summary>The value converted to the storage type <typeparamref name="T"/> as PyTorch casts it.</summary>
    public T To<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)ToDouble();
        if (typeof(T) == typeof(double)) return (T)(object)ToDouble();
        if (typeof(T) == typeof(long)) return (T)(object)ToInt64();
        if (typeof(T) == typeof(int)) return (T)(object)(int)ToInt64();
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)ToInt64();
        throw new NotSupportedException($"Scalar.To<{typeof(T).Name}> is not supported.");
    }

    /// <inheritdoc/>
    public bool Equals(Scalar other) => Kind == other.Kind && _long == other._long && _double.Equals(other._double);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Scalar s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _long, _double);
    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ScalarKind.Bool => _long != 0 ? "True" : "False",
        ScalarKind.Integer => _long.ToString(CultureInfo.InvariantCulture),
        _ => _double.ToString("R", CultureInfo.InvariantCulture),
    };
}
