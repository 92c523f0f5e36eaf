namespace Ember.Graph;

/// <summary>
/// One row of the derivative table: the node name PyTorch gives the op's backward, and the formula,
/// written with ordinary tensor operations so it runs on any device and, under
/// <c>createGraph</c>, is itself differentiable. The formula returns one gradient per recorded input
/// (null where the input needs none). Gradients come back in the output's shape; the engine alone
/// reduces them to each input's shape and dtype, so no formula un-broadcasts.
/// </summary>
internal sealed class Rule(string name, Func<BackwardContext, Tensor[], Tensor?[]> backward)
{
    public string Name { get; } = name;
    public Func<BackwardContext, Tensor[], Tensor?[]> Backward { get; } = backward;

    public override string ToString() => Name;
}

/// <summary>What a formula can read: the tensors saved at forward time (version-checked), any non-tensor state, the inputs' shapes and which inputs need a gradient.</summary>
internal readonly struct BackwardContext
{
    private readonly RuleNode _node;

    internal BackwardContext(RuleNode node) { _node = node; }

    /// <summary>The i-th saved tensor; throws if it was freed or modified in place since.</summary>
    public Tensor Saved(int i) => _node.UnpackSaved(i);

    /// <summary>The non-tensor state recorded with the node (dims, sizes, scalars).</summary>
    public T State<T>() => (T)_node.State!;

    /// <summary>The shape input <paramref name="i"/> had at forward time.</summary>
    public int[] InputShape(int i) => Info(i).Shape;

    /// <summary>The dtype input <paramref name="i"/> had at forward time.</summary>
    public DType InputDType(int i) => Info(i).DType;

    private InputInfo Info(int i) => _node.InputInfos[i]
        ?? throw new InvalidOperationException($"{_node.Name}: input {i} was recorded as null, so it has no shape or dtype.");

    /// <summary>True when input <paramref name="i"/> needs a gradient (others may return null).</summary>
    public bool NeedsGrad(int i) => _node.NextEdges[i].IsValid;
}

/// <summary>A node computed by a <see cref="Rule"/>.</summary>
internal sealed class RuleNode : Node
{
    private SavedTensor[]? _saved;
    private readonly InputInfo[] _outputs;
    private bool _released;

    internal RuleNode(Rule rule, InputInfo[] outputs) : base(rule.Name, outputs.Length)
    {
        Rule = rule;
        _outputs = outputs;
    }

    public Rule Rule { get; }
    internal object? State { get; set; }

    /// <summary>True once a backward pass without retainGraph has freed what the node saved.</summary>
    internal bool IsReleased => _released;

    internal void Save(ReadOnlySpan<Tensor> tensors, Tensor[] outputs, ReadOnlySpan<long?> versions = default)
    {
        if (tensors.IsEmpty) return;
        _saved = new SavedTensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
            _saved[i] = new SavedTensor(tensors[i], Name, Array.IndexOf(outputs, tensors[i]) >= 0, versions.IsEmpty ? null : versions[i]);
    }

    internal Tensor UnpackSaved(int i)
    {
        if (_released) throw new InvalidOperationException(Autograd.FreedGraphMessage);
        return _saved![i].Unpack();
    }

    internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        if (_released && _saved is not null) throw new InvalidOperationException(Autograd.FreedGraphMessage);
        // Formulas see every output gradient; an output that received none contributes zeros.
        var grads = new Tensor[gradOutputs.Length];
        for (int i = 0; i < grads.Length; i++)
            grads[i] = gradOutputs[i] ?? Tensor.Zeros(_outputs[i].Shape, _outputs[i].DType, _outputs[i].Device);
        return Rule.Backward(new BackwardContext(this), grads);
    }

    internal override void Release()
    {
        _released = true;
        if (_saved is not null) foreach (var s in _saved) s.Release();
        State = null;
    }
}
