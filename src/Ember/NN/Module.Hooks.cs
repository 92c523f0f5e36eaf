namespace Ember.NN;

// Forward hooks live on Module, untyped, so they run for every kind of module and every form of its
// Call: one-tensor layers, losses (two inputs), recurrent layers called with a state or a packed
// sequence, attention and transformer layers. Their arguments come as an object?[] in Forward's
// parameter order, as PyTorch passes the positional arguments as a tuple. Module<TIn, TOut> and
// Module<TIn1, TIn2, TOut> add typed overloads that wrap into the same list, so registration order
// is the order hooks run in, whichever overload registered them.
public abstract partial class Module
{
    private List<Func<Module, object?[], object?[]?>>? _forwardPreHooks;
    private List<Func<Module, object?[], object?, object?>>? _forwardHooks;

    /// <summary>True when a forward hook or pre-hook is registered: only then does a call box its arguments.</summary>
    private protected bool HasForwardHooks => _forwardPreHooks is { Count: > 0 } || _forwardHooks is { Count: > 0 };

    /// <summary>
    /// Registers a hook run before every call of this module (<c>register_forward_pre_hook</c>), with the
    /// module and the call's arguments in <c>Forward</c>'s parameter order (<c>module(x, hx)</c> gives
    /// <c>[x, hx]</c>). A non-null result replaces the arguments. Runs for every module kind, including
    /// losses and recurrent layers called with a state. Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardPreHook(Func<Module, object?[], object?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var list = _forwardPreHooks ??= [];
        list.Add(hook);
        return new HookHandle(() => list.Remove(hook));
    }

    /// <summary>
    /// Registers a hook run after every call of this module (<c>register_forward_hook</c>), with the
    /// module, the call's arguments (as <see cref="RegisterForwardPreHook(Func{Module, object[], object[]})"/>
    /// passes them, after any pre-hook) and the output (a tuple output, such as a recurrent layer's, boxed).
    /// A non-null result replaces the output; it must have the type the call returns. Runs for every
    /// module kind. Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterForwardHook(Func<Module, object?[], object?, object?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var list = _forwardHooks ??= [];
        list.Add(hook);
        return new HookHandle(() => list.Remove(hook));
    }

    /// <summary>
    /// Runs the forward pre-hooks, <paramref name="forward"/> and the forward hooks: what a module's
    /// <c>Call</c> does (<c>module(*args)</c>). A module deriving from <see cref="Module"/> directly, with a
    /// <c>Call</c> of its own, gets hooks by calling this with its arguments in <c>Forward</c>'s order.
    /// </summary>
    /// <param name="args">The call's arguments, in <c>Forward</c>'s parameter order.</param>
    /// <param name="forward">Runs <c>Forward</c> on the arguments (as the pre-hooks left them); <see cref="ArgAt{T}"/> unpacks them.</param>
    /// <exception cref="InvalidOperationException">A forward hook returned a value of another type than the call's.</exception>
    protected TOut CallWithHooks<TOut>(object?[] args, Func<object?[], TOut> forward)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(forward);
        if (_forwardPreHooks is { Count: > 0 } pre)
            foreach (var h in pre.ToArray())
                if (h(this, args) is { } replaced) args = replaced;
        TOut output = forward(args);
        if (_forwardHooks is not { Count: > 0 } post) return output;
        object? boxed = output;
        bool changed = false;
        foreach (var h in post.ToArray())
            if (h(this, args, boxed) is { } replaced) { boxed = replaced; changed = true; }
        if (!changed) return output;
        return boxed is TOut t ? t : throw new InvalidOperationException(
            $"{GetType().Name}: a forward hook returned a {boxed!.GetType().Name}, but this call returns {typeof(TOut).Name}.");
    }

    /// <summary>
    /// The argument at <paramref name="index"/> of a hooked call, as <typeparamref name="T"/>; for the
    /// <c>forward</c> function given to <see cref="CallWithHooks{TOut}"/>. A missing optional argument
    /// (a pre-hook may drop it) reads as null when <typeparamref name="T"/> allows null.
    /// </summary>
    /// <exception cref="ArgumentException">The argument is missing or has another type (a pre-hook changed it).</exception>
    protected T ArgAt<T>(object?[] args, int index)
    {
        ArgumentNullException.ThrowIfNull(args);
        object? a = index < args.Length ? args[index] : null;
        if (a is T t) return t;
        if (a is null && default(T) is null) return default!;
        throw new ArgumentException(index < args.Length
            ? $"{GetType().Name}: argument {index} of forward must be a {typeof(T).Name}, got a {a!.GetType().Name} (returned by a forward pre-hook?)."
            : $"{GetType().Name}: forward needs an argument at position {index}, but the forward pre-hooks left {args.Length}.");
    }

    /// <summary>Checks that a hooked call has between <paramref name="min"/> and <paramref name="max"/> arguments (a pre-hook may have changed them).</summary>
    /// <exception cref="ArgumentException">It has not.</exception>
    protected void CheckArgCount(object?[] args, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < min || args.Length > max)
            throw new ArgumentException(min == max
                ? $"{GetType().Name}: forward takes {min} argument(s), but the forward pre-hooks left {args.Length}."
                : $"{GetType().Name}: forward takes {min} to {max} arguments, but the forward pre-hooks left {args.Length}.");
    }

    /// <summary>
    /// What a typed hook's result means for the untyped list: null (or, for a value-type result such as a
    /// recurrent layer's tuple, the default value) keeps what there was.
    /// </summary>
    private protected static object? Replacement<T>(T result) =>
        result is null || (typeof(T).IsValueType && EqualityComparer<T>.Default.Equals(result, default!)) ? null : result;

    private sealed class HookHandle(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() { _remove?.Invoke(); _remove = null; }
    }
}
