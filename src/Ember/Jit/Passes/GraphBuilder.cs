namespace Ember.Jit.Passes;

/// <summary>
/// Builds a new <see cref="Graph"/> from an old one for a pass: nodes are copied (or replaced) in order, old
/// values map to new ones, parameters and constants are carried over on first use (so ones no longer read
/// disappear), and a value can be redirected to another (a removed node's output to its replacement).
/// Passes never mutate the graph they are given: the traced module keeps its own.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly Dictionary<Value, Value> _map = new(ReferenceEqualityComparer.Instance);

    internal GraphBuilder(Graph source)
    {
        Source = source;
        Graph.DynamicDims = source.DynamicDims;
        Graph.TracedInTrainingMode = source.TracedInTrainingMode;
        foreach (var v in source.Inputs) _map[v] = Graph.NewValue(v.Name, ValueKind.Input, v.DType, v.Shape);
    }

    internal Graph Source { get; }

    internal Graph Graph { get; } = new();

    /// <summary>The new value for an old one (parameters and constants are created on first use).</summary>
    internal Value Map(Value old)
    {
        if (_map.TryGetValue(old, out var v)) return v;
        switch (old.Kind)
        {
            case ValueKind.Parameter:
                v = Graph.NewValue(old.Name, ValueKind.Parameter, old.DType, old.Shape);
                break;
            case ValueKind.Constant:
                v = Graph.NewValue(KeepName(old), ValueKind.Constant, old.DType, old.Shape);
                v.ConstantTensor = old.ConstantTensor;
                break;
            default:
                throw new InvalidOperationException($"Jit.Optimize: value {old} ({old.Kind}) is used before it is defined; a pass broke the graph's order.");
        }
        _map[old] = v;
        return v;
    }

    internal Value? MapOrNull(Value? old) => old is null ? null : Map(old);

    /// <summary>From now on, uses of <paramref name="old"/> read <paramref name="replacement"/> (a value of the new graph).</summary>
    internal void Redirect(Value old, Value replacement) => _map[old] = replacement;

    // Numbered names follow the value's position and are renumbered; a state-dict key (a frozen parameter) is kept.
    private static string? KeepName(Value v) => v.Name.All(char.IsAsciiDigit) ? null : v.Name;

    /// <summary>A new constant holding <paramref name="tensor"/>, named (a state-dict key) or numbered.</summary>
    internal Value Constant(Tensor tensor, string? name = null)
    {
        var v = Graph.NewValue(name, ValueKind.Constant, tensor.DType, TraceRecorder.StaticShape(tensor));
        v.ConstantTensor = tensor;
        return v;
    }

    /// <summary>Copies <paramref name="node"/> unchanged (its inputs mapped) and maps its outputs.</summary>
    internal Node Copy(Node node)
    {
        var n = Add(node.Op, node.Inputs.Select(MapOrNull).ToArray(), node.Attributes, node.Runner, node.Outputs);
        for (int i = 0; i < node.Outputs.Count; i++) _map[node.Outputs[i]] = n.Outputs[i];
        return n;
    }

    /// <summary>Adds a node over new-graph inputs whose outputs have the types of <paramref name="like"/> (old values, which are mapped to them).</summary>
    internal Node Add(string op, Value?[] inputs, Attributes attributes, OpRunner runner, IReadOnlyList<Value> like)
    {
        var node = new Node(op, inputs, attributes, runner);
        var outs = new Value[like.Count];
        for (int i = 0; i < outs.Length; i++)
        {
            var v = Graph.NewValue(null, ValueKind.Intermediate, like[i].DType, like[i].Shape);
            v.Producer = node;
            v.OutputIndex = i;
            outs[i] = v;
            _map[like[i]] = v;
        }
        node.Outputs = outs;
        Graph.AddNode(node);
        return node;
    }

    /// <summary>Sets the outputs (the old graph's, mapped) and returns the new graph.</summary>
    internal Graph Finish()
    {
        foreach (var o in Source.Outputs) Graph.AddOutput(Map(o));
        return Graph;
    }
}
