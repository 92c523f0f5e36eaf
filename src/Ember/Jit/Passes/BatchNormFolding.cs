namespace Ember.Jit.Passes;

/// <summary>
/// Folds an eval-mode batch norm into the convolution or linear layer before it (PyTorch's
/// <c>fuse_conv_bn_eval</c>, which <c>torch.jit.freeze</c> applies): with s = γ / √(running_var + ε),
/// the layer's weight becomes <c>w · s</c> (per output channel) and its bias <c>(b − running_mean) · s + β</c>,
/// computed in float64 and rounded once to the weight's dtype. It fires only when the batch norm is in eval
/// mode, every tensor involved is a constant (the graph was frozen), and the layer's output has no other
/// reader and is not a graph output. The result differs from the unfolded graph by rounding only.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Returns the graph with foldable batch norms folded, and reports each fold.</summary>
    public static Graph Run(Graph graph, OptimizationReport report)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(report);
        var uses = OpTraits.UseCounts(graph);
        var fold = new Dictionary<Node, Node>(ReferenceEqualityComparer.Instance);   // layer -> its batch norm
        foreach (var bn in graph.Nodes)
            if (Foldable(bn, uses, out var why) is { } layer) fold[layer] = bn;
            else if (why is not null) report.Add("bn-fold", why);
        var b = new GraphBuilder(graph);
        foreach (var n in graph.Nodes)
        {
            if (fold.TryGetValue(n, out var bn))
            {
                var (w, bias) = Folded(n, bn);
                b.Add(n.Op, [b.Map(n.Inputs[0]!), b.Constant(w, Name(n.Inputs[1]!)), b.Constant(bias, Name(n.Inputs[1]!, "bias"))], n.Attributes, n.Runner, n.Outputs);
                report.Add("bn-fold", $"folded batch_norm ({Prefix(bn.Inputs[3]!)}) into {n.Op["aten::".Length..]} ({Prefix(n.Inputs[1]!)})");
            }
            else if (n.Op == "aten::batch_norm" && fold.ContainsValue(n)) b.Redirect(n.Outputs[0], b.Map(n.Inputs[0]!));
            else b.Copy(n);
        }
        if (fold.Count == 0 && !report.Of("bn-fold").Any()) report.Add("bn-fold", "no batch norm to fold");
        return b.Finish();
    }

    // The layer node to fold into, or null (with the reason when it is worth reporting).
    private static Node? Foldable(Node bn, Dictionary<Value, int> uses, out string? why)
    {
        why = null;
        if (bn.Op != "aten::batch_norm") return null;
        string at = $"batch_norm ({Prefix(bn.Inputs[3] ?? bn.Outputs[0])})";
        if (bn.Attributes["training"] is true) { why = $"not folding {at}: training mode (it uses batch statistics and updates the running ones)"; return null; }
        if (bn.Inputs[0]?.Producer is not { Op: "aten::conv2d" or "aten::conv1d" or "aten::linear" } layer) return null;
        if (uses.GetValueOrDefault(bn.Inputs[0]!) != 1) { why = $"not folding {at}: the {layer.Op["aten::".Length..]} output it reads has other readers"; return null; }
        if (bn.Inputs.Skip(1).Concat(layer.Inputs.Skip(1)).Any(v => v is { Kind: not ValueKind.Constant }) || bn.Inputs[3] is null || bn.Inputs[4] is null)
        { why = $"not folding {at}: its statistics or the layer's weights are not constants (optimise a graph traced in eval mode)"; return null; }
        if (layer.Op == "aten::linear" && layer.Outputs[0].Shape.Length != 2) { why = $"not folding {at}: the linear output is not 2-d"; return null; }
        if (layer.Inputs[1]!.DType is not (DType.Float32 or DType.Float64)) return null;
        return layer;
    }

    private static (Tensor Weight, Tensor Bias) Folded(Node layer, Node bn)
    {
        using var _ = Autograd.NoGrad();
        var w = layer.Inputs[1]!.ConstantTensor!;
        int o = w.Shape[0];
        Tensor F64(Value? v, double fill) => v is null ? Tensor.Full([o], fill, DType.Float64) : v.ConstantTensor!.To(DType.Float64);
        var gamma = F64(bn.Inputs[1], 1);
        var beta = F64(bn.Inputs[2], 0);
        var mean = F64(bn.Inputs[3], 0);
        var variance = F64(bn.Inputs[4], 0);
        var bias = F64(layer.Inputs[2], 0);
        var scale = gamma / (variance + bn.Attributes.Double("eps")).Sqrt();
        var shape = new int[w.NDim];
        Array.Fill(shape, 1);
        shape[0] = o;
        var newW = (w.To(DType.Float64) * scale.Reshape(shape)).To(w.DType).Contiguous();
        var newB = ((bias - mean) * scale + beta).To(w.DType).Contiguous();
        return (newW, newB);
    }

    // "conv1" from "conv1.weight"; the value itself when it has no key.
    private static string Prefix(Value v) => v.Name.LastIndexOf('.') is int i and > 0 ? v.Name[..i] : v.ToString();

    private static string? Name(Value w, string suffix = "weight") => w.Name.LastIndexOf('.') is int i and > 0 ? $"{w.Name[..i]}.{suffix}" : null;
}
