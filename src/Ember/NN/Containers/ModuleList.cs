using System.Collections;
using System.Globalization;

namespace Ember.NN;

/// <summary>A list of submodules, registered by position (<c>nn.ModuleList</c>); it has no Forward of its own.</summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _items = [];

    /// <summary>A list holding <paramref name="modules"/>.</summary>
    public ModuleList(params Module[] modules) { Extend(modules); }

    /// <summary>The number of modules.</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end); setting replaces it.</summary>
    public Module this[int index]
    {
        get => _items[Wrap(index)];
        set { ArgumentNullException.ThrowIfNull(value); _items[Wrap(index)] = value; Reregister(); }
    }

    /// <summary>A new ModuleList holding the modules in <paramref name="range"/>, renumbered from 0 (<c>modules[1:]</c> is <c>modules[1..]</c>); the modules are shared.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not fit in the list.</exception>
    public ModuleList this[Range range]
    {
        get
        {
            int start, length;
            try { (start, length) = range.GetOffsetAndLength(_items.Count); }
            catch (ArgumentOutOfRangeException)
            {
                throw new ArgumentOutOfRangeException(nameof(range), $"ModuleList: range {range} is out of range for {_items.Count} modules.");
            }
            return new ModuleList([.. _items.GetRange(start, length)]);
        }
    }

    /// <summary>Adds a module at the end (<c>append</c>).</summary>
    public ModuleList Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Adds several modules at the end (<c>extend</c>).</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>Inserts a module before <paramref name="index"/> (<c>insert</c>); later entries are renumbered.</summary>
    public void Insert(int index, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _items.Insert(index < 0 ? Math.Max(0, index + _items.Count) : Math.Min(index, _items.Count), module);
        Reregister();
    }

    private void Reregister()
    {
        ClearRegisteredModules();
        for (int i = 0; i < _items.Count; i++) RegisterModule(i.ToString(CultureInfo.InvariantCulture), _items[i]);
    }

    private int Wrap(int i)
    {
        int j = i < 0 ? i + _items.Count : i;
        if (j < 0 || j >= _items.Count) throw new ArgumentOutOfRangeException(nameof(i), $"ModuleList: index {i} is out of range for {_items.Count} modules.");
        return j;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
