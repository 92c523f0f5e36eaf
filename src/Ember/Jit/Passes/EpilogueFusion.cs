namespace Ember.Jit.Passes;

/// <summary>
/// Fuses a convolution or linear layer with the ReLU after it, and a 2-d convolution + ReLU with the max pooling
/// after that, into one node (<c>ember::fused_conv2d</c>, <c>ember::fused_conv1d</c>, <c>ember::fused_linear</c>).
/// The convolution and the GEMM already add the bias in their epilogue; ReLU then runs in place over the fresh
/// output (no new tensor, no separate op), and with pooling it runs after the backend's max-pool kernel over the pooled values
/// (relu and max commute), a quarter of the elements. Results equal the unfused ops' (a zero's sign may differ). Fires
/// only when the layer's output and the ReLU's have no other reader; when a gradient must be recorded the node
/// runs the original ops.
/// </summary>
public static class EpilogueFusion
{
    /// <summary>The fused 2-d convolution's op name.</summary>
    public const string FusedConv2d = "ember::fused_conv2d";
    /// <summary>The fused 1-d convolution's op name.</summary>
    public const string FusedConv1d = "ember::fused_conv1d";
    /// <summary>The fused linear layer's op name.</summary>
    public const string FusedLinear = "ember::fused_linear";

    /// <summary>Returns the graph with layer + ReLU (+ max pooling) fused, and reports each fusion.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var uses = OpTraits.UseCounts(graph);
        var reader = new Dictionary<Value, Node>(ReferenceEqualityComparer.Instance);
        foreach (var n in graph.Nodes)
            foreach (var v in n.Inputs)
                if (v is not null) reader[v] = n;
        Node? OnlyReader(Value v) => uses.GetValueOrDefault(v) == 1 && reader.TryGetValue(v, out var r) ? r : null;

        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count; i++) index[graph.Nodes[i]] = i;
        var inPlaceAt = graph.Nodes.Select((n, i) => (n, i)).Where(p => p.n.IsInPlace).Select(p => p.i).ToArray();
        // The fused node runs where the group's last node ran: no in-place write may come between (it could change the layer's inputs).
        bool NoWriteBetween(Node a, Node b) => !inPlaceAt.Any(i => i > index[a] && i < index[b]);
        var groups = new Dictionary<Node, Node[]>(ReferenceEqualityComparer.Instance);   // last node -> [layer, relu, pool?]
        var consumed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var layer in graph.Nodes)
        {
            if (layer.Op is not ("aten::conv2d" or "aten::conv1d" or "aten::linear") || layer.Outputs[0].DType != DType.Float32) continue;
            if (OnlyReader(layer.Outputs[0]) is not { Op: "aten::relu" or "aten::relu_" } relu || !NoWriteBetween(layer, relu)) continue;
            var group = new List<Node> { layer, relu };
            if (layer.Op == "aten::conv2d" && relu.Outputs[0].Shape.Length == 4
                && OnlyReader(relu.Outputs[0]) is { Op: "aten::max_pool2d" } pool && NoWriteBetween(layer, pool))
                group.Add(pool);
            foreach (var n in group) consumed.Add(n);
            groups[group[^1]] = [.. group];
        }

        var b = new GraphBuilder(graph);
        foreach (var n in graph.Nodes)
        {
            if (groups.TryGetValue(n, out var g)) Emit(b, g, report);
            else if (!consumed.Contains(n)) b.Copy(n);
        }
        if (groups.Count == 0) report.Add("epilogue", "no convolution or linear layer followed by relu");
        return b.Finish();
    }

    private static void Emit(GraphBuilder b, Node[] g, OptimizationReport report)
    {
        var layer = g[0];
        var pool = g.Length == 3 ? g[2] : null;
        string op = layer.Op switch { "aten::conv2d" => FusedConv2d, "aten::conv1d" => FusedConv1d, _ => FusedLinear };
        var attrs = layer.Attributes.Clone().Set("activation", "relu");
        if (pool is not null)
            foreach (var (key, v) in pool.Attributes.Items) attrs.Set("pool_" + key, v);
        var inputs = layer.Inputs.ToArray();
        OpRunner runner = (x, a) => [Run(layer, pool, g, inputs, x, a)];
        b.Add(op, inputs.Select(b.MapOrNull).ToArray(), attrs, runner, g[^1].Outputs);
        string name = layer.Inputs[1]!.Name.LastIndexOf('.') is int i and > 0 ? layer.Inputs[1]!.Name[..i] : layer.Outputs[0].ToString();
        report.Add("epilogue", $"fused {string.Join(" + ", g.Select(n => n.Op["aten::".Length..]))} ({name}) into one node");
    }

    private static Tensor Run(Node layer, Node? pool, Node[] g, Value?[] inputs, Tensor?[] x, Attributes a)
    {
        if (Autograd.IsGradEnabled && x.Any(t => t is { RequiresGrad: true }))
            return PointwiseFusion.Unfused(g, inputs!, x);
        var y = layer.Runner(x, a)[0];
        if (pool is null || !EpilogueKernels.CanPool(y))
        {
            if (pool is not null) y = pool.Runner([y], PoolAttributes(a))[0];
            EpilogueKernels.ReluInPlace(y);
            return y;
        }
        var pa = PoolAttributes(a);
        int[] k = pa.Ints("kernel_size"), s = pa.Ints("stride"), p = pa.Ints("padding"), d = pa.Ints("dilation");
        bool ceil = pa.Bool("ceil_mode");
        var ys = y.Layout.Shape;
        int[] shape = [ys[0], ys[1], EpilogueKernels.PooledSize(ys[2], k[0], p[0], s[0], d[0], ceil), EpilogueKernels.PooledSize(ys[3], k[1], p[1], s[1], d[1], ceil)];
        var pooled = Tensor.Alloc(shape, DType.Float32, Device.Cpu, uninitialized: true);
        var indices = new CpuStorage<long>(DType.Int64, new long[pooled.Layout.NumElements]);
        EpilogueKernels.MaxPool(y, pooled, indices, Layout.Contiguous(shape), EpilogueKernels.Windows(ys, shape, k, s, p, d), relu: true);
        return pooled;
    }

    /// <summary>The max-pool attributes of a fused node (stored with a <c>pool_</c> prefix).</summary>
    internal static Attributes PoolAttributes(Attributes a)
    {
        var r = new Attributes();
        foreach (var (name, v) in a.Items)
            if (name.StartsWith("pool_", StringComparison.Ordinal)) r.Set(name["pool_".Length..], v);
        return r;
    }
}
