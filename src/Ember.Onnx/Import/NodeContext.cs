using System.Globalization;
using Ember.Serialization.OnnxProto;
using AttrType = Ember.Serialization.OnnxProto.AttributeProto.Types.AttributeType;

namespace Ember.Serialization.Import;

/// <summary>
/// One ONNX node as an op converter sees it while the model loads: its attributes, read with the type ONNX
/// declares for them (a wrong type is a malformed file), the opset in force, and checks on its input and output counts.
/// </summary>
internal sealed class NodeContext
{
    private readonly Dictionary<string, AttributeProto> _attributes = [];

    internal NodeContext(NodeProto node, int opset, string? baseDirectory)
    {
        Node = node;
        Opset = opset;
        BaseDirectory = baseDirectory;
        foreach (var a in node.Attribute)
            if (!_attributes.TryAdd(a.Name, a)) throw Bad($"has the attribute '{a.Name}' twice");
    }

    internal NodeProto Node { get; }

    /// <summary>The default domain's opset version the model imports.</summary>
    internal int Opset { get; }

    /// <summary>Where external data may live (null when the model came from a stream).</summary>
    internal string? BaseDirectory { get; }

    /// <summary>How messages name the node: <c>node 'Conv_3' (Conv)</c>.</summary>
    internal string Label => Node.Name.Length > 0 ? $"node '{Node.Name}' ({Node.OpType})" : $"{Node.OpType} node (outputs {string.Join(", ", Node.Output)})";

    internal InvalidDataException Bad(string why) => new($"Onnx.Load: {Label} {why}.");

    internal NotSupportedException Unsupported(string why) => new($"Onnx.Load: {Label}: {why} is not supported.");

    /// <summary>Checks the number of inputs (absent optional ones counted) is within the op's range.</summary>
    internal void Inputs(int min, int max)
    {
        int n = Node.Input.Count;
        if (n < min || n > max) throw Bad(min == max ? $"has {n} inputs; {Node.OpType} takes {min}" : $"has {n} inputs; {Node.OpType} takes {min} to {max}");
        for (int i = 0; i < min; i++)
            if (Node.Input[i].Length == 0) throw Bad($"leaves its required input {i} empty");
    }

    /// <summary>Checks the node asks for at most the outputs Ember computes (the others are optional in ONNX and must be left out).</summary>
    internal void Outputs(int computed)
    {
        if (Node.Output.Count == 0) throw Bad("has no outputs");
        if (Node.Output[0].Length == 0) throw Bad("leaves its first output unnamed");
        for (int i = computed; i < Node.Output.Count; i++)
            if (Node.Output[i].Length > 0)
                throw Unsupported($"output {i} ('{Node.Output[i]}'), which only training-time or index-returning forms produce,");
    }

    /// <summary>True when the attribute is present.</summary>
    internal bool Has(string name) => _attributes.ContainsKey(name);

    private AttributeProto? Get(string name, AttrType type)
    {
        if (!_attributes.TryGetValue(name, out var a)) return null;
        // Files from old writers leave type unset; the field that holds the value then says what it is.
        if (a.Type != type && a.Type != AttrType.Undefined)
            throw Bad($"has attribute '{name}' of type {a.Type}, expected {type}");
        return a;
    }

    internal long Int(string name, long fallback) => Get(name, AttrType.Int)?.I ?? fallback;

    /// <summary>An integer attribute that must fit an int (a size, an axis).</summary>
    internal int SmallInt(string name, int fallback)
    {
        long v = Int(name, fallback);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Bad($"has attribute {name}={v}, out of range");
    }

    internal bool Flag(string name, bool fallback)
    {
        long v = Int(name, fallback ? 1 : 0);
        return v switch { 0 => false, 1 => true, _ => throw Bad($"has attribute {name}={v}; expected 0 or 1") };
    }

    internal float Float(string name, float fallback) => Get(name, AttrType.Float)?.F ?? fallback;

    internal string String(string name, string fallback) => Get(name, AttrType.String)?.S.ToStringUtf8() ?? fallback;

    /// <summary>An integer-list attribute as ints (sizes, axes); null when absent.</summary>
    internal int[]? SmallInts(string name)
    {
        var a = Get(name, AttrType.Ints);
        if (a is null) return null;
        var r = new int[a.Ints.Count];
        for (int i = 0; i < r.Length; i++)
        {
            long v = a.Ints[i];
            r[i] = v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Bad($"has attribute {name} with element {v}, out of range");
        }
        return r;
    }

    internal long[]? Longs(string name) => Get(name, AttrType.Ints)?.Ints.ToArray();

    internal float[]? Floats(string name) => Get(name, AttrType.Floats)?.Floats.ToArray();

    internal TensorProto? TensorAttribute(string name) => Get(name, AttrType.Tensor)?.T;

    /// <summary>Refuses any attribute outside <paramref name="known"/>: an unknown one may change what the op computes.</summary>
    internal void Known(params string[] known)
    {
        foreach (var a in _attributes.Keys)
            if (Array.IndexOf(known, a) < 0)
                throw Unsupported($"the attribute '{a}' (known: {(known.Length == 0 ? "none" : string.Join(", ", known))})");
    }

    internal static string Format(IEnumerable<long> v) => "[" + string.Join(", ", v.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]";
}
