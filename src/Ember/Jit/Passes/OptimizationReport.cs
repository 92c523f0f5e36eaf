namespace Ember.Jit;

/// <summary>
/// What <see cref="Jit.Optimize"/> did, pass by pass: one line per change or per pass that found nothing
/// (<c>dce: removed 3 nodes</c>, <c>bn-fold: folded batch_norm %12 into conv2d %11</c>), in the order the passes ran.
/// </summary>
public sealed class OptimizationReport
{
    private readonly List<(string Pass, string Message)> _entries = [];

    /// <summary>The entries in order: the pass's short name and what it did.</summary>
    public IReadOnlyList<(string Pass, string Message)> Entries => _entries;

    /// <summary>The node count before the passes ran.</summary>
    public int NodesBefore { get; internal set; }

    /// <summary>The node count after the passes ran.</summary>
    public int NodesAfter { get; internal set; }

    /// <summary>Records what a pass did.</summary>
    public void Add(string pass, string message) => _entries.Add((pass, message));

    /// <summary>The messages of one pass.</summary>
    public IEnumerable<string> Of(string pass) => _entries.Where(e => e.Pass == pass).Select(e => e.Message);

    /// <summary>One entry a line, <c>pass: message</c>, then the node counts.</summary>
    public override string ToString() =>
        string.Join("\n", _entries.Select(e => $"{e.Pass}: {e.Message}")) + $"\nnodes: {NodesBefore} -> {NodesAfter}";
}
