using System.Globalization;

namespace Ember.NN;

/// <summary>
/// A size given as one int or as three ints (depth, height, width), like PyTorch's <c>_size_3_t</c>:
/// <c>2</c> and <c>(1, 2, 3)</c> both convert implicitly. It remembers which form it was given in,
/// because modules print it back as given (<c>MaxPool3d(kernel_size=2, ...)</c> but
/// <c>MaxPool3d(kernel_size=(1, 2, 3), ...)</c>).
/// </summary>
public readonly struct IntOrTriple : IEquatable<IntOrTriple>
{
    /// <summary>A single value used for all three dimensions.</summary>
    public IntOrTriple(int value) { First = value; Second = value; Third = value; IsSingle = true; }

    /// <summary>A value per dimension (depth, height, width).</summary>
    public IntOrTriple(int first, int second, int third) { First = first; Second = second; Third = third; IsSingle = false; }

    /// <summary>The first (depth) value.</summary>
    public int First { get; }

    /// <summary>The second (height) value.</summary>
    public int Second { get; }

    /// <summary>The third (width) value.</summary>
    public int Third { get; }

    /// <summary>True when given as one int.</summary>
    public bool IsSingle { get; }

    /// <summary>One int for all three dimensions.</summary>
    public static implicit operator IntOrTriple(int value) => new(value);

    /// <summary>A triple (depth, height, width).</summary>
    public static implicit operator IntOrTriple((int First, int Second, int Third) t) => new(t.First, t.Second, t.Third);

    /// <summary>The three values as an array.</summary>
    public int[] ToArray() => [First, Second, Third];

    /// <summary>Python's repr of the value as given: <c>2</c> or <c>(1, 2, 3)</c>.</summary>
    public override string ToString() => IsSingle
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"({First}, {Second}, {Third})");

    /// <inheritdoc/>
    public bool Equals(IntOrTriple other) => First == other.First && Second == other.Second && Third == other.Third && IsSingle == other.IsSingle;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IntOrTriple o && Equals(o);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(First, Second, Third, IsSingle);

    /// <summary>Equality of value and form.</summary>
    public static bool operator ==(IntOrTriple a, IntOrTriple b) => a.Equals(b);

    /// <summary>Inequality of value or form.</summary>
    public static bool operator !=(IntOrTriple a, IntOrTriple b) => !a.Equals(b);
}

/// <summary>
/// The padding of a 3-D convolution: an int, a triple of ints (depth, height, width), or one of
/// PyTorch's strings <c>"valid"</c> (no padding) and <c>"same"</c> (the output has the input's size;
/// stride 1 only, and with an even dilated kernel the extra plane, row or column goes at the end).
/// </summary>
public readonly struct ConvPadding3d
{
    private ConvPadding3d(IntOrTriple size, string? mode) { Size = size; Mode = mode; }

    /// <summary>The explicit padding (zero for a string mode).</summary>
    public IntOrTriple Size { get; }

    /// <summary><c>"same"</c>, <c>"valid"</c>, or null for explicit sizes.</summary>
    public string? Mode { get; }

    /// <summary>The same padding on every side.</summary>
    public static implicit operator ConvPadding3d(int value) => new(value, null);

    /// <summary>Padding (depth, height, width).</summary>
    public static implicit operator ConvPadding3d((int First, int Second, int Third) t) => new(t, null);

    /// <summary>An explicit size.</summary>
    public static implicit operator ConvPadding3d(IntOrTriple size) => new(size, null);

    /// <summary><c>"same"</c> or <c>"valid"</c>.</summary>
    /// <exception cref="ArgumentException">Any other string.</exception>
    public static implicit operator ConvPadding3d(string mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        if (mode != "same" && mode != "valid")
            throw new ArgumentException($"Invalid padding string '{mode}', should be one of {{'valid', 'same'}}");
        return new ConvPadding3d(0, mode);
    }
}
