using Ember.Jit.Passes;

namespace Ember.Jit;

public static partial class Jit
{
    /// <summary>
    /// Optimises a traced module for inference (<c>torch.jit.freeze</c> followed by
    /// <c>torch.jit.optimize_for_inference</c>) and returns a new module; the original trace is unchanged.
    /// For a graph traced in eval mode the parameters and buffers are first frozen into constants — the
    /// result is a snapshot: training the module or loading weights afterwards does not reach it (optimise
    /// again). Then, in order: dead-code elimination, constant folding, common-subexpression elimination,
    /// batch norm folded into the convolution or linear layer before it, dead-code elimination again,
    /// conv/linear + ReLU (+ max pool) fused, chains of elementwise ops fused, and a memory plan that lets a
    /// replay under no-grad write its intermediates into one reused arena. A graph traced in training mode
    /// keeps reading the live parameters and gets only the passes that keep training semantics (no
    /// freezing, batch norm folding or memory plan). The result's <see cref="TracedModule.OptimizationReport"/>
    /// lists what each pass did. See docs/graph-mode.md, "Optimising a trace".
    /// </summary>
    /// <param name="traced">A module from <see cref="Trace(NN.Module{Tensor, Tensor}, Tensor, IEnumerable{Tensor}?, IReadOnlyList{DynamicDim}?)"/>.</param>
    /// <exception cref="InvalidOperationException">The module's mode differs from the traced one.</exception>
    public static TracedModule Optimize(TracedModule traced)
    {
        ArgumentNullException.ThrowIfNull(traced);
        var graph = traced.Graph;
        if (traced.Training != graph.TracedInTrainingMode)
            throw new InvalidOperationException(
                $"Jit.Optimize: the module was traced in {(graph.TracedInTrainingMode ? "training" : "eval")} mode but is now in {(traced.Training ? "training" : "eval")} mode; trace again in the mode you want to run.");
        var report = new OptimizationReport { NodesBefore = graph.Nodes.Count };
        bool frozen = !graph.TracedInTrainingMode;
        if (frozen)
        {
            var state = traced.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(traced.NamedBuffers())
                .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2);
            graph = Freeze.Run(graph, state, report);
        }
        else report.Add("freeze", "skipped: traced in training mode, so the graph keeps reading the live parameters");
        graph = DeadCodeElimination.Run(graph, report);
        graph = ConstantFolding.Run(graph, report);
        graph = CommonSubexpressionElimination.Run(graph, report);
        if (frozen) graph = BatchNormFolding.Run(graph, report);
        graph = DeadCodeElimination.Run(graph, report);
        graph = EpilogueFusion.Run(graph, report);
        graph = PointwiseFusion.Run(graph, report);
        report.NodesAfter = graph.Nodes.Count;
        var result = frozen ? new TracedModule(null, graph, "optimised " + traced.GetType().Name) : new TracedModule(traced, graph, null);
        result.Plan = frozen ? MemoryPlanner.Plan(graph, report) : null;
        if (!frozen) report.Add("memory-plan", "skipped: a training graph's intermediates are kept by autograd");
        result.OptimizationReport = report;
        return result;
    }
}
