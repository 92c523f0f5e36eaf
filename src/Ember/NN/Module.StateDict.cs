using System.Text;

namespace Ember.NN;

public abstract partial class Module
{
    /// <summary>
    /// The module's parameters and persistent buffers by dotted name, in registration order
    /// (<c>state_dict()</c>), with PyTorch's key names so a model defined the same way in both
    /// frameworks exchanges weights. Values are detached tensors sharing the module's storage.
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var d = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        AddState(d, "");
        return d;
    }

    private void AddState(OrderedDictionary<string, Tensor> d, string prefix)
    {
        // Uninitialized (lazy) tensors go in as they are, as PyTorch's LazyModuleMixin saves them.
        foreach (var (n, p) in OwnParameters()) if (p is not null) d[prefix + n] = p.IsLazy ? p : p.Detach();
        foreach (var (n, b, persistent) in OwnBuffers()) if (b is not null && persistent) d[prefix + n] = b.IsLazy ? b : b.Detach();
        foreach (var (n, c) in RegisteredChildren()) c.AddState(d, prefix + n + ".");
    }

    /// <summary>
    /// Copies values from <paramref name="stateDict"/> into this module's parameters and buffers, in
    /// place (<c>load_state_dict</c>). With <paramref name="strict"/>, missing and unexpected keys are
    /// errors; a shape mismatch always is. Every problem is reported at once, in PyTorch's words, and
    /// nothing is copied unless the whole load can succeed.
    /// </summary>
    /// <returns>The keys the module expected but did not get, and those it did not expect.</returns>
    /// <exception cref="ArgumentException">Missing or unexpected keys (strict), or a shape mismatch.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        foreach (var (name, m) in NamedModules())
            m.BeforeLoadingState(stateDict, name.Length == 0 ? "" : name + ".");
        var own = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        AddState(own, "");
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var errors = new List<string>();
        foreach (var (k, target) in own)
        {
            if (!stateDict.TryGetValue(k, out var src)) continue;
            if (src.IsLazy && !target.IsLazy)
                errors.Add($"can't load the uninitialized parameter or buffer {k} into an initialized one of shape {target.Shape}; run a forward pass through the module that saved it first.");
            else if (target.IsLazy && !src.IsLazy)
                errors.Add($"can't load {k} (shape {src.Shape}) into an uninitialized parameter or buffer of a module that is not lazy; materialize it first.");
            else if (src.Shape != target.Shape)
                errors.Add($"size mismatch for {k}: copying a param with shape {src.Shape} from checkpoint, the shape in current model is {target.Shape}.");
        }
        if (strict)
        {
            if (unexpected.Count > 0) errors.Insert(0, "Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
            if (missing.Count > 0) errors.Insert(0, "Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        }
        if (errors.Count > 0)
        {
            var sb = new StringBuilder($"Error(s) in loading state_dict for {TypeName()}:");
            foreach (var e in errors) sb.Append("\n\t").Append(e);
            throw new ArgumentException(sb.ToString());
        }
        using (Autograd.NoGrad())
            foreach (var (k, target) in own)
                if (stateDict.TryGetValue(k, out var src) && !src.IsLazy) target.Copy_(src);   // lazy into lazy stays uninitialized, as in PyTorch
        return new LoadStateDictResult(missing, unexpected);
    }
}

public abstract partial class Module
{
    /// <summary>
    /// Runs before <see cref="LoadStateDict"/> checks and copies anything (PyTorch's load_state_dict
    /// pre-hooks): the lazy modules materialize their uninitialized tensors from the shapes they are given.
    /// </summary>
    /// <param name="stateDict">The whole state dict being loaded.</param>
    /// <param name="prefix">This module's key prefix in it (<c>""</c> or <c>"fc1."</c>).</param>
    private protected virtual void BeforeLoadingState(IReadOnlyDictionary<string, Tensor> stateDict, string prefix) { }
}

/// <summary>What <see cref="Module.LoadStateDict"/> did not match (<c>_IncompatibleKeys</c>).</summary>
/// <param name="MissingKeys">Keys the module has but the state dict lacked.</param>
/// <param name="UnexpectedKeys">Keys the state dict had but the module lacks.</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
