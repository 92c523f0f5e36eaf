namespace Ember.Jit.Passes;

/// <summary>What the passes need to know about an op beyond its name: whether running it has effects other
/// than defining its outputs, whether it draws random numbers, whether its outputs are fresh memory.</summary>
internal static class OpTraits
{
    // Ops that draw from a generator whenever they run (dropout only in training mode, see IsRandom).
    private static readonly HashSet<string> RandomOps =
    [
        "aten::bernoulli", "aten::bernoulli_", "aten::rand", "aten::randn", "aten::randint", "aten::rand_like", "aten::randn_like",
        "aten::normal", "aten::normal_", "aten::uniform_", "aten::multinomial", "aten::rrelu", "aten::rrelu_", "aten::randperm",
    ];

    // Ops whose outputs are new tensors, never views of (or the same tensor as) an input. Anything not listed may alias.
    private static readonly HashSet<string> FreshOps =
    [
        "aten::conv1d", "aten::conv2d", "aten::linear", "aten::batch_norm", "aten::layer_norm", "aten::add", "aten::sub", "aten::mul",
        "aten::div", "aten::relu", "aten::sigmoid", "aten::tanh", "aten::hardtanh", "aten::max_pool2d", "aten::avg_pool2d",
        "aten::adaptive_avg_pool2d", "aten::matmul", "aten::bmm", "aten::softmax", "aten::log_softmax", "aten::cat", "aten::stack",
        "aten::masked_fill", "aten::sum", "aten::mean", "aten::zeros",
        PointwiseFusion.FusedOp, EpilogueFusion.FusedConv2d, EpilogueFusion.FusedConv1d, EpilogueFusion.FusedLinear,
    ];

    /// <summary>True when the node draws random numbers: two runs give different results, and it advances the generator.</summary>
    internal static bool IsRandom(Node n) =>
        RandomOps.Contains(n.Op)
        || (n.Op.Contains("dropout", StringComparison.Ordinal) && n.Attributes.Contains("train") && n.Attributes["train"] is true && !IsZeroP(n))
        || (n.Op is "aten::lstm" or "aten::gru" or "aten::rnn_tanh" or "aten::rnn_relu" or "aten::rnn" && n.Attributes.Contains("train") && n.Attributes["train"] is true);

    private static bool IsZeroP(Node n) => n.Attributes.Contains("p") && n.Attributes["p"] is double p && p == 0;

    /// <summary>
    /// True when running the node does more than define its outputs: an in-place write, a draw from the
    /// generator, or a batch norm in training mode (which updates its running statistics). Such nodes are
    /// never removed, merged, folded or moved.
    /// </summary>
    internal static bool HasSideEffects(Node n) =>
        n.IsInPlace || IsRandom(n) || (n.Op == "aten::batch_norm" && n.Attributes["training"] is true);

    /// <summary>True when the node's outputs never share memory with its inputs.</summary>
    internal static bool HasFreshOutputs(Node n) => FreshOps.Contains(n.Op);

    /// <summary>How many times each value is read (by nodes, and once more for each time it is a graph output).</summary>
    internal static Dictionary<Value, int> UseCounts(Graph g)
    {
        var uses = new Dictionary<Value, int>(ReferenceEqualityComparer.Instance);
        foreach (var n in g.Nodes)
            foreach (var v in n.Inputs)
                if (v is not null) uses[v] = uses.GetValueOrDefault(v) + 1;
        foreach (var o in g.Outputs) uses[o] = uses.GetValueOrDefault(o) + 1;
        return uses;
    }
}
