using System.Globalization;
using System.Text;

namespace Ember.Jit;

/// <summary>
/// The non-tensor arguments of a traced op (stride, padding, dims, eps, ...), by name, in declaration order.
/// Values are plain data so passes and exporters can read them: <c>int</c>, <c>int[]</c>, <c>double</c>,
/// <c>double[]</c>, <c>bool</c>, <c>string</c>, <see cref="Ember.DType"/>, <see cref="Scalar"/>, null, and,
/// after tracing with dynamic dims, <see cref="SymInt"/> / <see cref="SymInt"/>[] in place of sizes that vary.
/// </summary>
public sealed class Attributes
{
    private readonly List<(string Name, object? Value)> _items = [];

    /// <summary>An empty set.</summary>
    public Attributes() { }

    /// <summary>The attributes in declaration order.</summary>
    public IReadOnlyList<(string Name, object? Value)> Items => _items;

    /// <summary>How many attributes there are.</summary>
    public int Count => _items.Count;

    /// <summary>Sets (or adds) an attribute; returns this set, so declarations chain.</summary>
    public Attributes Set(string name, object? value)
    {
        int i = _items.FindIndex(p => p.Name == name);
        if (i >= 0) _items[i] = (name, value);
        else _items.Add((name, value));
        return this;
    }

    /// <summary>The raw value of an attribute.</summary>
    /// <exception cref="KeyNotFoundException">The op has no such attribute.</exception>
    public object? this[string name]
    {
        get
        {
            foreach (var (n, v) in _items) if (n == name) return v;
            throw new KeyNotFoundException($"Attributes: no attribute '{name}' (has {string.Join(", ", _items.Select(p => p.Name))}).");
        }
    }

    /// <summary>True when an attribute of that name exists.</summary>
    public bool Contains(string name) => _items.Exists(p => p.Name == name);

    /// <summary>An integer attribute.</summary>
    public int Int(string name) => this[name] is int i ? i : throw Bad(name, "int");

    /// <summary>An integer-list attribute.</summary>
    public int[] Ints(string name) => this[name] as int[] ?? throw Bad(name, "int[]");

    /// <summary>An optional integer-list attribute (null when absent or null).</summary>
    public int[]? IntsOrNull(string name) => Contains(name) ? this[name] as int[] : null;

    /// <summary>A floating-point attribute.</summary>
    public double Double(string name) => this[name] is double d ? d : throw Bad(name, "double");

    /// <summary>A boolean attribute.</summary>
    public bool Bool(string name) => this[name] is bool b ? b : throw Bad(name, "bool");

    /// <summary>A string attribute (null allowed).</summary>
    public string? String(string name) => (string?)this[name];

    /// <summary>A scalar attribute.</summary>
    public Scalar Scalar(string name) => this[name] is Scalar s ? s : throw Bad(name, "Scalar");

    private InvalidOperationException Bad(string name, string want) =>
        new($"Attributes: '{name}' is {this[name]?.GetType().Name ?? "null"}, expected {want}.");

    /// <summary>True when some value is symbolic (depends on a dynamic dim).</summary>
    internal bool HasSymbols => _items.Exists(p => p.Value is SymInt or SymInt[]);

    /// <summary>A copy with every symbolic size evaluated for the given dynamic-dim values.</summary>
    internal Attributes Resolve(IReadOnlyDictionary<string, long> symbols)
    {
        var r = new Attributes();
        foreach (var (n, v) in _items)
            r._items.Add((n, v switch
            {
                SymInt s => checked((int)s.Evaluate(symbols)),
                SymInt[] a => a.Select(s => checked((int)s.Evaluate(symbols))).ToArray(),
                _ => v,
            }));
        return r;
    }

    /// <summary>A shallow copy (values are immutable by convention).</summary>
    internal Attributes Clone()
    {
        var r = new Attributes();
        r._items.AddRange(_items);
        return r;
    }

    /// <summary>As the graph prints them: <c>stride=[1, 1], groups=1</c>.</summary>
    public override string ToString() => string.Join(", ", _items.Select(p => $"{p.Name}={Format(p.Value)}"));

    internal static string Format(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => "\"" + s + "\"",
        int[] a => "[" + string.Join(", ", a) + "]",
        double[] a => "[" + string.Join(", ", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        SymInt[] a => "[" + string.Join(", ", a) + "]",
        DType t => t.TorchName(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    internal static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (int[] x, int[] y) => x.AsSpan().SequenceEqual(y),
        (double[] x, double[] y) => x.AsSpan().SequenceEqual(y),
        (SymInt[] x, SymInt[] y) => x.AsSpan().SequenceEqual(y),
        _ => Equals(a, b),
    };
}
