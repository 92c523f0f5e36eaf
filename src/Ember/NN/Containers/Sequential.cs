using System.Globalization;

namespace Ember.NN;

/// <summary>
/// Modules applied one after another (<c>nn.Sequential</c>). It holds any single-tensor module
/// (<see cref="Module{TIn, TOut}"/> of <see cref="Tensor"/> to <see cref="Tensor"/>). Entries are named
/// <c>0</c>, <c>1</c>, ... unless given names, so state-dict keys match PyTorch's (<c>0.weight</c>).
/// A range slices it as <c>seq[:-1]</c> does: <c>seq[..^1]</c> is a new Sequential sharing the modules.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _items = [];
    private readonly List<string> _names = [];

    /// <summary>An empty sequence to <see cref="Append"/> to (<c>nn.Sequential()</c>); it passes its input through.</summary>
    public Sequential() { }

    /// <summary>A sequence of modules named by position (<c>nn.Sequential(a, b, c)</c>).</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>
    /// A sequence of the given modules named by position, e.g. all but the last child of a model
    /// (<c>nn.Sequential(*list(model.children())[:-1])</c> is <c>new Sequential(model.Children().SkipLast(1))</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A module does not take and return one tensor (a loss, a recurrent layer, a ModuleList).</exception>
    public Sequential(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(modules));
            Append(m as Module<Tensor, Tensor> ?? throw new ArgumentException(
                $"Sequential: entry {_items.Count} is a {m.GetType().Name}, which is not a Module<Tensor, Tensor>; a Sequential can only hold modules that take one tensor and return one tensor.", nameof(modules)));
        }
    }

    /// <summary>A sequence of named modules (<c>nn.Sequential(OrderedDict(...))</c>).</summary>
    public Sequential(params (string Name, Module<Tensor, Tensor> Module)[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (n, m) in modules) Add(n, m);
    }

    /// <summary>The number of modules (<c>len(seq)</c>).</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end); setting replaces it under the same name (<c>seq[i] = m</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Module<Tensor, Tensor> this[int index]
    {
        get => _items[Wrap(index)];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            int i = Wrap(index);
            _items[i] = value;
            SetRegisteredModule(_names[i], value);
        }
    }

    /// <summary>
    /// A new Sequential holding the modules in <paramref name="range"/>, under their names here
    /// (<c>seq[1:3]</c> is <c>seq[1..3]</c>, <c>seq[:-1]</c> is <c>seq[..^1]</c>). The modules are shared, not copied.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not fit in the sequence.</exception>
    public Sequential this[Range range]
    {
        get
        {
            int start, length;
            try { (start, length) = range.GetOffsetAndLength(_items.Count); }
            catch (ArgumentOutOfRangeException)
            {
                throw new ArgumentOutOfRangeException(nameof(range), $"Sequential: range {range} is out of range for {_items.Count} modules.");
            }
            var slice = new Sequential();
            for (int i = start; i < start + length; i++) slice.Add(_names[i], _items[i]);
            return slice;
        }
    }

    /// <summary>Adds a module at the end (<c>append</c>), named by its position.</summary>
    public Sequential Append(Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Add(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Adds several modules at the end (<c>extend</c>), each named by its position.</summary>
    public Sequential Extend(IEnumerable<Module<Tensor, Tensor>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
        return this;
    }

    private void Add(string name, Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(name, module);
        _items.Add(module);
        _names.Add(name);
    }

    /// <summary>Feeds <paramref name="input"/> through every module in order (through <c>Call</c>, so their hooks run).</summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var m in _items) input = m.Call(input);
        return input;
    }

    /// <summary>The modules in order (<c>for m in seq</c>); <see cref="Module.Children"/> gives them as a sequence for LINQ.</summary>
    /// <remarks>
    /// Sequential does not implement <see cref="IEnumerable{T}"/> on purpose: it would make
    /// <c>new Sequential(inner)</c> ambiguous between wrapping <c>inner</c> (PyTorch's <c>nn.Sequential(inner)</c>)
    /// and taking its children.
    /// </remarks>
    public List<Module<Tensor, Tensor>>.Enumerator GetEnumerator() => _items.GetEnumerator();

    private int Wrap(int i)
    {
        int j = i < 0 ? i + _items.Count : i;
        if (j < 0 || j >= _items.Count) throw new ArgumentOutOfRangeException(nameof(i), $"Sequential: index {i} is out of range for {_items.Count} modules.");
        return j;
    }
}
