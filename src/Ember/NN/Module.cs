using System.Diagnostics.CodeAnalysis;

namespace Ember.NN;

/// <summary>
/// The base of every layer and model (<c>torch.nn.Module</c>). Submodules, parameters and buffers
/// held in fields are found without ceremony, in declaration order and named after the field
/// (<c>linear1 = new Linear(...)</c> gives <c>linear1.weight</c>); anything else is registered with
/// <see cref="RegisterModule"/>, <see cref="RegisterParameter"/> or <see cref="RegisterBuffer"/>.
/// A plain <see cref="Tensor"/> field is registered only if it holds a <see cref="Parameter"/> or is
/// marked <see cref="BufferAttribute"/>, as in PyTorch. Derive from <see cref="Module{TIn, TOut}"/> to
/// get a <c>Forward</c> that containers and hooks can call.
/// </summary>
[DynamicallyAccessedMembers(Members)]
public abstract partial class Module
{
    internal const DynamicallyAccessedMemberTypes Members =
        DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields |
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    private List<(string Name, Module? Value)> _modules = [];
    private List<(string Name, Parameter? Value)> _parameters = [];
    private List<(string Name, Tensor? Value, bool Persistent)> _buffers = [];

    /// <summary>True in training mode (the default), false after <see cref="ModuleExtensions.Eval{T}(T)"/> (<c>module.training</c>).</summary>
    public bool Training { get; private set; } = true;

    private ModuleMembers.Slot[] Slots => ModuleMembers.Of(GetType());

    private void CheckNewName(string name, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: {what} name can't contain \".\", got \"{name}\".");
        if (Slots.Any(s => s.Name == name) || _modules.Any(m => m.Name == name) || _parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name}: attribute '{name}' already exists.");
    }

    /// <summary>Registers a submodule under <paramref name="name"/> (<c>add_module</c> / <c>register_module</c>); null keeps the name with no module.</summary>
    protected internal void RegisterModule(string name, Module? module)
    {
        CheckNewName(name, "module");
        _modules.Add((name, module));
    }

    /// <summary>Registers a parameter under <paramref name="name"/> (<c>register_parameter</c>).</summary>
    protected internal void RegisterParameter(string name, Parameter? parameter)
    {
        CheckNewName(name, "parameter");
        _parameters.Add((name, parameter));
    }

    /// <summary>Registers a buffer under <paramref name="name"/> (<c>register_buffer</c>); non-persistent buffers stay out of the state dict.</summary>
    protected internal void RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        CheckNewName(name, "buffer");
        _buffers.Add((name, buffer, persistent));
    }

    /// <summary>Replaces an explicitly registered submodule (used by containers).</summary>
    protected internal void SetRegisteredModule(string name, Module? module)
    {
        int i = _modules.FindIndex(m => m.Name == name);
        if (i < 0) throw new KeyNotFoundException($"{GetType().Name}: no registered module '{name}'.");
        _modules[i] = (name, module);
    }

    /// <summary>Forgets every explicitly registered submodule (containers re-register after an insert or removal).</summary>
    protected internal void ClearRegisteredModules() => _modules.Clear();

    /// <summary>Forgets every explicitly registered parameter.</summary>
    protected internal void ClearRegisteredParameters() => _parameters.Clear();

    /// <summary>The direct submodules with their names, fields first, each module once (<c>named_children</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var c in RegisteredChildren())
            if (seen.Add(c.Module)) yield return c;
    }

    /// <summary>Every registered submodule entry, including a module registered under two names (state dicts list both, as PyTorch's).</summary>
    internal IEnumerable<(string Name, Module Module)> RegisteredChildren()
    {
        foreach (var s in Slots)
            if (s.Kind == ModuleMembers.Kind.Module && s.Field.GetValue(this) is Module m) yield return (s.Name, m);
        foreach (var (n, m) in _modules.ToArray())
            if (m is not null) yield return (n, m);
    }

    /// <summary>The direct submodules (<c>children()</c>).</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>This module and all below it, depth first, each once, with dotted names (<c>named_modules</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk(this, prefix, seen);

        static IEnumerable<(string, Module)> Walk(Module m, string prefix, HashSet<Module> seen)
        {
            if (!seen.Add(m)) yield break;
            yield return (prefix, m);
            foreach (var (n, c) in m.NamedChildren())
                foreach (var x in Walk(c, prefix.Length == 0 ? n : prefix + "." + n, seen)) yield return x;
        }
    }

    /// <summary>This module and all below it (<c>modules()</c>).</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>This module's own parameters (not its submodules'), with their names; null entries included.</summary>
    internal IEnumerable<(string Name, Parameter? Value)> OwnParameters()
    {
        foreach (var s in Slots)
            if (s.Kind == ModuleMembers.Kind.Tensor) yield return (s.Name, s.Field.GetValue(this) as Parameter);
        foreach (var p in _parameters.ToArray()) yield return p;
    }

    /// <summary>This module's own buffers, with their names and persistence; null entries included.</summary>
    internal IEnumerable<(string Name, Tensor? Value, bool Persistent)> OwnBuffers()
    {
        foreach (var s in Slots)
            if (s.Kind == ModuleMembers.Kind.Buffer) yield return (s.Name, s.Field.GetValue(this) as Tensor, s.Persistent);
        foreach (var b in _buffers.ToArray()) yield return b;
    }

    /// <summary>
    /// Every parameter with its dotted name (<c>conv1.weight</c>, <c>0.bias</c>), each tensor once
    /// (<c>named_parameters</c>).
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var modules = recurse ? NamedModules(prefix) : [(prefix, this)];
        foreach (var (mn, m) in modules)
            foreach (var (n, p) in m.OwnParameters())
                if (p is not null && seen.Add(p)) yield return (mn.Length == 0 ? n : mn + "." + n, p);
    }

    /// <summary>Every parameter, each once (<c>parameters()</c>); what an optimizer is given.</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Parameter);

    /// <summary>Every buffer with its dotted name (<c>named_buffers</c>).</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var modules = recurse ? NamedModules(prefix) : [(prefix, this)];
        foreach (var (mn, m) in modules)
            foreach (var (n, b, _) in m.OwnBuffers())
                if (b is not null && seen.Add(b)) yield return (mn.Length == 0 ? n : mn + "." + n, b);
    }

    /// <summary>Every buffer (<c>buffers()</c>).</summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Buffer);

    /// <summary>
    /// Clears every parameter's gradient (<c>zero_grad</c>): to null with <paramref name="setToNone"/>
    /// (the default, as PyTorch 2), else zeroed in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) { p.Grad = null; continue; }
            using var _ = Autograd.NoGrad();
            if (p.Grad.GradFn is not null) p.Grad = p.Grad.Detach();
            p.Grad.Zero_();
        }
    }
}
