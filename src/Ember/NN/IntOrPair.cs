namespace Ember.NN;

/// <summary>
/// A size given as one int or as a pair of ints, like PyTorch's <c>_size_2_t</c>: <c>2</c> and
/// <c>(2, 3)</c> both convert implicitly. It remembers which form it was given in, because modules print
/// it back as given (<c>MaxPool2d(kernel_size=2, ...)</c> but <c>MaxPool2d(kernel_size=(2, 3), ...)</c>).
/// </summary>
public readonly struct IntOrPair : IEquatable<IntOrPair>
{
    /// <summary>A single value used for both dimensions.</summary>
    public IntOrPair(int value) { First = value; Second = value; IsSingle = true; }

    /// <summary>A value per dimension (height, width).</summary>
    public IntOrPair(int first, int second) { First = first; Second = second; IsSingle = false; }

    /// <summary>The first (height) value.</summary>
    public int First { get; }

    /// <summary>The second (width) value.</summary>
    public int Second { get; }

    /// <summary>True when given as one int.</summary>
    public bool IsSingle { get; }

    /// <summary>One int for both dimensions.</summary>
    public static implicit operator IntOrPair(int value) => new(value);

    /// <summary>A pair (height, width).</summary>
    public static implicit operator IntOrPair((int First, int Second) pair) => new(pair.First, pair.Second);

    /// <summary>The two values as an array.</summary>
    public int[] ToArray() => [First, Second];

    /// <summary>Python's repr of the value as given: <c>2</c> or <c>(2, 3)</c>.</summary>
    public override string ToString() => IsSingle ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"({First}, {Second})";

    /// <inheritdoc/>
    public bool Equals(IntOrPair other) => First == other.First && Second == other.Second && IsSingle == other.IsSingle;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IntOrPair o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(First, Second, IsSingle);

    /// <summary>Equality of value and form.</summary>
    public static bool operator ==(IntOrPair a, IntOrPair b) => a.Equals(b);

    /// <summary>Inequality of value or form.</summary>
    public static bool operator !=(IntOrPair a, IntOrPair b) => !a.Equals(b);
}

/// <summary>
/// The padding of a convolution: an int, a pair of ints (height, width), or one of PyTorch's strings
/// <c>"valid"</c> (no padding) and <c>"same"</c> (the output has the input's size; stride 1 only, and
/// with an even dilated kernel the extra row or column goes at the end, as in PyTorch).
/// </summary>
public readonly struct ConvPadding
{
    private ConvPadding(IntOrPair size, string? mode) { Size = size; Mode = mode; }

    /// <summary>The explicit padding (zero for a string mode).</summary>
    public IntOrPair Size { get; }

    /// <summary><c>"same"</c>, <c>"valid"</c>, or null for explicit sizes.</summary>
    public string? Mode { get; }

    /// <summary>The same padding on every side.</summary>
    public static implicit operator ConvPadding(int value) => new(value, null);

    /// <summary>Padding (height, width).</summary>
    public static implicit operator ConvPadding((int First, int Second) pair) => new(pair, null);

    /// <summary>An explicit size.</summary>
    public static implicit operator ConvPadding(IntOrPair size) => new(size, null);

    /// <summary><c>"same"</c> or <c>"valid"</c>.</summary>
    /// <exception cref="ArgumentException">Any other string.</exception>
    public static implicit operator ConvPadding(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (mode != "same" && mode != "valid")
            throw new ArgumentException($"Invalid padding string '{mode}', should be one of {{'valid', 'same'}}");
        return new ConvPadding(0, mode);
    }
}
