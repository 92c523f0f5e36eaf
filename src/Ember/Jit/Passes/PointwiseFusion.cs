namespace Ember.Jit.Passes;

/// <summary>
/// Fuses chains of float32 elementwise ops (add, sub, mul, div by a number, a one-element tensor or a tensor
/// of the same shape; relu, sigmoid, tanh, hardtanh/relu6) into one <c>ember::fused_pointwise</c> node that
/// makes one pass over memory (<see cref="FusedPointwise"/>) instead of one pass and one new tensor per op.
/// A chain follows a value to its only reader; it stops at a value something else reads, a graph output,
/// another broadcast, another dtype, or an in-place op (which could change what a later step reads). An
/// in-place activation (<c>relu_</c>) on a fresh value nothing else reads joins a chain as its out-of-place
/// form. The fused node computes each element with the same float32 operations, so results are unchanged;
/// when a gradient must be recorded, or the tensors are not contiguous float32 CPU tensors, it runs the
/// original ops one by one.
/// </summary>
public static class PointwiseFusion
{
    /// <summary>The fused node's op name.</summary>
    public const string FusedOp = "ember::fused_pointwise";

    /// <summary>Returns the graph with pointwise chains fused, and reports each fusion.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var uses = OpTraits.UseCounts(graph);
        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count; i++) index[graph.Nodes[i]] = i;
        var reader = new Dictionary<Value, Node>(ReferenceEqualityComparer.Instance);
        foreach (var n in graph.Nodes)
            foreach (var v in n.Inputs)
                if (v is not null) reader[v] = n;   // meaningful only for values with one use
        var inPlaceAt = graph.Nodes.Select((n, i) => (n, i)).Where(p => p.n.IsInPlace).Select(p => p.i).ToArray();

        var chainOf = new Dictionary<Node, List<Node>>(ReferenceEqualityComparer.Instance);   // last node -> chain
        var consumed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var start in graph.Nodes)
        {
            if (consumed.Contains(start) || Step(start, null, uses) is null) continue;
            var chain = new List<Node> { start };
            while (true)
            {
                var v = chain[^1].Outputs[0];
                if (uses.GetValueOrDefault(v) != 1 || !reader.TryGetValue(v, out var next)) break;
                if (Step(next, v, uses) is null) break;
                int from = index[chain[^1]], to = index[next];
                if (inPlaceAt.Any(i => i > from && i < to)) break;
                chain.Add(next);
            }
            if (chain.Count < 2) continue;
            foreach (var n in chain) consumed.Add(n);
            chainOf[chain[^1]] = chain;
        }

        var b = new GraphBuilder(graph);
        foreach (var n in graph.Nodes)
        {
            if (chainOf.TryGetValue(n, out var chain)) Emit(b, chain, uses, report);
            else if (!consumed.Contains(n)) b.Copy(n);
        }
        if (chainOf.Count == 0) report.Add("pointwise", "no chain of two or more elementwise ops");
        return b.Finish();
    }

    // The step a node contributes when its input `acc` is the running value (null: as the first step); null if it cannot join.
    private static (PointwiseOp Op, Value?[] Operands, float Lo, float Hi)? Step(Node n, Value? acc, Dictionary<Value, int> uses)
    {
        var outV = n.Outputs.Count == 1 ? n.Outputs[0] : null;
        if (outV is null || outV.DType != DType.Float32) return null;
        PointwiseOp op;
        float lo = 0, hi = 0;
        switch (n.Op)
        {
            case "aten::add" or "aten::sub" or "aten::add_" when n.Attributes["alpha"] is null || (n.Attributes["alpha"] is Scalar alpha && alpha.ToDouble() == 1):
                op = n.Op == "aten::sub" ? PointwiseOp.Sub : PointwiseOp.Add; break;
            case "aten::mul": op = PointwiseOp.Mul; break;
            case "aten::div" when n.Attributes["rounding_mode"] is null: op = PointwiseOp.Div; break;
            case "aten::relu" or "aten::relu_": op = PointwiseOp.Relu; break;
            case "aten::sigmoid": op = PointwiseOp.Sigmoid; break;
            case "aten::tanh": op = PointwiseOp.Tanh; break;
            case "aten::hardtanh" or "aten::hardtanh_":
                op = PointwiseOp.Hardtanh; lo = (float)n.Attributes.Double("min_val"); hi = (float)n.Attributes.Double("max_val"); break;
            default: return null;
        }
        // An in-place op joins only as its out-of-place form: it must write a fresh value nothing else reads.
        if (n.IsInPlace && !(n.Inputs[0] is { Kind: ValueKind.Intermediate, Producer: { } p } x
                && uses.GetValueOrDefault(x) == 1 && !p.IsInPlace && OpTraits.HasFreshOutputs(p)))
            return null;
        bool sawAcc = false;
        foreach (var v in n.Inputs)
        {
            if (v is null) return null;
            if (acc is not null && ReferenceEquals(v, acc)) { sawAcc = true; continue; }
            if (!(IsNumber(v) || (v.DType == DType.Float32 && (IsOneElement(v) || v.Shape.AsSpan().SequenceEqual(outV.Shape))))) return null;
        }
        if (acc is not null && !sawAcc) return null;
        if (acc is null && n.Inputs.All(v => IsNumber(v!) || IsOneElement(v!))) return null;   // nothing full-size to run over
        return (op, n.Inputs.ToArray(), lo, hi);
    }

    private static bool IsNumber(Value v) => v is { Kind: ValueKind.Constant, ConstantTensor: { NDim: 0 } t } && t.DType != DType.Bool;

    private static bool IsOneElement(Value v) => v.Shape.All(s => s.IsStatic) && v.Shape.Aggregate(1L, (a, s) => a * s.Constant) == 1;

    /// <summary>The program of a chain (each node's running-value input is the previous node's output) and the values it reads, in operand order; null if a node cannot join.</summary>
    internal static (FusedPointwise Program, Value[] Inputs)? Program(IReadOnlyList<Node> chain, Dictionary<Value, int> uses)
    {
        var external = new List<Value>();
        var steps = new PointwiseStep[chain.Count];
        Value? acc = null;
        for (int i = 0; i < chain.Count; i++)
        {
            var step = Step(chain[i], acc, uses);
            if (step is null) return null;
            var (op, operands, lo, hi) = step.Value;
            var ops = operands.Select(v => Operand(v!, acc, external)).ToArray();
            steps[i] = new PointwiseStep(op, ops[0], ops.Length > 1 ? ops[1] : default, lo, hi);
            acc = chain[i].Outputs[0];
        }
        return (new FusedPointwise(steps, external.Count), external.ToArray());
    }

    /// <summary>The program of a fused node made by this pass (for the memory plan).</summary>
    internal static FusedPointwise? ProgramOf(Node n) => Programs.TryGetValue(n, out var p) ? p : null;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Node, FusedPointwise> Programs = [];

    private static void Emit(GraphBuilder b, List<Node> chain, Dictionary<Value, int> uses, OptimizationReport report)
    {
        var (program, inputs) = Program(chain, uses)!.Value;
        var originals = chain.ToArray();
        OpRunner runner = (x, _) => [program.TryRun(x) ?? Unfused(originals, inputs, x)];
        var node = b.Add(FusedOp, inputs.Select(b.Map).ToArray(), new Attributes().Set("ops", program.ToString()), runner, chain[^1].Outputs);
        Programs.Add(node, program);
        report.Add("pointwise", $"fused {string.Join(" + ", chain.Select(n => n.Op["aten::".Length..]))} into one pass ({program})");
    }

    private static Operand Operand(Value v, Value? acc, List<Value> external)
    {
        if (acc is not null && ReferenceEquals(v, acc)) return Passes.Operand.Acc;
        if (IsNumber(v)) return new Operand(OperandKind.Number, Value: (float)v.ConstantTensor!.Item().ToDouble());
        int k = external.FindIndex(e => ReferenceEquals(e, v));
        if (k < 0) { external.Add(v); k = external.Count - 1; }
        return new Operand(IsOneElement(v) ? OperandKind.Scalar : OperandKind.Full, k);
    }

    /// <summary>The chain run op by op, as traced: for gradients, other dtypes or layouts the fused kernel does not take.</summary>
    internal static Tensor Unfused(Node[] chain, Value?[] inputs, Tensor?[] args)
    {
        var env = new Dictionary<Value, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { } v) env[v] = args[i]!;
        Tensor last = null!;
        foreach (var n in chain)
        {
            var a = n.Inputs.Select(v => v is null ? null : env.TryGetValue(v, out var t) ? t : v.ConstantTensor).ToArray();
            // The in-place forms ran on a fresh value nothing else read; running them in place is equally right.
            last = n.Runner(a, n.Attributes)[0];
            env[n.Outputs[0]] = last;
        }
        return last;
    }
}
