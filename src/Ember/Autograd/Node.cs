using System.Diagnostics;

namespace Ember.Graph;

/// <summary>Where a gradient goes next: the node that produced an input, and which of its outputs that input was.</summary>
internal readonly record struct Edge(Node? Node, int InputNr)
{
    public bool IsValid => Node is not null;
}

/// <summary>What a node's backward must return for one input: shape, dtype and device the gradient is reduced and cast to.</summary>
internal sealed record InputInfo(int[] Shape, DType DType, Device Device);

/// <summary>
/// A node of the backward graph (PyTorch's <c>grad_fn</c>): it takes the gradients of its forward
/// outputs and returns the gradients of its forward inputs. Nodes are recorded as operations run and
/// released after the backward pass that uses them, unless the graph is retained.
/// </summary>
[DebuggerDisplay("{Name}")]
public abstract class Node
{
    private static long s_nextSequenceNr;

    internal Node(string name, int numOutputs)
    {
        Name = name;
        NumOutputs = numOutputs;
        SequenceNr = Interlocked.Increment(ref s_nextSequenceNr);
        if (Autograd.IsAnomalyEnabled) CreationTrace = CallerTrace();
    }

    /// <summary>
    /// The stack from the op that created the node: the frames of node constructors are dropped by what
    /// they are, not by a fixed count, since Ember is built optimised and tiered compilation inlines the
    /// constructor chain into the op once it is hot (a fixed skip of two frames then dropped the op and
    /// its caller instead).
    /// </summary>
    private static string CallerTrace()
    {
        var frames = new StackTrace(1, true).GetFrames();
        int first = 0;
        while (first < frames.Length && IsNodeConstructor(frames[first])) first++;
        return new StackTrace(frames[first..]).ToString();
    }

    private static readonly string[] NodeTypeNames = ["Ember.Graph.Node", "Ember.Graph.RuleNode", "Ember.FunctionNode", "Ember.Graph.AccumulateGrad", "Ember.Graph.CopySlices"];

    private static bool IsNodeConstructor(StackFrame frame)
    {
        var m = DiagnosticMethodInfo.Create(frame);
        return m is { Name: ".ctor" } && m.DeclaringTypeName is { } t && (Array.IndexOf(NodeTypeNames, t) >= 0 || t.StartsWith("Ember.Graph.CopySlices+", StringComparison.Ordinal));
    }

    /// <summary>The node's name, as PyTorch's (<c>MulBackward0</c>, <c>AccumulateGrad</c>).</summary>
    public string Name { get; }

    /// <summary>The nodes the gradients of this node's inputs flow to, with the input number there (<c>grad_fn.next_functions</c>).</summary>
    public IReadOnlyList<(Node? Node, int InputNr)> NextFunctions => NextEdges.Select(e => (e.Node, e.InputNr)).ToArray();

    internal Edge[] NextEdges { get; set; } = [];
    internal InputInfo?[] InputInfos { get; set; } = [];
    internal int NumOutputs { get; }

    /// <summary>Creation order: the engine runs later nodes first, as PyTorch does.</summary>
    internal long SequenceNr { get; }

    /// <summary>The C# stack trace of the forward operation, kept only under <see cref="Autograd.DetectAnomaly"/>.</summary>
    internal string? CreationTrace { get; }

    /// <summary>Hooks on the gradient of one of this node's outputs (tensor hooks and RetainGrad of non-leaf tensors).</summary>
    /// <remarks>
    /// Hook lists are immutable arrays replaced whole (<see cref="AddHook"/>): a backward pass on one
    /// thread reads a snapshot while another thread registers or removes a hook, without a lock or a copy.
    /// </remarks>
    internal (int OutputNr, Func<Tensor, Tensor?> Hook)[]? PreHooksField;

    /// <summary>RetainGrad's bookkeeping; runs after <see cref="PreHooks"/> so it sees the gradient they produce, as in PyTorch.</summary>
    internal (int OutputNr, Func<Tensor, Tensor?> Hook)[]? RetainGradHooksField;

    /// <summary>A snapshot of <see cref="PreHooksField"/>.</summary>
    internal (int OutputNr, Func<Tensor, Tensor?> Hook)[]? PreHooks => Volatile.Read(ref PreHooksField);

    /// <summary>A snapshot of <see cref="RetainGradHooksField"/>.</summary>
    internal (int OutputNr, Func<Tensor, Tensor?> Hook)[]? RetainGradHooks => Volatile.Read(ref RetainGradHooksField);

    /// <summary>Appends a hook to a hook list, safely against other threads doing the same.</summary>
    internal static void AddHook(ref (int OutputNr, Func<Tensor, Tensor?> Hook)[]? list, (int OutputNr, Func<Tensor, Tensor?> Hook) hook)
    {
        while (true)
        {
            var old = Volatile.Read(ref list);
            (int, Func<Tensor, Tensor?>)[] updated = old is null ? [hook] : [.. old, hook];
            if (ReferenceEquals(Interlocked.CompareExchange(ref list, updated, old), old)) return;
        }
    }

    /// <summary>Removes the first occurrence of a hook from a hook list (a no-op when absent).</summary>
    internal static void RemoveHook(ref (int OutputNr, Func<Tensor, Tensor?> Hook)[]? list, (int OutputNr, Func<Tensor, Tensor?> Hook) hook)
    {
        while (true)
        {
            var old = Volatile.Read(ref list);
            int at = old is null ? -1 : Array.IndexOf(old, hook);
            if (at < 0) return;
            var updated = old!.Length == 1 ? null : old.Where((_, i) => i != at).ToArray();
            if (ReferenceEquals(Interlocked.CompareExchange(ref list, updated, old), old)) return;
        }
    }

    /// <summary>Gradients of the inputs, given gradients of the outputs (null where an output got none).</summary>
    internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>Frees what the node saved for backward; a later Apply then throws.</summary>
    internal virtual void Release() { }

    /// <summary>The name as <c>&lt;MulBackward0&gt;</c> prints in PyTorch.</summary>
    public override string ToString() => $"<{Name}>";
}
