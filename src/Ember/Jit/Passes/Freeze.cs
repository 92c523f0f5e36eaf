namespace Ember.Jit.Passes;

/// <summary>
/// Freezing (<c>torch.jit.freeze</c>): every parameter and buffer the graph reads becomes a constant holding a
/// copy of its current value, named by its state-dict key. The frozen graph is a snapshot for inference:
/// training or loading new weights into the module afterwards does not change it (optimise again). Only
/// for graphs traced in eval mode, as in PyTorch; a training graph must keep reading the live parameters.
/// </summary>
public static class Freeze
{
    /// <summary>Returns the graph with its parameters and buffers replaced by copies of <paramref name="state"/>'s tensors (by state-dict key).</summary>
    /// <exception cref="InvalidOperationException">The graph was traced in training mode, or reads a key <paramref name="state"/> lacks.</exception>
    public static Graph Run(Graph graph, IReadOnlyDictionary<string, Tensor> state, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(report);
        if (graph.TracedInTrainingMode)
            throw new InvalidOperationException("Jit.Optimize: freezing needs a graph traced in eval mode (call Eval() before Jit.Trace); a training graph reads the live parameters.");
        var b = new GraphBuilder(graph);
        using (Autograd.NoGrad())
            foreach (var p in graph.Parameters)
            {
                var t = state.TryGetValue(p.Name, out var live) ? live
                    : throw new InvalidOperationException($"Jit.Optimize: the graph reads '{p.Name}', which the module does not have.");
                b.Redirect(p, b.Constant(t.Detach().Clone(), p.Name));
            }
        foreach (var n in graph.Nodes) b.Copy(n);
        report.Add("freeze", $"{graph.Parameters.Count} parameters and buffers copied into constants (a snapshot: later changes to the module do not reach the optimised graph)");
        return b.Finish();
    }
}
