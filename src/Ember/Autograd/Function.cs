using Ember.Graph;

namespace Ember;

/// <summary>
/// A user-defined differentiable operation with its own forward and backward
/// (<c>torch.autograd.Function</c>). Subclass it, write <see cref="Forward"/> and
/// <see cref="Backward"/>, and call <see cref="Apply"/>: the result is recorded in the graph like a
/// built-in op. A Function is one stateless operation; anything with parameters is a Module.
/// </summary>
/// <example>
/// <code>
/// sealed class MyReLU : Function
/// {
///     protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
///     {
///         ctx.SaveForBackward(inputs[0]);
///         return inputs[0].Clamp(min: 0);
///     }
///     protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs)
///     {
///         var input = ctx.SavedTensors[0];
///         var gradInput = gradOutputs[0].Clone();
///         gradInput[input &lt; 0] = 0;
///         return [gradInput];
///     }
/// }
/// var y = new MyReLU().Apply(x);
/// </code>
/// </example>
public abstract class Function
{
    /// <summary>Computes the output. Runs with grad mode off, so nothing inside is recorded.</summary>
    protected abstract Tensor Forward(FunctionContext ctx, params Tensor[] inputs);

    /// <summary>
    /// Given the gradient of the output (one per output; a single one here), returns one gradient per
    /// input of <see cref="Forward"/>, null where an input needs none (see
    /// <see cref="FunctionContext.NeedsInputGrad"/>). Under <c>createGraph</c> it is recorded, so write
    /// it with tensor operations to get higher-order gradients.
    /// </summary>
    protected abstract Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs);

    /// <summary>The node name shown as <c>grad_fn</c>: the class name followed by <c>Backward</c>.</summary>
    protected virtual string NodeName => GetType().Name + "Backward";

    /// <summary>Runs <see cref="Forward"/> and, when any input requires grad, records a node that calls <see cref="Backward"/>.</summary>
    public Tensor Apply(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var ctx = new FunctionContext(inputs.Select(t => t.RequiresGrad).ToArray());
        Tensor output;
        using (Autograd.NoGrad()) output = Forward(ctx, inputs);
        if (output is null) throw new InvalidOperationException($"{GetType().Name}.Forward returned null.");
        if (!Autograd.Recording(inputs)) return output;

        bool dirtyInput = ctx.Dirty.Any(d => ReferenceEquals(d, output));
        // An output that is also an input (not marked dirty) must be a new tensor object to carry its own history.
        if (!dirtyInput && Array.Exists(inputs, i => ReferenceEquals(i, output))) output = output.Detach();
        if (ctx.NonDifferentiable.Any(d => ReferenceEquals(d, output)) || !output.DType.IsFloatingPoint()) return output;

        var node = new FunctionNode(this, ctx, new InputInfo(output.Shape.ToArray(), output.DType, output.Device));
        Autograd.Connect(node, inputs);
        if (dirtyInput)
        {
            Autograd.CheckInPlace(output, NodeName);
        }
        ctx.Freeze(output);
        output.SetGradFn(node, 0);
        return output;
    }

    internal Tensor?[] RunBackward(FunctionContext ctx, Tensor[] grads) => Backward(ctx, grads);

    internal string Name => NodeName;
}

/// <summary>What <see cref="Function.Forward"/> leaves for <see cref="Function.Backward"/> (<c>ctx</c>).</summary>
public sealed class FunctionContext
{
    private SavedTensor[]? _saved;
    private Tensor[] _toSave = [];
    private bool _released;

    internal FunctionContext(bool[] needsInputGrad) { NeedsInputGrad = needsInputGrad; }

    /// <summary>For each input of Forward, whether its gradient is needed (<c>ctx.needs_input_grad</c>).</summary>
    public IReadOnlyList<bool> NeedsInputGrad { get; }

    internal List<Tensor> Dirty { get; } = [];
    internal List<Tensor> NonDifferentiable { get; } = [];

    /// <summary>Anything else Forward wants to hand to Backward (sizes, flags); tensors belong in <see cref="SaveForBackward"/>.</summary>
    public Dictionary<string, object?> Items { get; } = [];

    /// <summary>Keeps tensors for Backward; they are version-checked when read (<c>ctx.save_for_backward</c>).</summary>
    public void SaveForBackward(params Tensor[] tensors) => _toSave = (Tensor[])tensors.Clone();

    /// <summary>The tensors given to <see cref="SaveForBackward"/> (<c>ctx.saved_tensors</c>).</summary>
    /// <exception cref="InvalidOperationException">The graph was freed, or a saved tensor was modified in place since.</exception>
    public IReadOnlyList<Tensor> SavedTensors
    {
        get
        {
            if (_saved is null) return _toSave;
            if (_released) throw new InvalidOperationException(Autograd.FreedGraphMessage);
            return _saved.Select(s => s.Unpack()).ToArray();
        }
    }

    /// <summary>Declares inputs that Forward modified in place (<c>ctx.mark_dirty</c>).</summary>
    public void MarkDirty(params Tensor[] tensors) => Dirty.AddRange(tensors);

    /// <summary>Declares outputs that have no gradient, such as indices (<c>ctx.mark_non_differentiable</c>).</summary>
    public void MarkNonDifferentiable(params Tensor[] tensors) => NonDifferentiable.AddRange(tensors);

    internal void Freeze(Tensor output)
    {
        _saved = _toSave.Select(t => new SavedTensor(t, "custom Function", ReferenceEquals(t, output))).ToArray();
        _toSave = [];
    }

    internal void Release()
    {
        _released = true;
        if (_saved is not null) foreach (var s in _saved) s.Release();
    }
}

/// <summary>The graph node of a custom <see cref="Function"/>.</summary>
internal sealed class FunctionNode : Node
{
    private readonly Function _fn;
    private readonly FunctionContext _ctx;
    private readonly InputInfo _output;

    internal FunctionNode(Function fn, FunctionContext ctx, InputInfo output) : base(fn.Name, 1)
    {
        _fn = fn;
        _ctx = ctx;
        _output = output;
    }

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0] ?? Tensor.Zeros(_output.Shape, _output.DType, _output.Device);
        var grads = _fn.RunBackward(_ctx, [g]);
        if (grads.Length != NextEdges.Length)
            throw new InvalidOperationException($"function {Name} returned an incorrect number of gradients (expected {NextEdges.Length}, got {grads.Length}).");
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } gi && InputInfos[i] is { } info && !Tensor.IsExpandableTo(info.Shape, gi.Shape.AsSpan()))
                throw new InvalidOperationException($"Function {Name} returned an invalid gradient at index {i} - got {gi.Shape} but expected shape compatible with {Shape.Format(info.Shape)}.");
        return grads;
    }

    internal override void Release() => _ctx.Release();
}
