using System.Collections;

namespace Ember.NN;

/// <summary>
/// Parameters by name, in insertion order (<c>nn.ParameterDict</c>): each is registered under its key,
/// so state-dict names are the keys (<c>"dict.weight"</c> inside a parent), as in PyTorch.
/// </summary>
public sealed class ParameterDict : Module, IEnumerable<KeyValuePair<string, Parameter>>
{
    private readonly OrderedDictionary<string, Parameter> _items = new(StringComparer.Ordinal);

    /// <summary>A dictionary holding <paramref name="parameters"/>, in order.</summary>
    public ParameterDict(params (string Name, Parameter Parameter)[] parameters)
    {
        foreach (var (n, p) in parameters) this[n] = p;
    }

    /// <summary>The number of entries.</summary>
    public int Count => _items.Count;

    /// <summary>The names, in insertion order (<c>keys()</c>).</summary>
    public IEnumerable<string> Keys => _items.Keys;

    /// <summary>The parameters, in insertion order (<c>values()</c>).</summary>
    public IEnumerable<Parameter> Values => _items.Values;

    /// <summary>True when <paramref name="name"/> is present (<c>name in d</c>).</summary>
    public bool ContainsKey(string name) => _items.ContainsKey(name);

    /// <summary>The parameter named <paramref name="name"/>; setting adds it at the end or replaces it in place.</summary>
    /// <exception cref="KeyNotFoundException">Reading a name that is not present.</exception>
    public Parameter this[string name]
    {
        get => _items.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"ParameterDict: no parameter named '{name}'; keys: {string.Join(", ", _items.Keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (_items.ContainsKey(name)) { _items[name] = value; Reregister(); }
            else { RegisterParameter(name, value); _items[name] = value; }
        }
    }

    /// <summary>Removes <paramref name="name"/> and returns its parameter (<c>pop</c>).</summary>
    /// <exception cref="KeyNotFoundException">The name is not present.</exception>
    public Parameter Pop(string name)
    {
        var p = this[name];
        _items.Remove(name);
        Reregister();
        return p;
    }

    /// <summary>Removes every entry (<c>clear</c>).</summary>
    public void Clear()
    {
        _items.Clear();
        ClearRegisteredParameters();
    }

    /// <summary>Adds or replaces the given entries, in order (<c>update</c>).</summary>
    public void Update(IEnumerable<KeyValuePair<string, Parameter>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (n, p) in parameters) this[n] = p;
    }

    private void Reregister()
    {
        ClearRegisteredParameters();
        foreach (var (n, p) in _items) RegisterParameter(n, p);
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per parameter, as PyTorch 1.13 prints a ParameterDict (<c>(a): Parameter containing: [torch.FloatTensor of size 2x3]</c>).</summary>
    public override string ExtraRepr() => string.Join("\n", _items.Select(kv =>
        $"  ({kv.Key}): Parameter containing: [{LegacyTypeName(kv.Value)} of size {string.Join("x", kv.Value.Shape)}]"));

    // torch.typename of a tensor: the legacy tensor-type name.
    private static string LegacyTypeName(Tensor t) => "torch." + (t.IsCuda ? "cuda." : "") + t.DType switch
    {
        DType.Float32 => "FloatTensor",
        DType.Float64 => "DoubleTensor",
        DType.Int64 => "LongTensor",
        DType.Int32 => "IntTensor",
        DType.UInt8 => "ByteTensor",
        DType.Bool => "BoolTensor",
        _ => t.DType.ToString() + "Tensor",
    };
}
