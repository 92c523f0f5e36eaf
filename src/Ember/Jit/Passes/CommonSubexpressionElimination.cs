namespace Ember.Jit.Passes;

/// <summary>
/// Common-subexpression elimination (TorchScript's <c>EliminateCommonSubexpression</c>): a node with the same op,
/// the same input values and equal attributes as an earlier one is dropped and its outputs read the earlier
/// node's. Never for nodes with side effects (in-place, random, training-mode batch norm). An in-place node
/// may change what an earlier node's inputs hold (through an alias), so nodes before it are not matched
/// with nodes after it.
/// </summary>
public static class CommonSubexpressionElimination
{
    /// <summary>Returns the graph with repeated computations merged, and reports each merge.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var b = new GraphBuilder(graph);
        var seen = new List<(Node Old, Node New)>();
        var scalars = new Dictionary<(DType, string), Value>();
        int merged = 0;
        foreach (var n in graph.Nodes)
        {
            if (OpTraits.HasSideEffects(n))
            {
                if (n.IsInPlace) seen.Clear();
                b.Copy(n);
                continue;
            }
            var inputs = n.Inputs.Select(v => Canonical(b.MapOrNull(v), scalars)).ToArray();
            var match = seen.Find(s => Same(s.New, n.Op, inputs, n.Attributes));
            if (match.New is not null)
            {
                for (int i = 0; i < n.Outputs.Count; i++) b.Redirect(n.Outputs[i], match.New.Outputs[i]);
                merged++;
                report.Add("cse", $"{n.Op} {string.Join(", ", n.Outputs)} is {string.Join(", ", match.Old.Outputs)}");
                continue;
            }
            seen.Add((n, b.Copy(n)));
        }
        if (merged == 0) report.Add("cse", "no repeated computation");
        return b.Finish();
    }

    // Numbers in expressions become one constant each (x * 2 twice makes two); equal ones count as the same input.
    private static Value? Canonical(Value? v, Dictionary<(DType, string), Value> scalars)
    {
        if (v is not { Kind: ValueKind.Constant, ConstantTensor: { NDim: 0 } t }) return v;
        // By the printed value (round-trip format): -0.0 and 0.0 stay apart, large integers stay exact.
        var key = (t.DType, Attributes.Format(t.Item()));
        if (key.Item2.Contains("NaN", StringComparison.Ordinal)) return v;
        return scalars.TryAdd(key, v) ? v : scalars[key];
    }

    private static bool Same(Node a, string op, Value?[] inputs, Attributes attrs)
    {
        if (a.Op != op || a.Inputs.Count != inputs.Length || a.Attributes.Count != attrs.Count) return false;
        for (int i = 0; i < inputs.Length; i++)
            if (!ReferenceEquals(a.Inputs[i], inputs[i])) return false;
        for (int i = 0; i < attrs.Count; i++)
        {
            var (n1, v1) = a.Attributes.Items[i];
            var (n2, v2) = attrs.Items[i];
            if (n1 != n2 || !Attributes.ValueEquals(v1, v2)) return false;
        }
        return true;
    }
}
