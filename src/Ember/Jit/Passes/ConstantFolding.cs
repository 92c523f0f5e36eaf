namespace Ember.Jit.Passes;

/// <summary>
/// Constant folding (TorchScript's <c>ConstantPropagation</c>): a node whose inputs are all constants is run once,
/// now, and its outputs become constants. Parameters are not constants (training changes them) unless the graph
/// was frozen. Not folded: nodes with side effects, nodes with sizes that follow a dynamic dim, and nodes whose
/// output is later written in place (directly or through a view), since a constant must never change.
/// </summary>
public static class ConstantFolding
{
    /// <summary>Returns the graph with constant subexpressions evaluated, and reports each fold.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var written = WrittenInPlace(graph);
        var b = new GraphBuilder(graph);
        var isConst = new HashSet<Value>(graph.Constants, ReferenceEqualityComparer.Instance);
        int folded = 0;
        foreach (var n in graph.Nodes)
        {
            bool foldable = !OpTraits.HasSideEffects(n) && !n.Attributes.HasSymbols
                && n.Inputs.All(v => v is null || isConst.Contains(v))
                && n.Outputs.All(o => !written.Contains(o) && o.Shape.All(s => s.IsStatic));
            if (!foldable) { b.Copy(n); continue; }
            var args = n.Inputs.Select(v => v is null ? null : b.Map(v).ConstantTensor).ToArray();
            Tensor[] outs;
            using (Autograd.NoGrad()) outs = n.Runner(args, n.Attributes);
            for (int i = 0; i < outs.Length; i++)
            {
                b.Redirect(n.Outputs[i], b.Constant(outs[i]));
                isConst.Add(n.Outputs[i]);
            }
            folded++;
            report.Add("const-fold", $"{n.Op} -> constant {string.Join(", ", n.Outputs.Select(o => o.TypeString))}");
        }
        if (folded == 0) report.Add("const-fold", "no node with only constant inputs");
        return b.Finish();
    }

    /// <summary>The values an in-place node writes: its first input and every value that input is a view of (through ops that may alias).</summary>
    internal static HashSet<Value> WrittenInPlace(Graph graph)
    {
        var written = new HashSet<Value>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Value>();
        foreach (var n in graph.Nodes)
            if (n.IsInPlace && n.Inputs.Count > 0 && n.Inputs[0] is { } target) stack.Push(target);
        while (stack.TryPop(out var v))
        {
            if (!written.Add(v)) continue;
            if (v.Producer is { } p && (p.IsInPlace || !OpTraits.HasFreshOutputs(p)))
                foreach (var i in p.Inputs) if (i is not null) stack.Push(i);
        }
        return written;
    }
}
