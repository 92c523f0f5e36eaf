using System.Globalization;
using System.Runtime.InteropServices;
using Ember.Jit;
using Ember.Serialization.OnnxProto;
using Google.Protobuf;

namespace Ember.Serialization;

/// <summary>
/// Turns a traced <see cref="Graph"/> into an ONNX <see cref="GraphProto"/>: names every value, writes inputs,
/// outputs and initializers, and hands each node to its converter in <see cref="OnnxOps"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Ember.Jit.Graph _graph;
    private readonly IReadOnlyDictionary<string, Tensor> _state;
    private readonly GraphProto _proto = new() { Name = "ember" };
    private readonly Dictionary<Value, string> _names = [];
    private readonly HashSet<string> _taken = [];
    private readonly HashSet<Value> _written = [];
    private int _temp;

    internal OnnxGraphBuilder(Ember.Jit.Graph graph, IReadOnlyDictionary<string, Tensor> state, int opset)
    {
        _graph = graph;
        _state = state;
        Opset = opset;
    }

    internal int Opset { get; }

    internal GraphProto Build()
    {
        foreach (var v in _graph.Inputs)
        {
            Bind(v, v.Name);
            _proto.Input.Add(ValueInfo(_names[v], v));
        }
        // Outputs computed by a node take the names "output" / "output0", "output1", ... directly.
        var outs = _graph.Outputs;
        var outNames = outs.Select((_, i) => outs.Count == 1 ? "output" : "output" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var n in outNames) _taken.Add(n);
        for (int i = 0; i < outs.Count; i++)
            if (outs[i].Kind == ValueKind.Intermediate && !_names.ContainsKey(outs[i]) && outs.Take(i).All(o => o != outs[i]))
                _names[outs[i]] = outNames[i];

        foreach (var node in _graph.Nodes) OnnxOps.Convert(this, node);

        for (int i = 0; i < outs.Count; i++)
        {
            string have = Name(outs[i]);
            if (have != outNames[i]) Add("Identity", [have], [outNames[i]]);
            _proto.Output.Add(ValueInfo(outNames[i], outs[i]));
        }
        return _proto;
    }

    /// <summary>The ONNX name of a value; parameters and constants are written as initializers on first use.</summary>
    internal string Name(Value v)
    {
        if (_names.TryGetValue(v, out var n)) return n;
        switch (v.Kind)
        {
            case ValueKind.Parameter:
                if (!_state.TryGetValue(v.Name, out var t))
                    throw new InvalidOperationException($"Onnx.Export: the graph reads '{v.Name}', which the module does not have.");
                return Initializer(Bind(v, v.Name), t, v);
            case ValueKind.Constant:
                return Initializer(Bind(v, "const_" + v.Name), v.ConstantTensor!, v);
            default:
                return Bind(v, "v" + v.Name);
        }
    }

    /// <summary>The name of a node's input <paramref name="i"/>, or "" for an absent optional input.</summary>
    internal string In(Node node, int i) => i < node.Inputs.Count && node.Inputs[i] is { } v ? Name(v) : "";

    /// <summary>
    /// The name of input <paramref name="i"/> as <paramref name="dtype"/>: a constant of another dtype (a number in
    /// an expression) is written converted; a computed value gets a Cast node.
    /// </summary>
    internal string In(Node node, int i, DType dtype)
    {
        var v = node.Inputs[i]!;
        if (v.DType == dtype) return Name(v);
        if (v.Kind == ValueKind.Constant && !_names.ContainsKey(v))
            return Initializer(Fresh("const_" + v.Name), v.ConstantTensor!.To(dtype), null);
        string cast = Fresh("cast");
        Add("Cast", [Name(v)], [cast], Attr.Int("to", DataType(dtype)));
        return cast;
    }

    /// <summary>The name of a node's output <paramref name="i"/>.</summary>
    internal string Out(Node node, int i = 0) => Name(node.Outputs[i]);

    /// <summary>After an in-place op, later reads of its input see the written value.</summary>
    internal void Rebind(Value aliased, Value written) => _names[aliased] = Name(written);

    /// <summary>A new name no value uses.</summary>
    internal string Fresh(string hint)
    {
        string n;
        do n = $"{hint}_{_temp++}"; while (_taken.Contains(n));
        _taken.Add(n);
        return n;
    }

    /// <summary>Adds a node; returns it.</summary>
    internal NodeProto Add(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        // Trailing absent optional inputs are left out, as ONNX expects.
        int count = inputs.Length;
        while (count > 0 && inputs[count - 1].Length == 0) count--;
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_proto.Node.Count}" };
        node.Input.AddRange(inputs.Take(count));
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _proto.Node.Add(node);
        return node;
    }

    /// <summary>A 1-D int64 initializer (shapes, axes).</summary>
    internal string Int64s(string hint, params long[] values) =>
        Initializer(Fresh(hint), Tensor.From(values), null);

    /// <summary>A 0-d initializer of the given dtype.</summary>
    internal string ScalarConst(string hint, double value, DType dtype) =>
        Initializer(Fresh(hint), Tensor.Scalar(value, dtype), null);

    /// <summary>A 1-D initializer of <paramref name="n"/> copies of <paramref name="value"/>.</summary>
    internal string Filled(string hint, int n, double value, DType dtype) =>
        Initializer(Fresh(hint), Tensor.Full([n], value, dtype), null);

    private string Bind(Value v, string name)
    {
        if (!_taken.Add(name)) name = Fresh(name);
        _names[v] = name;
        return name;
    }

    private string Initializer(string name, Tensor t, Value? v)
    {
        if (v is not null && !_written.Add(v)) return name;
        _proto.Initializer.Add(TensorProtoOf(name, t));
        return name;
    }

    internal static TensorProto TensorProtoOf(string name, Tensor t)
    {
        var p = new TensorProto { Name = name, DataType = DataType(t.DType) };
        foreach (int d in t.Layout.Shape) p.Dims.Add(d);
        var c = t.Detach().Contiguous();
        // raw_data is little-endian, as .NET's arrays are on every platform Ember runs on.
        p.RawData = t.DType switch
        {
            DType.Float32 => ByteString.CopyFrom(MemoryMarshal.AsBytes<float>(c.ToArray<float>())),
            DType.Float64 => ByteString.CopyFrom(MemoryMarshal.AsBytes<double>(c.ToArray<double>())),
            DType.Int64 => ByteString.CopyFrom(MemoryMarshal.AsBytes<long>(c.ToArray<long>())),
            DType.Int32 => ByteString.CopyFrom(MemoryMarshal.AsBytes<int>(c.ToArray<int>())),
            DType.UInt8 => ByteString.CopyFrom(c.ToArray<byte>()),
            DType.Bool => ByteString.CopyFrom(MemoryMarshal.AsBytes<bool>(c.ToArray<bool>())),
            _ => throw new NotSupportedException($"Onnx.Export: tensor '{name}' has dtype {t.DType.TorchName()}, which the exporter does not write (float32, float64, int64, int32, uint8, bool)."),
        };
        return p;
    }

    internal static int DataType(DType t) => (int)(t switch
    {
        DType.Float32 => TensorProto.Types.DataType.Float,
        DType.Float64 => TensorProto.Types.DataType.Double,
        DType.Int64 => TensorProto.Types.DataType.Int64,
        DType.Int32 => TensorProto.Types.DataType.Int32,
        DType.UInt8 => TensorProto.Types.DataType.Uint8,
        DType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new NotSupportedException($"Onnx.Export: dtype {t.TorchName()} has no ONNX mapping in the exporter (float32, float64, int64, int32, uint8, bool)."),
    });

    private static ValueInfoProto ValueInfo(string name, Value v)
    {
        var shape = new TensorShapeProto();
        foreach (var d in v.Shape)
            shape.Dim.Add(d.IsStatic
                ? new TensorShapeProto.Types.Dimension { DimValue = d.Constant }
                : new TensorShapeProto.Types.Dimension { DimParam = d.ToString() });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = DataType(v.DType), Shape = shape } },
        };
    }
}

/// <summary>Attribute constructors.</summary>
internal static class Attr
{
    internal static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    internal static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    internal static AttributeProto Ints(string name, IEnumerable<int> values) => Ints(name, values.Select(v => (long)v));
}
