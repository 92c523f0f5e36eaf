namespace Ember.NN;

/// <summary>
/// Modules applied one after another (<c>nn.Sequential</c>). Entries are named <c>0</c>, <c>1</c>, ...
/// unless given names, so state-dict keys match PyTorch's (<c>0.weight</c>).
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _items = [];

    /// <summary>A sequence of modules named by position (<c>nn.Sequential(a, b, c)</c>).</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>A sequence of named modules (<c>nn.Sequential(OrderedDict(...))</c>).</summary>
    public Sequential(params (string Name, Module<Tensor, Tensor> Module)[] modules)
    {
        foreach (var (n, m) in modules)
        {
            ArgumentNullException.ThrowIfNull(m);
            RegisterModule(n, m);
            _items.Add(m);
        }
    }

    /// <summary>The number of modules (<c>len(seq)</c>).</summary>
    public int Count => _items.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    public Module<Tensor, Tensor> this[int index] => _items[Wrap(index)];

    /// <summary>Adds a module at the end (<c>append</c>), named by its position.</summary>
    public Sequential Append(Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Feeds <paramref name="input"/> through every module in order (through <c>Call</c>, so their hooks run).</summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var m in _items) input = m.Call(input);
        return input;
    }

    private int Wrap(int i)
    {
        int j = i < 0 ? i + _items.Count : i;
        if (j < 0 || j >= _items.Count) throw new ArgumentOutOfRangeException(nameof(i), $"Sequential: index {i} is out of range for {_items.Count} modules.");
        return j;
    }
}
