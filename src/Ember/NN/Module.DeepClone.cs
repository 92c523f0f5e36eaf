namespace Ember.NN;

public abstract partial class Module
{
    /// <summary>
    /// A copy of this module as Python's <c>copy.deepcopy</c> makes one, for modules the library copies
    /// on the user's behalf (a Transformer layer's activation module, cloned into every layer of a stack
    /// as PyTorch's <c>_get_clones</c> does): every registered submodule, parameter and buffer is copied
    /// (a parameter stays a <see cref="Parameter"/> with its <c>RequiresGrad</c>; one held twice is
    /// copied once and held twice), hooks are carried over, and the module's other fields are copied
    /// as they are (configuration values; a reference-type field other than these is shared).
    /// </summary>
    internal Module DeepClone() => DeepClone(new Dictionary<object, object>(ReferenceEqualityComparer.Instance));

    private Module DeepClone(Dictionary<object, object> memo)
    {
        if (memo.TryGetValue(this, out var done)) return (Module)done;
        var copy = (Module)MemberwiseClone();
        memo[this] = copy;
        foreach (var s in Slots)
        {
            object? value = s.Field.GetValue(this);
            if (value is Module m) s.Field.SetValue(copy, m.DeepClone(memo));
            else if (value is Tensor t) s.Field.SetValue(copy, CopyTensor(t, memo));
        }
        copy._modules = [.. _modules.Select(e => (e.Name, e.Value?.DeepClone(memo)))];
        copy._parameters = [.. _parameters.Select(e => (e.Name, e.Value is null ? null : (Parameter)CopyTensor(e.Value, memo)))];
        copy._buffers = [.. _buffers.Select(e => (e.Name, e.Value is null ? null : CopyTensor(e.Value, memo), e.Persistent))];
        copy._forwardPreHooks = _forwardPreHooks is null ? null : [.. _forwardPreHooks];
        copy._forwardHooks = _forwardHooks is null ? null : [.. _forwardHooks];
        return copy;
    }

    private static Tensor CopyTensor(Tensor t, Dictionary<object, object> memo)
    {
        if (memo.TryGetValue(t, out var done)) return (Tensor)done;
        Tensor copy;
        using (Autograd.NoGrad())
            copy = t is Parameter p ? new Parameter(p.Detach().Clone(), p.RequiresGrad) : t.Detach().Clone().RequiresGrad_(t.RequiresGrad && t.IsLeaf);
        memo[t] = copy;
        return copy;
    }
}
