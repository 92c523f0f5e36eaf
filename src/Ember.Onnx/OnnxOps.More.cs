using Ember.Jit;
using Ember.Serialization.OnnxProto;

namespace Ember.Serialization;

/// <summary>
/// Export converters for reductions, embedding, GELU, masked_fill and the view/split/join ops
/// (<c>aten::sum</c> -> <c>ReduceSum</c>, <c>aten::embedding</c> -> <c>Gather</c>, ...), written as torch.onnx
/// writes them so the files load in ONNX Runtime and in <see cref="Onnx.Load(string, long)"/>.
/// </summary>
internal static partial class OnnxOps
{
    static OnnxOps()
    {
        Table["aten::sum"] = (b, n) => Reduce(b, n, "ReduceSum", axesAsInputFrom: 13);
        Table["aten::mean"] = (b, n) => Reduce(b, n, "ReduceMean", axesAsInputFrom: 18);
        Table["aten::embedding"] = Embedding;
        Table["aten::gelu"] = Gelu;
        Table["aten::masked_fill"] = MaskedFill;
        Table["aten::expand"] = Expand;
        Table["aten::narrow"] = Narrow;
        Table["aten::chunk"] = Chunk;
        Table["aten::unbind"] = Unbind;
        Table["aten::stack"] = Stack;
    }

    private static void Reduce(OnnxGraphBuilder b, Node n, string op, int axesAsInputFrom)
    {
        var a = n.Attributes;
        int rank = n.Inputs[0]!.Shape.Length;
        string x = a["dtype"] is DType t ? b.In(n, 0, t) : b.In(n, 0);
        // No dim (or an empty list) reduces every dim to a 0-d result.
        int[] dims = !a.Contains("dim") ? [] : a["dim"] is int d ? [d] : a.Ints("dim");
        bool keep = a.Contains("keepdim") && a.Bool("keepdim");
        if (dims.Length == 0)
        {
            dims = Enumerable.Range(0, rank).ToArray();
            keep = false;
        }
        var axes = dims.Select(d => (long)(d < 0 ? d + rank : d)).ToArray();
        if (b.Opset >= axesAsInputFrom)
            b.Add(op, [x, b.Int64s("axes", axes)], [b.Out(n)], Attr.Int("keepdims", keep ? 1 : 0));
        else
            b.Add(op, [x], [b.Out(n)], Attr.Ints("axes", axes), Attr.Int("keepdims", keep ? 1 : 0));
    }

    private static void Embedding(OnnxGraphBuilder b, Node n)
    {
        // torch.onnx writes embedding as Gather of the weight's rows; padding_idx only matters for gradients.
        b.Add("Gather", [b.In(n, 0), b.In(n, 1)], [b.Out(n)], Attr.Int("axis", 0));
    }

    private static void Gelu(OnnxGraphBuilder b, Node n)
    {
        string approximate = n.Attributes.String("approximate") ?? "none";
        var t = n.Outputs[0].DType;
        string x = b.In(n, 0);
        if (b.Opset >= 20)
        {
            var node = b.Add("Gelu", [x], [b.Out(n)]);
            node.Attribute.Add(new AttributeProto { Name = "approximate", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(approximate) });
            return;
        }
        string half = b.Fresh("gelu_half"), inner = b.Fresh("gelu_inner"), act = b.Fresh("gelu_act"), onePlus = b.Fresh("gelu_one_plus");
        if (approximate == "tanh")
        {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as torch.onnx's symbolic for gelu(approximate='tanh').
            string cube = b.Fresh("gelu_cube"), scaled = b.Fresh("gelu_scaled"), sum = b.Fresh("gelu_sum");
            b.Add("Pow", [x, b.ScalarConst("three", 3, t)], [cube]);
            b.Add("Mul", [cube, b.ScalarConst("coef", 0.044715, t)], [scaled]);
            b.Add("Add", [x, scaled], [sum]);
            b.Add("Mul", [sum, b.ScalarConst("sqrt_2_over_pi", Math.Sqrt(2 / Math.PI), t)], [inner]);
            b.Add("Tanh", [inner], [act]);
        }
        else
        {
            // 0.5 x (1 + erf(x / sqrt 2)), as torch.onnx's symbolic for gelu.
            b.Add("Div", [x, b.ScalarConst("sqrt2", Math.Sqrt(2), t)], [inner]);
            b.Add("Erf", [inner], [act]);
        }
        b.Add("Add", [act, b.ScalarConst("one", 1, t)], [onePlus]);
        b.Add("Mul", [x, onePlus], [half]);
        b.Add("Mul", [half, b.ScalarConst("half", 0.5, t)], [b.Out(n)]);
    }

    private static void MaskedFill(OnnxGraphBuilder b, Node n)
    {
        // where(mask, value, x): the value converted to x's dtype, as masked_fill does.
        var t = n.Outputs[0].DType;
        b.Add("Where", [b.In(n, 1), b.In(n, 2, t), b.In(n, 0)], [b.Out(n)]);
    }

    private static void Expand(OnnxGraphBuilder b, Node n)
    {
        var input = n.Inputs[0]!.Shape;
        var target = n.Outputs[0].Shape;
        // ONNX Expand broadcasts both ways, so a 1 keeps the input's size: a dynamic dim the input already has is written as 1.
        var shape = new long[target.Length];
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i].IsStatic) { shape[i] = target[i].Constant; continue; }
            int j = i - (target.Length - input.Length);
            if (j < 0 || input[j] != target[i])
                throw Unsupported(n, $"expanding to the dynamic size {target[i]} at dim {i}, which the input does not have");
            shape[i] = 1;
        }
        b.Add("Expand", [b.In(n, 0), b.Int64s("shape", shape)], [b.Out(n)]);
    }

    private static int Dim(Node n, string name)
    {
        int rank = n.Inputs[0]!.Shape.Length;
        int d = n.Attributes.Int(name);
        return d < 0 ? d + rank : d;
    }

    private static void Narrow(OnnxGraphBuilder b, Node n)
    {
        if (n.Attributes["start"] is not int start || n.Attributes["length"] is not int length)
            throw Unsupported(n, "a start or length that depends on a dynamic dim");
        int dim = Dim(n, "dim");
        b.Add("Slice", [b.In(n, 0), b.Int64s("starts", start), b.Int64s("ends", (long)start + length), b.Int64s("axes", dim)], [b.Out(n)]);
    }

    private static void Chunk(OnnxGraphBuilder b, Node n)
    {
        int dim = Dim(n, "dim");
        var sizes = n.Outputs.Select(o => o.Shape[dim].IsStatic ? o.Shape[dim].Constant : throw Unsupported(n, "chunks along a dynamic dim")).ToArray();
        b.Add("Split", [b.In(n, 0), b.Int64s("split", sizes)], n.Outputs.Select((_, i) => b.Out(n, i)).ToArray(), Attr.Int("axis", dim));
    }

    private static void Unbind(OnnxGraphBuilder b, Node n)
    {
        int dim = Dim(n, "dim");
        var parts = n.Outputs.Select(_ => b.Fresh("unbind")).ToArray();
        b.Add("Split", [b.In(n, 0), b.Int64s("split", n.Outputs.Select(_ => 1L).ToArray())], parts, Attr.Int("axis", dim));
        string axes = b.Int64s("axes", dim);
        for (int i = 0; i < parts.Length; i++) b.Add("Squeeze", [parts[i], axes], [b.Out(n, i)]);
    }

    private static void Stack(OnnxGraphBuilder b, Node n)
    {
        int rank = n.Inputs[0]!.Shape.Length + 1;
        int d = n.Attributes.Int("dim");
        long dim = d < 0 ? d + rank : d;
        string axes = b.Int64s("axes", dim);
        var parts = n.Inputs.Select((_, i) =>
        {
            string u = b.Fresh("stack");
            b.Add("Unsqueeze", [b.In(n, i), axes], [u]);
            return u;
        }).ToArray();
        b.Add("Concat", parts, [b.Out(n)], Attr.Int("axis", dim));
    }
}
