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
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Runs hooks and <see cref="Forward"/> (<c>module(input)</c>).</summary>
    public TOut Call(TIn input) => HasForwardHooks ? CallWithHooks([input], ForwardArgs) : Forward(input);

    /// <summary>
    /// Runs <c>Forward</c> on a hooked call's arguments (one, <typeparamref name="TIn"/>, unless the module
    /// has a <c>Forward</c> that takes more, as a recurrent layer's initial state, and overrides this).
    /// </summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected virtual TOut ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 1, 1);
        return Forward(ArgAt<TIn>(args, 0));
    }

    /// <summary>
    /// Registers a hook run after every <see cref="Call"/> with the module, its input and output; a
    /// non-null result replaces the output (<c>register_forward_hook</c>). Dispose the handle to remove it.
    /// It sees the first argument of calls that pass more (a recurrent layer's state) and is skipped by
    /// calls whose input or output has other types (a packed sequence); the untyped overload sees those.
    /// </summary>
    public IDisposable RegisterForwardHook(Func<Module, TIn, TOut, TOut?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return base.RegisterForwardHook((m, args, output) =>
            args.Length > 0 && args[0] is TIn x && output is TOut y ? Replacement(hook(m, x, y)) : null);
    }

    /// <summary>
    /// Registers a hook run before every <see cref="Call"/>; a non-null result replaces the input
    /// (<c>register_forward_pre_hook</c>). Other arguments of the call, if any, are kept.
    /// </summary>
    public IDisposable RegisterForwardPreHook(Func<Module, TIn, TIn?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return base.RegisterForwardPreHook((m, args) =>
            args.Length > 0 && args[0] is TIn x && Replacement(hook(m, x)) is { } r ? [r, .. args[1..]] : null);
    }
}

/// <summary>
/// A module with two inputs and one output, e.g. a loss (<c>forward(input, target)</c>). <see cref="Call"/>
/// runs the forward hooks as <see cref="Module{TIn, TOut}.Call"/> does.
/// </summary>
public abstract class Module<TIn1, TIn2, TOut> : Module
{
    /// <summary>The computation (<c>forward</c>).</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2);

    /// <summary>Runs hooks and <see cref="Forward"/> (<c>module(a, b)</c>).</summary>
    public TOut Call(TIn1 input1, TIn2 input2) =>
        HasForwardHooks ? CallWithHooks([input1, input2], ForwardArgs) : Forward(input1, input2);

    /// <summary>Runs <see cref="Forward"/> on a hooked call's two arguments.</summary>
    /// <exception cref="ArgumentException">A pre-hook left arguments Forward does not take.</exception>
    protected virtual TOut ForwardArgs(object?[] args)
    {
        CheckArgCount(args, 2, 2);
        return Forward(ArgAt<TIn1>(args, 0), ArgAt<TIn2>(args, 1));
    }

    /// <summary>
    /// Registers a hook run after every <see cref="Call"/> with the module, both inputs and the output
    /// (a loss: input, target, loss); a non-null result replaces the output (<c>register_forward_hook</c>).
    /// Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardHook(Func<Module, TIn1, TIn2, TOut, TOut?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return base.RegisterForwardHook((m, args, output) =>
            args is [TIn1 a, TIn2 b, ..] && output is TOut y ? Replacement(hook(m, a, b, y)) : null);
    }

    /// <summary>
    /// Registers a hook run before every <see cref="Call"/> with both inputs; a non-null result replaces
    /// them (<c>register_forward_pre_hook</c>).
    /// </summary>
    public IDisposable RegisterForwardPreHook(Func<Module, TIn1, TIn2, (TIn1, TIn2)?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        return base.RegisterForwardPreHook((m, args) =>
            args is [TIn1 a, TIn2 b, ..] && hook(m, a, b) is { } r ? [r.Item1, r.Item2, .. args[2..]] : null);
    }
}
