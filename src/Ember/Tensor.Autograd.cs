using Ember.Graph;

namespace Ember;

// The autograd surface of a tensor: requires_grad, grad, grad_fn, backward, hooks, detach.
public partial class Tensor
{
    // Most tensors never touch autograd, so its state lives in a side object made on first use.
    // The object is also the tensor's gradient lock (see GradGate): no extra allocation per tensor.
    private sealed class AutogradMeta
    {
        public bool RequiresGradLeaf;
        public Node? GradFn;
        public int OutputNr;
        public long GradFnVersion;   // the storage version when GradFn was set: a view whose base changed since is stale
        public Tensor? Grad;
        public AccumulateGrad? Accumulator;
        public bool RetainsGrad;
    }

    private AutogradMeta? _meta;

    // Made at most once even when two threads first touch a shared leaf together (two forward passes
    // through one module): a second meta would split its gradient and accumulator in two.
    private AutogradMeta Meta => _meta ?? Interlocked.CompareExchange(ref _meta, new AutogradMeta(), null) ?? _meta;

    /// <summary>
    /// The lock held while this tensor's <see cref="Grad"/> is read, added to and written back:
    /// backward passes on several threads accumulate into a shared leaf without losing an addition,
    /// as PyTorch's AccumulateGrad does under its mutex.
    /// </summary>
    internal object GradGate => Meta;

    /// <summary>
    /// True when gradients are computed for this tensor: a leaf the user marked, or the result of an
    /// operation on such tensors while grad mode was on (<c>x.requires_grad</c>). Only leaves can be
    /// set; only floating-point tensors can require gradients.
    /// </summary>
    public bool RequiresGrad
    {
        get => _meta is { } m && (m.RequiresGradLeaf || m.GradFn is not null);
        set
        {
            if (_meta?.GradFn is not null)
                throw new InvalidOperationException(
                    $"requires_grad: you can only change requires_grad flags of leaf variables; this tensor is the output of {_meta.GradFn.Name}. Use Detach() to get a leaf that does not require grad.");
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"requires_grad: only Tensors of floating point dtype can require gradients, got {DType.TorchName()}.");
            if (value || _meta is not null) Meta.RequiresGradLeaf = value;
        }
    }

    /// <summary>Sets <see cref="RequiresGrad"/> in place and returns this tensor (<c>x.requires_grad_()</c>).</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// The accumulated gradient of a leaf after <see cref="Backward"/> (<c>x.grad</c>); null until a
    /// backward pass reaches it. Non-leaf tensors keep one only after <see cref="RetainGrad"/>: reading
    /// a non-leaf's empty gradient without it warns, as in PyTorch (it is usually a mistake).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            var m = _meta;
            if (m is { GradFn: not null, RetainsGrad: false, Grad: null })
                Warnings.Warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be " +
                    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use " +
                    ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf " +
                    "Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.");
            return m?.Grad;
        }
        set
        {
            if (value is not null && value.Shape != Shape)
                throw new ArgumentException($"grad: assigned grad has shape {value.Shape}, but the tensor has shape {Shape}.");
            if (value is null && _meta is null) return;
            var m = Meta;
            lock (m) m.Grad = value;
        }
    }

    /// <summary>The backward node that produced this tensor, or null for a leaf (<c>x.grad_fn</c>).</summary>
    /// <remarks>
    /// For a view whose base was modified in place since the view was made (through another view, or
    /// directly), the history is rebuilt on access as "this region of the base's current history", as
    /// PyTorch regenerates the grad_fn of stale views.
    /// </remarks>
    public Node? GradFn
    {
        get
        {
            var m = _meta;
            if (m?.GradFn is null) return null;
            if (ViewBase is { } b && m.GradFnVersion != Storage.Version && b.RequiresGrad && b.IsContiguous())
            {
                m.GradFn = CopySlices.ReadBack(this, b);
                m.OutputNr = 0;
                m.GradFnVersion = Storage.Version;
            }
            return m.GradFn;
        }
    }

    /// <summary>Which output of <see cref="GradFn"/> this tensor is.</summary>
    internal int OutputNr => _meta?.OutputNr ?? 0;

    /// <summary>True for tensors not produced by a recorded operation (<c>x.is_leaf</c>).</summary>
    public bool IsLeaf => _meta?.GradFn is null;

    /// <summary>True when <see cref="RetainGrad"/> was called on this non-leaf tensor (<c>x.retains_grad</c>).</summary>
    public bool RetainsGrad => _meta?.RetainsGrad ?? false;

    /// <summary>Keeps <see cref="Grad"/> for this non-leaf tensor after backward (<c>x.retain_grad()</c>). A no-op on leaves.</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("retain_grad: can't retain_grad on Tensor that has requires_grad=False.");
        if (IsLeaf) return;
        var m = Meta;
        lock (m)
        {
            if (m.RetainsGrad) return;
            m.RetainsGrad = true;
        }
        var fn = GradFn!;
        Node.AddHook(ref fn.RetainGradHooksField, (OutputNr, g =>
        {
            // Two backward passes through a retained graph may both reach this tensor.
            lock (m) m.Grad = m.Grad is null ? g.Detach().Clone() : (m.Grad + g).Detach();
            return null;
        }));
    }

    /// <summary>
    /// Registers a hook called with this tensor's gradient each time it is computed; a non-null
    /// return value replaces the gradient (<c>x.register_hook(fn)</c>). Dispose the handle to remove it.
    /// </summary>
    public IDisposable RegisterHook(Func<Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad)
            throw new InvalidOperationException("register_hook: cannot register a hook on a tensor that doesn't require gradient.");
        Node node = IsLeaf ? GradAccumulator() : GradFn!;
        var entry = (IsLeaf ? 0 : OutputNr, hook);
        Node.AddHook(ref node.PreHooksField, entry);
        return new HookHandle(() => Node.RemoveHook(ref node.PreHooksField, entry));
    }

    /// <summary>
    /// Registers a hook called with this leaf after each backward pass has added its gradient into
    /// <see cref="Grad"/> (<c>x.register_post_accumulate_grad_hook(fn)</c>, PyTorch 2.1): the moment the
    /// gradient is final for this pass, which is when DistributedDataParallel starts reducing it.
    /// Dispose the handle to remove it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf that requires grad.</exception>
    public IDisposable RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (!RequiresGrad)
            throw new InvalidOperationException("register_post_accumulate_grad_hook: cannot register a hook on a tensor that doesn't require gradient.");
        if (!IsLeaf)
            throw new InvalidOperationException("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be registered on non-leaf tensors.");
        var node = GradAccumulator();
        Update(ref node.PostAccumulateHooks, a => [.. a ?? [], hook]);
        return new HookHandle(() => Update(ref node.PostAccumulateHooks, a => a?.Where(h => h != hook).ToArray() is { Length: > 0 } rest ? rest : null));

        static void Update(ref Action<Tensor>[]? field, Func<Action<Tensor>[]?, Action<Tensor>[]?> change)
        {
            // Lock-free copy-on-write, so a backward pass reading the array never sees it half changed.
            while (true)
            {
                var old = Volatile.Read(ref field);
                if (ReferenceEquals(Interlocked.CompareExchange(ref field, change(old), old), old)) return;
            }
        }
    }

    private sealed class HookHandle(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() { _remove?.Invoke(); _remove = null; }
    }

    /// <summary>The leaf's accumulator node (one per leaf, shared by every use of it).</summary>
    internal AccumulateGrad GradAccumulator()
    {
        // One accumulator per leaf even when threads record their first use of it together, so a hook
        // registered on it sees every thread's gradient.
        var m = Meta;
        return m.Accumulator ?? Interlocked.CompareExchange(ref m.Accumulator, new AccumulateGrad(this), null) ?? m.Accumulator;
    }

    /// <summary>Where this tensor's gradient goes: its producer's output, or its accumulator for a leaf.</summary>
    internal Edge GradientEdge()
    {
        if (GradFn is { } fn) return new Edge(fn, _meta!.OutputNr);
        return RequiresGrad ? new Edge(GradAccumulator(), 0) : default;
    }

    internal void SetGradFn(Node? node, int outputNr)
    {
        if (node is null && _meta is null) return;
        Meta.GradFn = node;
        Meta.OutputNr = outputNr;
        Meta.GradFnVersion = Storage.Version;
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires grad and adds it
    /// into their <see cref="Grad"/> (<c>x.backward()</c>). A non-scalar tensor needs
    /// <paramref name="gradient"/> (the vector in the vector-Jacobian product). The graph is freed
    /// afterwards unless <paramref name="retainGraph"/>; with <paramref name="createGraph"/> the
    /// gradients are themselves recorded, for higher-order derivatives.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false)
    {
        Engine.Backward([this], gradient is null ? null : [gradient], retainGraph ?? createGraph, createGraph);
    }

    /// <summary>A tensor sharing this one's storage but cut from the graph: a leaf that does not require grad (<c>x.detach()</c>).</summary>
    public Tensor Detach() => new(Storage, Layout);

    /// <summary>Cuts this tensor from the graph in place, making it a leaf that does not require grad (<c>x.detach_()</c>).</summary>
    public Tensor Detach_()
    {
        if (_meta is not null) { _meta.GradFn = null; _meta.RequiresGradLeaf = false; _meta.OutputNr = 0; }
        return this;
    }
}
