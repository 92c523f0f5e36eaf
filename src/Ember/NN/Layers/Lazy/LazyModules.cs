namespace Ember.NN;

/// <summary>
/// Whether a lazy module (<see cref="LazyLinear"/>, the lazy convolutions and norms) still holds
/// uninitialized parameters or buffers (PyTorch's <c>LazyModuleMixin.has_uninitialized_params</c>).
/// </summary>
public interface ILazyModule
{
    /// <summary>True until the first forward (or a state dict load) gives every parameter and buffer its shape (<c>has_uninitialized_params()</c>).</summary>
    bool HasUninitializedParams();
}

/// <summary>What the lazy modules share (PyTorch's <c>LazyModuleMixin</c>).</summary>
internal static class LazyModules
{
    /// <summary>PyTorch warns on every lazy module's construction; Ember shows it once per process, as its other warnings.</summary>
    internal static void WarnCreated() =>
        Warnings.Warn("Lazy modules are a new feature under heavy development so changes to the API or functionality can happen at any moment.");

    internal static IEnumerable<(string Name, Tensor Value)> OwnTensors(Module m)
    {
        foreach (var (n, p) in m.OwnParameters()) if (p is not null) yield return (n, p);
        foreach (var (n, b, _) in m.OwnBuffers()) if (b is not null) yield return (n, b);
    }

    internal static bool HasUninitialized(Module m) => OwnTensors(m).Any(t => t.Value.IsLazy);

    /// <summary>
    /// PyTorch's <c>_lazy_load_hook</c>: each uninitialized tensor whose key the state dict holds, with
    /// an initialized value, takes that value's shape (the load then copies it in).
    /// </summary>
    internal static void MaterializeFrom(Module m, IReadOnlyDictionary<string, Tensor> stateDict, string prefix)
    {
        using var _ = Autograd.NoGrad();
        foreach (var (n, t) in OwnTensors(m))
            if (t.IsLazy && stateDict.TryGetValue(prefix + n, out var src) && src is not null && !src.IsLazy)
                t.Materialize(src.Shape.ToArray());
    }

    /// <summary>
    /// Refuses a forward after a state dict gave some of the module's lazy tensors their shape but not
    /// others (PyTorch fails there with an AttributeError): drawing the rest could not agree with them.
    /// </summary>
    internal static void RefusePartial(Module m, string name)
    {
        var tensors = OwnTensors(m).Where(t => t.Value.DType.IsFloatingPoint()).ToList();
        var done = tensors.Where(t => !t.Value.IsLazy).Select(t => t.Name).ToList();
        var lazy = tensors.Where(t => t.Value.IsLazy).Select(t => t.Name).ToList();
        if (done.Count > 0 && lazy.Count > 0)
            throw new InvalidOperationException(
                $"{name}: the state dict loaded {string.Join(", ", done.Select(d => $"'{d}'"))} but not {string.Join(", ", lazy.Select(d => $"'{d}'"))}; " +
                "load all of a lazy module's parameters and buffers, or none, before its first forward.");
    }
}
