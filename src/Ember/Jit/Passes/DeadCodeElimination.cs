namespace Ember.Jit.Passes;

/// <summary>
/// Dead-code elimination (TorchScript's <c>EliminateDeadCode</c>): removes nodes whose outputs nothing reads,
/// directly or through other nodes, and that have no side effects. In-place ops, random ops (dropout in
/// training mode) and batch norm in training mode (it updates its running statistics) always stay, with
/// everything they read. Parameters and constants no longer read leave the graph.
/// </summary>
public static class DeadCodeElimination
{
    /// <summary>Returns the graph without its dead nodes, and reports how many it removed.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var live = new HashSet<Value>(graph.Outputs, ReferenceEqualityComparer.Instance);
        var keep = new bool[graph.Nodes.Count];
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var n = graph.Nodes[i];
            if (!OpTraits.HasSideEffects(n) && !n.Outputs.Any(live.Contains)) continue;
            keep[i] = true;
            foreach (var v in n.Inputs) if (v is not null) live.Add(v);
        }
        var b = new GraphBuilder(graph);
        int removed = 0;
        var ops = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (keep[i]) { b.Copy(graph.Nodes[i]); continue; }
            removed++;
            ops[graph.Nodes[i].Op] = ops.GetValueOrDefault(graph.Nodes[i].Op) + 1;
        }
        report.Add("dce", removed == 0 ? "nothing to remove"
            : $"removed {removed} node{(removed == 1 ? "" : "s")} ({string.Join(", ", ops.Select(p => p.Value == 1 ? p.Key : $"{p.Value} x {p.Key}"))})");
        return b.Finish();
    }
}
