namespace Ember.Graph;

/// <summary>
/// Runs the backward graph: counts how many gradients each node waits for, then runs nodes as their
/// gradients complete, latest-created first (as PyTorch). It alone reduces a returned gradient to the
/// shape and dtype its input had (un-broadcasting) and sums the gradients that meet at one input.
/// </summary>
internal static class Engine
{
    /// <summary><c>torch.autograd.backward</c>: accumulates into the leaves' <see cref="Tensor.Grad"/>.</summary>
    public static void Backward(Tensor[] outputs, Tensor?[]? gradOutputs, bool keepGraph, bool createGraph)
    {
        var roots = Roots(outputs, gradOutputs, "backward");
        Execute(roots, keepGraph, createGraph, captures: null);
    }

    /// <summary><c>torch.autograd.grad</c>: returns the gradients of <paramref name="inputs"/> without touching any <see cref="Tensor.Grad"/>.</summary>
    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs, bool keepGraph, bool createGraph, bool allowUnused)
    {
        var roots = Roots(outputs, gradOutputs, "grad");
        var captures = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new InvalidOperationException($"grad: one of the differentiated Tensors (input {i}, shape {inputs[i].Shape}) does not require grad.");
            captures[i] = inputs[i].GradientEdge();
        }
        var result = Execute(roots, keepGraph, createGraph, captures)!;
        for (int i = 0; i < result.Length; i++)
            if (result[i] is null && !allowUnused)
                throw new InvalidOperationException(
                    $"grad: one of the differentiated Tensors (input {i}, shape {inputs[i].Shape}) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.");
        return result;
    }

    private static List<(Edge Edge, Tensor Grad)> Roots(Tensor[] outputs, Tensor?[]? gradOutputs, string op)
    {
        if (gradOutputs is not null && gradOutputs.Length != outputs.Length)
            throw new ArgumentException($"{op}: got {gradOutputs.Length} gradients for {outputs.Length} outputs.");
        var roots = new List<(Edge, Tensor)>(outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (!o.RequiresGrad)
                throw new InvalidOperationException($"{op}: element {i} of tensors does not require grad and does not have a grad_fn.");
            var g = gradOutputs?[i];
            if (g is null)
            {
                if (o.Numel() != 1)
                    throw new InvalidOperationException($"{op}: grad can be implicitly created only for scalar outputs; the output has shape {o.Shape}. Pass a gradient of that shape.");
                g = Tensor.OnesLike(o);
            }
            else if (g.Shape != o.Shape)
            {
                throw new ArgumentException($"{op}: mismatch in shape: grad_output[{i}] has a shape of {g.Shape} and output[{i}] has a shape of {o.Shape}.");
            }
            roots.Add((o.GradientEdge(), g));
        }
        return roots;
    }

    private static Tensor?[]? Execute(List<(Edge Edge, Tensor Grad)> roots, bool keepGraph, bool createGraph, Edge[]? captures)
    {
        using var mode = Autograd.SetGradEnabled(createGraph);

        // 1. How many gradients each reachable node waits for.
        var deps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var order = new List<Node>();
        var stack = new Stack<Node>();
        foreach (var (edge, _) in roots)
            if (!deps.ContainsKey(edge.Node!)) { deps[edge.Node!] = 0; stack.Push(edge.Node!); }
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            order.Add(n);
            foreach (var e in n.NextEdges)
            {
                if (e.Node is null) continue;
                if (deps.TryGetValue(e.Node, out int c)) deps[e.Node] = c + 1;
                else { deps[e.Node] = 1; stack.Push(e.Node); }
            }
        }

        // 2. With captures (Autograd.Grad), run only nodes on a path to a captured input.
        HashSet<Node>? needed = captures is null ? null : Needed(order, captures);
        var captured = captures is null ? null : new Tensor?[captures.Length];

        // 3. Seed the input buffers with the root gradients and run nodes as they become ready.
        var buffers = new Dictionary<Node, Tensor?[]>(ReferenceEqualityComparer.Instance);
        var owner = new GradientOwnership();
        foreach (var (edge, grad) in roots) Accumulate(buffers, edge, grad, owner);
        var ready = new PriorityQueue<Node, long>();
        foreach (var (edge, _) in roots)
            if (deps[edge.Node!] == 0 && buffers.ContainsKey(edge.Node!) && !IsQueued(ready, edge.Node!)) ready.Enqueue(edge.Node!, -edge.Node!.SequenceNr);

        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            var grads = buffers.Remove(node, out var b) ? b : new Tensor?[node.NumOutputs];
            // A hook sees (and may keep) the gradient, so from here on nothing is handed over.
            if (node.PreHooks is not null || node.RetainGradHooks is not null) owner.Disable();
            RunHooks(node.PreHooks, grads);
            RunHooks(node.RetainGradHooks, grads);

            if (captures is not null)
                for (int i = 0; i < captures.Length; i++)
                    if (ReferenceEquals(captures[i].Node, node) && grads[captures[i].InputNr] is { } cg)
                        captured![i] = cg;

            bool run = needed is null ? true : needed.Contains(node) && node is not AccumulateGrad;
            if (run && grads.Any(g => g is not null))
            {
                // A leaf's first gradient is adopted instead of copied when only this pass made and holds it.
                var outs = node is AccumulateGrad acc ? acc.Apply(grads, owned: grads[0] is { } g0 && owner.IsOwned(g0)) : node.Apply(grads);
                // A custom Function's backward is user code, which may keep what it returns.
                if (node is FunctionNode) owner.Disable();
                if (!keepGraph) node.Release();
                if (Autograd.IsAnomalyEnabled) Autograd.CheckForNaN(node, outs);
                for (int i = 0; i < node.NextEdges.Length; i++)
                {
                    var e = node.NextEdges[i];
                    if (e.Node is null || i >= outs.Length || outs[i] is null) continue;
                    Accumulate(buffers, e, Conform(node, i, outs[i]!), owner);
                }
            }
            else if (!keepGraph && run) node.Release();

            foreach (var e in node.NextEdges)
            {
                if (e.Node is null) continue;
                if (--deps[e.Node] == 0) ready.Enqueue(e.Node, -e.Node.SequenceNr);
            }
        }
        return captured;
    }

    private static bool IsQueued(PriorityQueue<Node, long> q, Node n) => q.UnorderedItems.Any(x => ReferenceEquals(x.Element, n));

    private static void RunHooks((int OutputNr, Func<Tensor, Tensor?> Hook)[]? hooks, Tensor?[] grads)
    {
        if (hooks is null) return;
        foreach (var (nr, hook) in hooks)
            if (grads[nr] is { } g && hook(g) is { } replaced) grads[nr] = replaced;
    }

    // Nodes from which some captured edge is reachable (including the captured nodes themselves).
    private static HashSet<Node> Needed(List<Node> order, Edge[] captures)
    {
        var needed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var c in captures) if (c.Node is not null) needed.Add(c.Node);
        // `order` is a DFS pre-order: walking it backwards visits children before most parents; iterate to a fixed point.
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var n = order[i];
                if (needed.Contains(n)) continue;
                foreach (var e in n.NextEdges)
                    if (e.Node is not null && needed.Contains(e.Node)) { needed.Add(n); changed = true; break; }
            }
        }
        return needed;
    }

    private static void Accumulate(Dictionary<Node, Tensor?[]> buffers, Edge e, Tensor grad, GradientOwnership owner)
    {
        if (!buffers.TryGetValue(e.Node!, out var buf)) buffers[e.Node!] = buf = new Tensor?[e.Node!.NumOutputs];
        owner.Delivered(grad);
        // Out of place, so a gradient tensor shared with a hook or the caller is never modified.
        if (buf[e.InputNr] is { } prev)
        {
            var sum = Sum(prev, grad);
            owner.Delivered(sum);
            buf[e.InputNr] = sum;
        }
        else buf[e.InputNr] = grad;
    }

    /// <summary>
    /// Which gradients a leaf may adopt as its <c>.grad</c> without a copy: PyTorch steals a gradient
    /// whose only reference is the engine's (its use count), and a copy of each parameter's gradient at
    /// every step is what that saves (16 MB a step in a word-level language model). .NET has no use
    /// count, so the engine proves the same thing: the gradient's storage was created during this pass
    /// (so no saved tensor, caller's tensor or earlier gradient is it or a view of it), it was handed
    /// to exactly one place in the pass (AddBackward hands one tensor to two inputs; a view's backward
    /// hands on its input's storage), it is the whole storage laid out row-major, and no hook or custom
    /// Function saw any gradient in the pass.
    /// </summary>
    private sealed class GradientOwnership
    {
        private readonly long _firstSerial = Storage.LastSerial + 1;
        private readonly Dictionary<Storage, int> _handedOut = new(ReferenceEqualityComparer.Instance);
        private bool _disabled;

        public void Disable() => _disabled = true;

        public void Delivered(Tensor grad)
        {
            if (_disabled || grad.Storage.Serial < _firstSerial) return;
            _handedOut[grad.Storage] = _handedOut.TryGetValue(grad.Storage, out int n) ? n + 1 : 1;
        }

        public bool IsOwned(Tensor grad) =>
            !_disabled && grad.Storage.Serial >= _firstSerial && grad.GradFn is null
            && _handedOut.TryGetValue(grad.Storage, out int n) && n == 1
            && grad.Layout.IsContiguous && grad.Layout.Offset == 0 && grad.Layout.NumElements == grad.Storage.Length;
    }

    /// <summary>
    /// prev + grad. Two gradients laid out alike but not row-major (a transposed weight's, such as an
    /// RNN's W_hhᵀ, gathered over every time step) are added in their own memory order and the sum
    /// keeps that layout: a row-major sum of two column-major operands would walk them element by
    /// element with strides.
    /// </summary>
    private static Tensor Sum(Tensor prev, Tensor grad)
    {
        if (prev.Layout.IsContiguous || grad.Layout.IsContiguous || prev.DType != grad.DType
            || !prev.Shape.AsSpan().SequenceEqual(grad.Shape.AsSpan())
            || !prev.Layout.Strides.AsSpan().SequenceEqual(grad.Layout.Strides.AsSpan()))
            return prev + grad;
        int[] strides = prev.Layout.Strides;
        int[] perm = Enumerable.Range(0, strides.Length).OrderByDescending(d => strides[d]).ToArray();
        var p = prev.Permute(perm);
        if (!p.Layout.IsContiguous) return prev + grad;
        int[] inverse = new int[perm.Length];
        for (int d = 0; d < perm.Length; d++) inverse[perm[d]] = d;
        return (p + grad.Permute(perm)).Permute(inverse);
    }

    /// <summary>Reduces a gradient to the shape its input had (summing broadcast dims) and casts it to that input's dtype.</summary>
    private static Tensor Conform(Node node, int i, Tensor grad)
    {
        var info = node.InputInfos.Length > i ? node.InputInfos[i] : null;
        if (info is null) return grad;
        if (!grad.Shape.AsSpan().SequenceEqual(info.Shape))
        {
            if (!Tensor.IsExpandableTo(info.Shape, grad.Shape.AsSpan()))
                throw new InvalidOperationException(
                    $"Function {node.Name} returned an invalid gradient at index {i} - got {grad.Shape} but expected shape compatible with {Shape.Format(info.Shape)}.");
            grad = grad.SumToSize(info.Shape);
        }
        if (grad.DType != info.DType) grad = grad.To(info.DType);
        return grad;
    }
}
