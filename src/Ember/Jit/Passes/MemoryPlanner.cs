namespace Ember.Jit.Passes;

/// <summary>
/// The memory plan (the last step of <see cref="Jit.Optimize"/>): for a frozen inference graph, every float32
/// intermediate that a planned kernel writes (convolutions, linear layers, pointwise programs, max pooling)
/// gets a slot in one arena, and slots whose values are dead are reused by later values (liveness over the
/// node order, with views and ops that may alias extending the life of what they alias). A replay under
/// no-grad then writes into the arena instead of allocating; only the returned outputs are copied out, and
/// ops without a planned kernel run as before. The arena is made per size of the dynamic dims seen.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Reports what the plan would do for the graph at its traced sizes, and returns the plan's node count.</summary>
    internal static MemoryPlan? Plan(Graph graph, OptimizationReport report)
    {
        if (graph.TracedInTrainingMode || graph.Parameters.Count > 0)
        {
            report.Add("memory-plan", "skipped: only frozen eval-mode graphs are planned");
            return null;
        }
        var plan = new MemoryPlan(graph);
        var (planned, total, arena, naive) = plan.Describe();
        report.Add("memory-plan", $"{planned} of {total} nodes write into one arena of {arena / 1024.0:F1} KiB at the traced sizes " +
            $"({naive / 1024.0:F1} KiB if every intermediate had its own buffer)");
        return plan;
    }
}
