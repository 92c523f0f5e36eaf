using System.Collections;

namespace Ember;

/// <summary>
/// The sizes of a tensor's dimensions, as <c>torch.Size</c>. Immutable; index it like an array
/// (<c>x.Shape[0]</c>, <c>x.Shape[^1]</c>) and compare it by value.
/// </summary>
public readonly struct Shape : IReadOnlyList<int>, IEquatable<Shape>
{
    private readonly int[]? _dims;

    internal Shape(int[] dims) { _dims = dims; }

    internal int[] Dims => _dims ?? [];

    /// <summary>The number of dimensions.</summary>
    public int Count => Dims.Length;

    /// <summary>The number of dimensions (same as <see cref="Count"/>; enables <c>shape[^1]</c>).</summary>
    public int Length => Dims.Length;

    /// <summary>The size of dimension <paramref name="i"/>.</summary>
    public int this[int i] => Dims[i];

    /// <summary>The product of all sizes (1 for a 0-d shape).</summary>
    public long NumElements { get { long n = 1; foreach (int d in Dims) n *= d; return n; } }

    /// <summary>A copy of the sizes.</summary>
    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary>The sizes as a read-only span (no copy).</summary>
    public ReadOnlySpan<int> AsSpan() => Dims;

    /// <summary>A copy of the sizes.</summary>
    public static implicit operator int[](Shape s) => s.ToArray();

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.AsSpan().SequenceEqual(other.Dims);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode() { var h = new HashCode(); foreach (int d in Dims) h.Add(d); return h.ToHashCode(); }
    /// <summary>Value equality.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>Formats as <c>[2, 3]</c>.</summary>
    public override string ToString() => Format(Dims);

    internal static string Format(ReadOnlySpan<int> dims) => "[" + string.Join(", ", dims.ToArray()) + "]";
}
