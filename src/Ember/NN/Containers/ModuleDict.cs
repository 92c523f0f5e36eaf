using System.Collections;

namespace Ember.NN;

/// <summary>Submodules by name, in insertion order (<c>nn.ModuleDict</c>).</summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    private readonly OrderedDictionary<string, Module> _items = new(StringComparer.Ordinal);

    /// <summary>A dictionary holding <paramref name="modules"/>.</summary>
    public ModuleDict(params (string Name, Module Module)[] modules)
    {
        foreach (var (n, m) in modules) this[n] = m;
    }

    /// <summary>The number of entries.</summary>
    public int Count => _items.Count;

    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => _items.Keys;

    /// <summary>True when <paramref name="name"/> is present.</summary>
    public bool ContainsKey(string name) => _items.ContainsKey(name);

    /// <summary>The module named <paramref name="name"/>; setting adds or replaces it.</summary>
    public Module this[string name]
    {
        get => _items.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"ModuleDict: no module named '{name}'; keys: {string.Join(", ", _items.Keys)}.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (_items.ContainsKey(name)) { _items[name] = value; SetRegisteredModule(name, value); }
            else { RegisterModule(name, value); _items[name] = value; }
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
