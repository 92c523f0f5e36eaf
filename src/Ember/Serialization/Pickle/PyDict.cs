namespace Ember.Serialization.Pickle;

/// <summary>
/// Key equality for dicts read from pickles: Python compares <c>bytes</c> keys by content, so byte
/// arrays do too; other keys (strings, 64-bit integers, floats, booleans, tuples) use their own equality.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => (x, y) switch
    {
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (object?[] a, object?[] b) => a.Length == b.Length && a.Zip(b).All(p => Equals(p.First, p.Second)),
        _ => object.Equals(x, y),
    };

    public int GetHashCode(object o) => o switch
    {
        byte[] b => b.Length == 0 ? 0 : HashCode.Combine(b.Length, b[0], b[^1]),
        object?[] t => t.Length,
        _ => o.GetHashCode(),
    };
}
