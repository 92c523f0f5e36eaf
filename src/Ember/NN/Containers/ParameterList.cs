using System.Collections;
using System.Globalization;

namespace Ember.NN;

/// <summary>A list of parameters, registered by position (<c>nn.ParameterList</c>).</summary>
public sealed class ParameterList : Module, IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _items = [];

    /// <summary>A list holding <paramref name="parameters"/>.</summary>
    public ParameterList(params Parameter[] parameters)
    {
        foreach (var p in parameters) Append(p);
    }

    /// <summary>The number of parameters.</summary>
    public int Count => _items.Count;

    /// <summary>The parameter at <paramref name="index"/>.</summary>
    public Parameter this[int index] => _items[index < 0 ? index + _items.Count : index];

    /// <summary>Adds a parameter at the end (<c>append</c>).</summary>
    public ParameterList Append(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        RegisterParameter(_items.Count.ToString(CultureInfo.InvariantCulture), parameter);
        _items.Add(parameter);
        return this;
    }

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per parameter, as PyTorch prints a ParameterList.</summary>
    public override string ExtraRepr() => string.Join("\n", _items.Select((p, i) =>
        $"({i}): Parameter containing: [{p.DType.TorchName()} of size {string.Join("x", p.Shape)}]"));
}
