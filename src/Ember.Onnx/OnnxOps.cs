using Ember.Jit;
using Ember.Serialization.OnnxProto;

namespace Ember.Serialization;

/// <summary>
/// One converter per traced op (<c>aten::conv2d</c> -> <c>Conv</c>, ...): the table torch.onnx's symbolic
/// functions are. A node whose op has no entry fails the export with the op's name.
/// </summary>
internal static partial class OnnxOps
{
    private static readonly Dictionary<string, Action<OnnxGraphBuilder, Node>> Table = new()
    {
        ["aten::conv1d"] = Conv,
        ["aten::conv2d"] = Conv,
        ["aten::linear"] = Linear,
        ["aten::relu"] = Unary("Relu"),
        ["aten::tanh"] = Unary("Tanh"),
        ["aten::sigmoid"] = Unary("Sigmoid"),
        ["aten::hardtanh"] = HardTanh,
        ["aten::contiguous"] = Unary("Identity"),
        ["aten::max_pool2d"] = MaxPool,
        ["aten::avg_pool2d"] = AvgPool,
        ["aten::adaptive_avg_pool2d"] = AdaptiveAvgPool,
        ["aten::flatten"] = Flatten,
        ["aten::view"] = Reshape,
        ["aten::reshape"] = Reshape,
        ["aten::add"] = Binary("Add"),
        ["aten::sub"] = Binary("Sub"),
        ["aten::mul"] = Binary("Mul"),
        ["aten::div"] = Binary("Div"),
        ["aten::matmul"] = MatMul,
        ["aten::bmm"] = MatMul,
        ["aten::softmax"] = Softmax("Softmax"),
        ["aten::log_softmax"] = Softmax("LogSoftmax"),
        ["aten::batch_norm"] = BatchNorm,
        ["aten::layer_norm"] = LayerNorm,
        ["aten::dropout"] = Dropout,
        ["aten::feature_dropout"] = Dropout,
        ["aten::alpha_dropout"] = Dropout,
        ["aten::feature_alpha_dropout"] = Dropout,
        ["aten::cat"] = Concat,
        ["aten::transpose"] = Transpose,
        ["aten::permute"] = Transpose,
        ["aten::unsqueeze"] = Unsqueeze,
        ["aten::squeeze"] = Squeeze,
    };

    /// <summary>The traced ops the exporter maps (in-place forms such as <c>aten::relu_</c> included through their out-of-place op).</summary>
    internal static IEnumerable<string> Supported => Table.Keys.Order(StringComparer.Ordinal);

    internal static void Convert(OnnxGraphBuilder b, Node node)
    {
        // An in-place op (relu_, add_) is exported as its out-of-place form; later reads of the input see the result.
        string op = node.IsInPlace ? node.Op[..^1] : node.Op;
        if (!Table.TryGetValue(op, out var convert))
            throw new NotSupportedException(
                $"Onnx.Export: the op {node.Op} is not supported by the ONNX exporter (node: {node}). " +
                $"Supported ops: {string.Join(", ", Supported)}.");
        convert(b, node);
        if (node.IsInPlace && node.Inputs[0] is { } aliased) b.Rebind(aliased, node.Outputs[0]);
    }

    private static NotSupportedException Unsupported(Node node, string why) =>
        new($"Onnx.Export: {node.Op} cannot be exported: {why} (node: {node}).");

    private static Action<OnnxGraphBuilder, Node> Unary(string onnx) => (b, n) => b.Add(onnx, [b.In(n, 0)], [b.Out(n)]);

    private static void Conv(OnnxGraphBuilder b, Node n)
    {
        var w = n.Inputs[1]!;
        int spatial = w.Shape.Length - 2;
        var kernel = w.Shape.Skip(2).Select(s => s.IsStatic ? s.Constant : throw Unsupported(n, "the weight's kernel size is dynamic")).ToArray();
        var a = n.Attributes;
        int[] stride = spatial == 1 ? [a.Int("stride")] : a.Ints("stride");
        int[] dilation = spatial == 1 ? [a.Int("dilation")] : a.Ints("dilation");
        var pads = new long[2 * spatial];
        switch (a["padding"])
        {
            case "valid": break;
            case "same":
                // PyTorch pads d(k-1) in all, the odd one at the end.
                for (int i = 0; i < spatial; i++)
                {
                    long total = dilation[i] * (kernel[i] - 1);
                    pads[i] = total / 2;
                    pads[i + spatial] = total - total / 2;
                }
                break;
            case int p: pads[0] = pads[1] = p; break;
            case int[] p:
                for (int i = 0; i < spatial; i++) pads[i] = pads[i + spatial] = p[i];
                break;
            default: throw Unsupported(n, $"padding {Attributes.Format(a["padding"])}");
        }
        b.Add("Conv", [b.In(n, 0), b.In(n, 1), b.In(n, 2)], [b.Out(n)],
            Attr.Ints("kernel_shape", kernel), Attr.Ints("strides", stride), Attr.Ints("pads", pads),
            Attr.Ints("dilations", dilation), Attr.Int("group", a.Int("groups")));
    }

    private static void Linear(OnnxGraphBuilder b, Node n)
    {
        var x = n.Inputs[0]!;
        if (x.Shape.Length == 2)
        {
            // Gemm computes x Wᵀ + b in one op, as torch.onnx writes a 2-d linear.
            b.Add("Gemm", [b.In(n, 0), b.In(n, 1), b.In(n, 2)], [b.Out(n)], Attr.Int("transB", 1));
            return;
        }
        string wt = b.Fresh("weight_t");
        b.Add("Transpose", [b.In(n, 1)], [wt], Attr.Ints("perm", [1, 0]));
        if (n.Inputs.Count < 3 || n.Inputs[2] is null)
        {
            b.Add("MatMul", [b.In(n, 0), wt], [b.Out(n)]);
            return;
        }
        string mm = b.Fresh("matmul");
        b.Add("MatMul", [b.In(n, 0), wt], [mm]);
        b.Add("Add", [mm, b.In(n, 2)], [b.Out(n)]);
    }

    private static void HardTanh(OnnxGraphBuilder b, Node n)
    {
        var t = n.Inputs[0]!.DType;
        double lo = System.Convert.ToDouble(n.Attributes["min_val"], System.Globalization.CultureInfo.InvariantCulture);
        double hi = System.Convert.ToDouble(n.Attributes["max_val"], System.Globalization.CultureInfo.InvariantCulture);
        b.Add("Clip", [b.In(n, 0), b.ScalarConst("min", lo, t), b.ScalarConst("max", hi, t)], [b.Out(n)]);
    }

    private static AttributeProto[] PoolAttributes(Node n)
    {
        var a = n.Attributes;
        int[] k = a.Ints("kernel_size"), s = a.Ints("stride"), p = a.Ints("padding");
        if (s.Length == 0) s = k;
        return [Attr.Ints("kernel_shape", k), Attr.Ints("strides", s), Attr.Ints("pads", p.Concat(p)), Attr.Int("ceil_mode", a.Bool("ceil_mode") ? 1 : 0)];
    }

    private static void MaxPool(OnnxGraphBuilder b, Node n) =>
        b.Add("MaxPool", [b.In(n, 0)], [b.Out(n)], [.. PoolAttributes(n), Attr.Ints("dilations", n.Attributes.Ints("dilation"))]);

    private static void AvgPool(OnnxGraphBuilder b, Node n)
    {
        if (n.Attributes["divisor_override"] is not null) throw Unsupported(n, "ONNX AveragePool has no divisor_override");
        b.Add("AveragePool", [b.In(n, 0)], [b.Out(n)], [.. PoolAttributes(n), Attr.Int("count_include_pad", n.Attributes.Bool("count_include_pad") ? 1 : 0)]);
    }

    private static void AdaptiveAvgPool(OnnxGraphBuilder b, Node n)
    {
        int[] size = n.Attributes.Ints("output_size");
        var x = n.Inputs[0]!.Shape;
        if (size.All(s => s == 1))
        {
            b.Add("GlobalAveragePool", [b.In(n, 0)], [b.Out(n)]);
            return;
        }
        // Equal windows when the input divides evenly: then adaptive pooling is a plain average pool.
        var hw = x.Skip(x.Length - 2).ToArray();
        if (hw.Any(d => !d.IsStatic) || hw[0].Constant % size[0] != 0 || hw[1].Constant % size[1] != 0)
            throw Unsupported(n, $"output size [{string.Join(", ", size)}] does not divide the input's spatial size ({string.Join(", ", hw)}); ONNX has no adaptive pooling");
        var k = new long[] { hw[0].Constant / size[0], hw[1].Constant / size[1] };
        b.Add("AveragePool", [b.In(n, 0)], [b.Out(n)], Attr.Ints("kernel_shape", k), Attr.Ints("strides", k));
    }

    private static void Flatten(OnnxGraphBuilder b, Node n)
    {
        int rank = n.Inputs[0]!.Shape.Length;
        int start = n.Attributes.Int("start_dim"), end = n.Attributes.Int("end_dim");
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        // ONNX Flatten makes 2-d [d0 ... d(axis-1), rest]: torch's flatten(1) exactly.
        if (start == 1 && end == rank - 1) b.Add("Flatten", [b.In(n, 0)], [b.Out(n)], Attr.Int("axis", 1));
        else Reshape(b, n);
    }

    private static void Reshape(OnnxGraphBuilder b, Node n)
    {
        // The target shape from the traced output: static dims as they are, the one dynamic dim as -1.
        var shape = n.Outputs[0].Shape;
        if (shape.Count(s => !s.IsStatic) > 1)
            throw Unsupported(n, $"the output shape ({string.Join(", ", shape)}) has more than one dynamic dim, which one Reshape cannot express");
        var target = shape.Select(s => s.IsStatic ? s.Constant : -1L).ToArray();
        b.Add("Reshape", [b.In(n, 0), b.Int64s("shape", target)], [b.Out(n)]);
    }

    private static Action<OnnxGraphBuilder, Node> Binary(string onnx) => (b, n) =>
    {
        var t = n.Outputs[0].DType;
        if (n.Attributes.Contains("rounding_mode") && n.Attributes["rounding_mode"] is string mode)
            throw Unsupported(n, $"rounding_mode '{mode}'");
        string x = b.In(n, 0, t), y = b.In(n, 1, t);
        if (n.Attributes.Contains("alpha") && n.Attributes["alpha"] is Scalar alpha && alpha.ToDouble() != 1)
        {
            string scaled = b.Fresh("alpha_mul");
            b.Add("Mul", [y, b.ScalarConst("alpha", alpha.ToDouble(), t)], [scaled]);
            y = scaled;
        }
        b.Add(onnx, [x, y], [b.Out(n)]);
    };

    private static void MatMul(OnnxGraphBuilder b, Node n) => b.Add("MatMul", [b.In(n, 0), b.In(n, 1)], [b.Out(n)]);

    private static Action<OnnxGraphBuilder, Node> Softmax(string onnx) => (b, n) =>
    {
        var t = n.Outputs[0].DType;
        string x = b.In(n, 0, t);
        b.Add(onnx, [x], [b.Out(n)], Attr.Int("axis", n.Attributes.Int("dim")));
    };

    private static void BatchNorm(OnnxGraphBuilder b, Node n)
    {
        if (n.Attributes.Bool("training")) throw Unsupported(n, "batch norm in training mode; call Eval() before exporting");
        if (n.Inputs[3] is null || n.Inputs[4] is null) throw Unsupported(n, "batch norm without running statistics");
        var x = n.Inputs[0]!;
        var c = x.Shape[1];
        if (!c.IsStatic) throw Unsupported(n, "a dynamic channel count");
        string scale = n.Inputs[1] is null ? b.Filled("bn_scale", (int)c.Constant, 1, x.DType) : b.In(n, 1);
        string bias = n.Inputs[2] is null ? b.Filled("bn_bias", (int)c.Constant, 0, x.DType) : b.In(n, 2);
        b.Add("BatchNormalization", [b.In(n, 0), scale, bias, b.In(n, 3), b.In(n, 4)], [b.Out(n)],
            Attr.Float("epsilon", n.Attributes.Double("eps")), Attr.Float("momentum", 1 - n.Attributes.Double("momentum")));
    }

    private static void LayerNorm(OnnxGraphBuilder b, Node n)
    {
        if (b.Opset < 17) throw Unsupported(n, $"LayerNormalization needs opset 17, the export asked for {b.Opset}");
        int[] normalized = n.Attributes.Ints("normalized_shape");
        var x = n.Inputs[0]!;
        long size = normalized.Aggregate(1L, (p, d) => p * d);
        string scale = n.Inputs[1] is null
            ? b.Filled("ln_scale", (int)size, 1, x.DType) : b.In(n, 1);
        if (n.Inputs[1] is null && normalized.Length != 1) throw Unsupported(n, "layer norm over several dims without a weight");
        b.Add("LayerNormalization", [b.In(n, 0), scale, b.In(n, 2)], [b.Out(n)],
            Attr.Int("axis", -normalized.Length), Attr.Float("epsilon", n.Attributes.Double("eps")));
    }

    private static void Dropout(OnnxGraphBuilder b, Node n)
    {
        if (n.Attributes.Bool("train") && n.Attributes.Double("p") != 0)
            throw Unsupported(n, "dropout in training mode; call Eval() before exporting");
        b.Add("Identity", [b.In(n, 0)], [b.Out(n)]);
    }

    private static void Concat(OnnxGraphBuilder b, Node n) =>
        b.Add("Concat", n.Inputs.Select((_, i) => b.In(n, i)).ToArray(), [b.Out(n)], Attr.Int("axis", n.Attributes.Int("dim")));

    private static void Transpose(OnnxGraphBuilder b, Node n)
    {
        int rank = n.Inputs[0]!.Shape.Length;
        int[] perm;
        if (n.Op.StartsWith("aten::permute", StringComparison.Ordinal))
            perm = n.Attributes.Ints("dims").Select(d => d < 0 ? d + rank : d).ToArray();
        else
        {
            perm = Enumerable.Range(0, rank).ToArray();
            int d0 = n.Attributes.Int("dim0"), d1 = n.Attributes.Int("dim1");
            if (d0 < 0) d0 += rank;
            if (d1 < 0) d1 += rank;
            (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        }
        b.Add("Transpose", [b.In(n, 0)], [b.Out(n)], Attr.Ints("perm", perm));
    }

    private static void Unsqueeze(OnnxGraphBuilder b, Node n) =>
        b.Add("Unsqueeze", [b.In(n, 0), b.Int64s("axes", n.Attributes.Int("dim"))], [b.Out(n)]);

    private static void Squeeze(OnnxGraphBuilder b, Node n)
    {
        var a = n.Attributes;
        // torch squeezes only dims of size 1; ONNX refuses to squeeze others, so pass only those.
        var inShape = n.Inputs[0]!.Shape;
        int rank = inShape.Length;
        int[] dims = a.Contains("dim") ? [a.Int("dim")] : a.Contains("dims") ? a.Ints("dims") : Enumerable.Range(0, rank).ToArray();
        var axes = dims.Select(d => d < 0 ? d + rank : d).Where(d => inShape[d].IsStatic && inShape[d].Constant == 1).Select(d => (long)d).ToArray();
        if (axes.Length == 0) b.Add("Identity", [b.In(n, 0)], [b.Out(n)]);
        else b.Add("Squeeze", [b.In(n, 0), b.Int64s("axes", axes)], [b.Out(n)]);
    }
}
