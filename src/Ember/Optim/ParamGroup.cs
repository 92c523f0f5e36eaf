namespace Ember.Optim;

/// <summary>
/// A group of parameters optimised with the same options (PyTorch's entries of
/// <c>optimizer.param_groups</c>). Options are named as in PyTorch (<c>"lr"</c>, <c>"momentum"</c>,
/// <c>"betas"</c>, <c>"weight_decay"</c>, ...); options a group does not set come from the optimizer's
/// defaults when the group is added. Schedulers change <see cref="Lr"/> between steps.
/// </summary>
public sealed class ParamGroup
{
    private readonly Dictionary<string, object> _options = new(StringComparer.Ordinal);

    /// <summary>A group of <paramref name="parameters"/> with no options of its own yet.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = parameters.ToList();
    }

    /// <summary>The tensors this group updates.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>An option by PyTorch's name (<c>group["lr"]</c>).</summary>
    /// <exception cref="KeyNotFoundException">The group has no such option.</exception>
    public object this[string name]
    {
        get => _options.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"param group has no option '{name}'; it has: {string.Join(", ", _options.Keys)}.");
        set => _options[name] = value;
    }

    /// <summary>The options set on this group.</summary>
    public IReadOnlyDictionary<string, object> Options => _options;

    /// <summary>True when the option is set.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>An option converted to <typeparamref name="T"/> (numbers convert between int, long and double).</summary>
    public T Get<T>(string name)
    {
        object v = this[name];
        if (v is T t) return t;
        if (typeof(T) == typeof(double) && v is IConvertible c) return (T)(object)c.ToDouble(null);
        throw new InvalidCastException($"param group option '{name}' is {v.GetType().Name}, not {typeof(T).Name}.");
    }

    /// <summary>The learning rate (<c>group["lr"]</c>).</summary>
    public double Lr
    {
        get => Get<double>("lr");
        set => _options["lr"] = value;
    }

    internal void SetDefault(string name, object value) => _options.TryAdd(name, value);
}
