namespace Ember.NN;

/// <summary>
/// A module with one input and one output, the usual case (<c>nn.Module</c> with <c>forward(x)</c>).
/// Override <see cref="Forward"/>. <see cref="Call"/> is PyTorch's <c>module(x)</c>: it runs the
/// forward pre-hooks, <see cref="Forward"/>, then the forward hooks; containers such as
/// <see cref="Sequential"/> call their children through it. Calling <see cref="Forward"/> directly skips
/// the hooks, as <c>module.forward(x)</c> does in PyTorch.
/// </summary>
public abstract class Module<TIn, TOut> : Module
{
    private List<Func<Module, TIn, TIn?>>? _preHooks;
    private List<Func<Module, TIn, TOut, TOut?>>? _hooks;

    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Runs hooks and <see cref="Forward"/> (<c>module(input)</c>).</summary>
    public TOut Call(TIn input)
    {
        if (_preHooks is not null)
            foreach (var h in _preHooks.ToArray()) if (h(this, input) is { } replaced) input = replaced;
        var output = Forward(input);
        if (_hooks is not null)
            foreach (var h in _hooks.ToArray()) if (h(this, input, output) is { } replaced) output = replaced;
        return output;
    }

    /// <summary>
    /// Registers a hook run after every <see cref="Call"/> with the module, its input and output; a
    /// non-null result replaces the output (<c>register_forward_hook</c>). Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardHook(Func<Module, TIn, TOut, TOut?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        (_hooks ??= []).Add(hook);
        return new Handle(() => _hooks.Remove(hook));
    }

    /// <summary>Registers a hook run before every <see cref="Call"/>; a non-null result replaces the input (<c>register_forward_pre_hook</c>).</summary>
    public IDisposable RegisterForwardPreHook(Func<Module, TIn, TIn?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        (_preHooks ??= []).Add(hook);
        return new Handle(() => _preHooks.Remove(hook));
    }

    private sealed class Handle(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() { _remove?.Invoke(); _remove = null; }
    }
}

/// <summary>A module with two inputs and one output, e.g. a loss (<c>forward(input, target)</c>).</summary>
public abstract class Module<TIn1, TIn2, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2);

    /// <summary>Runs <see cref="Forward"/> (<c>module(a, b)</c>).</summary>
    public TOut Call(TIn1 input1, TIn2 input2) => Forward(input1, input2);
}
