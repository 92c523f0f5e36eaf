namespace Ember.Jit;

/// <summary>
/// Runs a <see cref="Graph"/>: binds inputs, parameters and constants to slots, then calls each node's
/// runner in order. A slot is cleared after its last use so intermediates can be recycled as in eager mode.
/// </summary>
internal sealed class Interpreter
{
    private readonly Graph _graph;
    private readonly int[][] _freeAfter;   // value ids whose last use is node i
    private readonly bool[] _symbolic;     // node i has sizes that depend on a dynamic dim

    internal Interpreter(Graph graph)
    {
        _graph = graph;
        var lastUse = new int[graph.Values.Count];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < graph.Nodes.Count; i++)
            foreach (var v in graph.Nodes[i].Inputs)
                if (v is { Kind: ValueKind.Intermediate or ValueKind.Input }) lastUse[v.Id] = i;
        foreach (var o in graph.Outputs) lastUse[o.Id] = int.MaxValue;
        var free = new List<int>[graph.Nodes.Count];
        for (int id = 0; id < lastUse.Length; id++)
            if (lastUse[id] >= 0 && lastUse[id] < graph.Nodes.Count) (free[lastUse[id]] ??= []).Add(id);
        _freeAfter = free.Select(l => l?.ToArray() ?? []).ToArray();
        _symbolic = graph.Nodes.Select(n => n.Attributes.HasSymbols).ToArray();
    }

    /// <summary>Replays the graph on <paramref name="inputs"/>, reading parameters through <paramref name="parameter"/>.</summary>
    internal Tensor[] Run(Tensor[] inputs, Func<string, Tensor> parameter, string who)
    {
        var symbols = BindSymbols(inputs, who);
        var slots = new Tensor?[_graph.Values.Count];
        for (int i = 0; i < inputs.Length; i++) slots[_graph.Inputs[i].Id] = inputs[i];
        foreach (var p in _graph.Parameters) slots[p.Id] = parameter(p.Name);
        foreach (var c in _graph.Constants) slots[c.Id] = c.ConstantTensor;
        var nodes = _graph.Nodes;
        for (int i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            var args = new Tensor?[n.Inputs.Count];
            for (int j = 0; j < args.Length; j++) args[j] = n.Inputs[j] is { } v ? slots[v.Id] : null;
            var attrs = _symbolic[i] ? n.Attributes.Resolve(symbols!) : n.Attributes;
            var outs = n.Runner(args, attrs);
            if (outs.Length != n.Outputs.Count)
                throw new InvalidOperationException($"{who}: node {n.Op} returned {outs.Length} outputs at replay but {n.Outputs.Count} when traced.");
            for (int j = 0; j < outs.Length; j++) slots[n.Outputs[j].Id] = outs[j];
            foreach (int id in _freeAfter[i]) slots[id] = null;
        }
        var result = new Tensor[_graph.Outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = slots[_graph.Outputs[i].Id]!;
        return result;
    }

    // The values of the dynamic dims, read from the inputs; every input's shape is checked against the trace.
    private Dictionary<string, long>? BindSymbols(Tensor[] inputs, string who)
    {
        if (inputs.Length != _graph.Inputs.Count)
            throw new ArgumentException($"{who}: expected {_graph.Inputs.Count} input(s), as traced, got {inputs.Length}.");
        Dictionary<string, long>? symbols = null;
        foreach (var d in _graph.DynamicDims)
        {
            var t = inputs[d.Input] ?? throw new ArgumentNullException(nameof(inputs), $"{who}: input {d.Input} is null.");
            int dim = d.Dim < 0 ? d.Dim + t.NDim : d.Dim;
            if (dim < 0 || dim >= t.NDim)
                throw new ArgumentException($"{who}: input {d.Input} has shape {t.Shape}, which has no dim {d.Dim} (the dynamic dim '{d.Name}').");
            symbols ??= [];
            long size = t.Layout.Shape[dim];
            if (symbols.TryGetValue(d.Name, out long had) && had != size)
                throw new ArgumentException($"{who}: the dynamic dim '{d.Name}' is {had} in one input and {size} in input {d.Input} (shape {t.Shape}); they must agree.");
            symbols[d.Name] = size;
        }
        for (int i = 0; i < inputs.Length; i++)
        {
            var want = _graph.Inputs[i];
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"{who}: input {i} is null.");
            bool ok = t.DType == want.DType && t.NDim == want.Shape.Length;
            for (int d = 0; ok && d < t.NDim; d++) ok = want.Shape[d].Evaluate(symbols) == t.Layout.Shape[d];
            if (!ok)
                throw new ArgumentException(
                    $"{who}: input {i} is {Value.ScalarTypeName(t.DType)}{t.Shape} but the graph was traced for {want.TypeString}. " +
                    "A traced graph only accepts the traced shapes; mark the dims that vary with dynamicDims when tracing (Jit.Trace(..., dynamicDims: [DynamicDim.Batch])).");
        }
        return symbols;
    }
}
