using Ember.NN;

namespace Ember.Jit;

/// <summary>
/// A module that replays a traced <see cref="Graph"/> (<c>torch.jit.TracedModule</c>): each call runs the
/// recorded ops on the new inputs, without the original module's C# forward. Parameters and buffers are the
/// original module's own objects, read by state-dict key at every call, so training either module trains
/// both, and the state dict has the same keys. Autograd records through a replay as through the eager forward.
/// </summary>
/// <remarks>
/// The graph is fixed to the mode the module was in when traced (dropout and batch norm record their
/// training flag); calling a traced module in the other mode throws, as that would silently run the
/// wrong ops. Re-trace after <c>Train()</c> / <c>Eval()</c> instead.
/// </remarks>
public sealed class TracedModule : Module<Tensor, Tensor>
{
    private readonly Interpreter _interpreter;
    private readonly string _originalName;

    internal TracedModule(Module original, Graph graph) : this(original, graph, null) { }

    /// <summary>A module replaying <paramref name="graph"/>; with no <paramref name="original"/> (a frozen graph) it has no parameters and is named <paramref name="name"/>.</summary>
    internal TracedModule(Module? original, Graph graph, string? name)
    {
        Graph = graph;
        _interpreter = new Interpreter(graph);
        _originalName = name ?? original?.GetType().Name ?? "TracedModule";
        // The original's members under their own names: same state-dict keys, same parameter objects.
        if (original is not null)
        {
            foreach (var (n, child) in original.NamedChildren()) RegisterModule(n, child);
            foreach (var (n, p) in original.OwnParameters()) RegisterParameter(n, p);
            foreach (var (n, b, persistent) in original.OwnBuffers()) RegisterBuffer(n, b, persistent);
        }
        SetTraining(graph.TracedInTrainingMode);
    }

    /// <summary>What <see cref="Jit.Optimize"/> did to make this module; null for a plain trace.</summary>
    public OptimizationReport? OptimizationReport { get; internal set; }

    /// <summary>The arena plan an optimised inference graph replays with under no-grad (see <see cref="Passes.MemoryPlanner"/>).</summary>
    internal Passes.MemoryPlan? Plan { get; set; }

    /// <summary>The recorded graph (<c>traced.graph</c>).</summary>
    public Graph Graph { get; }

    /// <summary>Replays the graph on one input and returns its one output.</summary>
    /// <exception cref="InvalidOperationException">The graph has several inputs or outputs (use <see cref="Run"/>), or the module's mode differs from the traced one.</exception>
    public override Tensor Forward(Tensor input)
    {
        if (Graph.Inputs.Count != 1 || Graph.Outputs.Count != 1)
            throw new InvalidOperationException($"TracedModule: the graph takes {Graph.Inputs.Count} input(s) and returns {Graph.Outputs.Count} output(s); call Run(inputs) instead of Forward.");
        return Run(input)[0];
    }

    /// <summary>Replays the graph on any number of inputs, returning every traced output.</summary>
    /// <exception cref="ArgumentException">The inputs' number, dtypes or static sizes differ from the trace.</exception>
    public Tensor[] Run(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Training != Graph.TracedInTrainingMode)
            throw new InvalidOperationException(
                $"TracedModule: the {_originalName} was traced in {Mode(Graph.TracedInTrainingMode)} mode but is now in {Mode(Training)} mode; " +
                "a trace fixes dropout and batch norm to the traced mode. Trace again in the mode you want to run.");
        if (Plan is { } plan && plan.TryRun(inputs, out var planned)) return planned;
        Dictionary<string, Tensor>? state = null;
        return _interpreter.Run(inputs, name =>
        {
            state ??= NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(NamedBuffers()).ToDictionary(p => p.Item1, p => p.Item2);
            return state.TryGetValue(name, out var t) ? t
                : throw new InvalidOperationException($"TracedModule: the graph reads '{name}', which the module no longer has.");
        }, "TracedModule");
    }

    private static string Mode(bool training) => training ? "training" : "eval";

    /// <summary>The graph, one node a line, as TorchScript's <c>print(traced.graph)</c>.</summary>
    public override string ToString() => Graph.ToString();
}
