namespace Ember.Graph;

/// <summary>
/// The node at the end of every path: it adds the incoming gradient into a leaf tensor's
/// <see cref="Tensor.Grad"/> (so gradients accumulate across backward calls, as in PyTorch).
/// </summary>
internal sealed class AccumulateGrad : Node
{
    internal AccumulateGrad(Tensor leaf) : base("AccumulateGrad", 1)
    {
        Leaf = leaf;
    }

    public Tensor Leaf { get; }

    /// <summary>
    /// Hooks run after the gradient has been added into <see cref="Tensor.Grad"/>
    /// (<c>register_post_accumulate_grad_hook</c>); an immutable array replaced whole, as <see cref="Node.PreHooksField"/>.
    /// </summary>
    internal Action<Tensor>[]? PostAccumulateHooks;

    internal override Tensor?[] Apply(Tensor?[] gradOutputs) => Apply(gradOutputs, owned: false);

    /// <summary>
    /// Adds the gradient into the leaf's <c>.grad</c>. <paramref name="owned"/>: the engine proved that
    /// nothing else holds the gradient's storage, so a first gradient is adopted instead of copied.
    /// </summary>
    internal Tensor?[] Apply(Tensor?[] gradOutputs, bool owned)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        // Backward passes on other threads may reach this leaf at the same moment: the read, the
        // addition and the write-back are one step, or one of two additions is lost. Uncontended,
        // the lock costs next to nothing against the addition it guards.
        lock (Leaf.GradGate) Accumulate(g, owned);
        if (Volatile.Read(ref PostAccumulateHooks) is { } hooks)
            foreach (var h in hooks) h(Leaf);
        return [];
    }

    private void Accumulate(Tensor g, bool owned)
    {
        var current = Leaf.Grad;
        if (Autograd.IsGradEnabled)
        {
            // createGraph: keep the gradient's own graph so it can be differentiated again.
            Leaf.Grad = current is null ? g : current + g;
        }
        else if (current is null)
        {
            // The incoming tensor may be shared with other parts of the graph or the caller: own a copy,
            // unless the engine proved it is this pass's alone. The leaf's own layout must be row-major
            // too, as the copy would be.
            Leaf.Grad = owned && Leaf.Layout.IsContiguous && g.DType == Leaf.DType ? g.Detach() : g.Detach().Clone();
        }
        else if (current.GradFn is null && current.Shape == g.Shape)
        {
            current.Add_(g.Detach());
        }
        else
        {
            Leaf.Grad = (current + g).Detach();
        }
    }
}
