using Ember.Optim;

namespace Ember.Serialization;

/// <summary>
/// Conversions between Ember's typed states and the plain Python-shaped values the pickle reader and
/// writer exchange (dicts, lists, tuples, numbers, strings, tensors).
/// </summary>
internal static class PyValues
{
    /// <summary>A dict of string keys to tensors (a module's <c>state_dict()</c>), or a clear error.</summary>
    public static OrderedDictionary<string, Tensor> ToStateDict(object? o, string file, string what = "the file")
    {
        if (o is not OrderedDictionary<object, object?> d)
            throw new TensorFileException(file, $"{what} holds a {Pickle.PickleReader.PyType(o)}, not a state dict (a dict of names to tensors)");
        var r = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in d)
        {
            if (k is not string key) throw new TensorFileException(file, $"{what} has a key of type {Pickle.PickleReader.PyType(k)}; a state dict's keys are strings");
            r[key] = v as Tensor ?? throw new TensorFileException(file, $"{what}: '{key}' holds a {Pickle.PickleReader.PyType(v)}, not a tensor");
        }
        return r;
    }

    /// <summary>An optimizer state laid out as PyTorch's <c>optimizer.state_dict()</c>.</summary>
    public static Dictionary<string, object?> FromOptimizerState(OptimizerStateDict s)
    {
        var state = new Dictionary<long, object?>();
        foreach (var (id, st) in s.State.OrderBy(kv => kv.Key))
            state[id] = st.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        var groups = s.ParamGroups.Select(g => (object?)g.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal)).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["state"] = state, ["param_groups"] = groups };
    }

    /// <summary>
    /// An <see cref="OptimizerStateDict"/> from PyTorch's layout. Options become Ember's types (a pair of
    /// numbers such as <c>betas</c> a <c>(double, double)</c>, <c>params</c> a <c>long[]</c>); options
    /// that are <c>None</c> (<c>foreach</c>, <c>differentiable</c> ... when unset) are left out.
    /// </summary>
    public static OptimizerStateDict ToOptimizerState(object? o, string file, string what = "the file")
    {
        TensorFileException Bad(string m) => new(file, $"{what} is not an optimizer state dict: {m}");
        if (o is not OrderedDictionary<object, object?> d) throw Bad($"it is a {Pickle.PickleReader.PyType(o)}");
        if (!d.TryGetValue("state", out var so) || so is not OrderedDictionary<object, object?> st) throw Bad("no 'state' dict");
        if (!d.TryGetValue("param_groups", out var go) || go is not List<object?> gl) throw Bad("no 'param_groups' list");
        var state = new Dictionary<long, Dictionary<string, object>>();
        foreach (var (k, v) in st)
        {
            if (k is not long id) throw Bad("a 'state' key that is not an integer");
            if (v is not OrderedDictionary<object, object?> ps) throw Bad($"state {id} is not a dict");
            state[id] = Options(ps, Bad);
        }
        var groups = new List<Dictionary<string, object>>();
        foreach (var g in gl)
        {
            if (g is not OrderedDictionary<object, object?> gd) throw Bad("a parameter group that is not a dict");
            var opts = Options(gd, Bad);
            if (!opts.TryGetValue("params", out var p) || p is not List<object?> ids || ids.Any(x => x is not long))
                throw Bad("a parameter group without a 'params' list of integers");
            opts["params"] = ids.Select(x => (long)x!).ToArray();
            groups.Add(opts);
        }
        return new OptimizerStateDict(state, groups);
    }

    private static Dictionary<string, object> Options(OrderedDictionary<object, object?> d, Func<string, TensorFileException> bad)
    {
        var r = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in d)
        {
            if (k is not string key) throw bad($"an option key of type {Pickle.PickleReader.PyType(k)}");
            switch (v)
            {
                case null: continue;
                case object?[] { Length: 2 } pair when pair.All(x => x is double or long):
                    r[key] = (Convert.ToDouble(pair[0], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(pair[1], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: r[key] = v; break;
            }
        }
        return r;
    }
}
