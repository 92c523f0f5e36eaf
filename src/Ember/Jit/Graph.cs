using System.Text;

namespace Ember.Jit;

/// <summary>
/// A static graph of tensor ops recorded by <see cref="Jit.Trace(NN.Module{Tensor, Tensor}, Tensor, IEnumerable{Tensor}?, IReadOnlyList{DynamicDim}?)"/>
/// (TorchScript's <c>Graph</c>): the traced inputs, the module's parameters and buffers it reads (named by
/// state-dict key), constants, the nodes in execution order, and the outputs. Every value is assigned once;
/// in-place ops define a new value that aliases their first input.
/// </summary>
public sealed class Graph
{
    private readonly List<Value> _values = [];
    private readonly List<Node> _nodes = [];
    private readonly List<Value> _inputs = [];
    private readonly List<Value> _parameters = [];
    private readonly List<Value> _constants = [];
    private readonly List<Value> _outputs = [];

    internal Graph() { }

    /// <summary>Every value, indexed by <see cref="Value.Id"/>.</summary>
    public IReadOnlyList<Value> Values => _values;

    /// <summary>The nodes in the order they ran.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The traced inputs, in call order.</summary>
    public IReadOnlyList<Value> Inputs => _inputs;

    /// <summary>The parameters and buffers the graph reads, by state-dict key (<see cref="Value.Name"/>), in order of first use.</summary>
    public IReadOnlyList<Value> Parameters => _parameters;

    /// <summary>Tensors fixed at trace time.</summary>
    public IReadOnlyList<Value> Constants => _constants;

    /// <summary>The values the forward returned.</summary>
    public IReadOnlyList<Value> Outputs => _outputs;

    /// <summary>The names of the dynamic dimensions, with the (input, dim) pairs that give their values.</summary>
    public IReadOnlyList<DynamicDim> DynamicDims { get; internal set; } = [];

    /// <summary>Whether the module was in training mode when traced (dropout and batch norm ops record it too).</summary>
    public bool TracedInTrainingMode { get; internal set; }

    internal Value NewValue(string? name, ValueKind kind, DType dtype, SymInt[] shape)
    {
        var v = new Value(_values.Count, name ?? _values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), kind, dtype, shape);
        _values.Add(v);
        switch (kind)
        {
            case ValueKind.Input: _inputs.Add(v); break;
            case ValueKind.Parameter: _parameters.Add(v); break;
            case ValueKind.Constant: _constants.Add(v); break;
        }
        return v;
    }

    internal void AddNode(Node n) => _nodes.Add(n);

    internal void AddOutput(Value v) => _outputs.Add(v);

    /// <summary>
    /// The graph as TorchScript's <c>.graph</c> prints it: a header with the inputs (traced inputs, then
    /// parameters), constants, one node a line, and the returned values.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var heads = _inputs.Concat(_parameters).Select(v => $"{v} : {v.TypeString}").ToArray();
        sb.Append("graph(").Append(string.Join(",\n      ", heads)).Append("):\n");
        foreach (var c in _constants)
            sb.Append("  ").Append(c).Append(" : ").Append(c.TypeString).Append(" = prim::Constant[value=").Append(ConstantText(c)).Append("]()\n");
        foreach (var n in _nodes) sb.Append("  ").Append(n).Append('\n');
        sb.Append("  return (").Append(string.Join(", ", _outputs)).Append(")\n");
        return sb.ToString();
    }

    private static string ConstantText(Value c)
    {
        var t = c.ConstantTensor!;
        if (t.Numel() == 1 && t.NDim == 0) return Attributes.Format(t.Item());
        return $"<Tensor {Ember.Shape.Format(t.Layout.Shape)}>";
    }
}
