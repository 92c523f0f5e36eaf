using Ember.Serialization.OnnxProto;
using Google.Protobuf;

namespace Ember.Serialization.Import;

/// <summary>A graph input as the file declares it: element type and, per dim, a size, a symbol (dim_param) or nothing.</summary>
internal sealed record OnnxInput(string Name, DType DType, (long? Size, string? Symbol)[]? Dims);

/// <summary>One node ready to run: its kernel, the slots it reads (-1: absent optional input) and writes, and the slots free after it.</summary>
internal sealed record OnnxStep(string Label, string OpType, Kernel Kernel, int[] Inputs, int[] Outputs, int[] FreeAfter);

/// <summary>
/// A checked, sorted ONNX graph: every value has a slot, every node reads only values defined before it,
/// every name is defined once. Built by <see cref="Read"/>, which refuses a malformed file with an
/// <see cref="InvalidDataException"/> and an unsupported one with a <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class OnnxProgram
{
    /// <summary>The oldest IR version read (3: the first with opset imports).</summary>
    internal const long MinIrVersion = 3;

    /// <summary>The newest IR version read.</summary>
    internal const long MaxIrVersion = 11;

    internal required OnnxInput[] Inputs { get; init; }
    internal required int[] InputSlots { get; init; }
    internal required string[] OutputNames { get; init; }
    internal required int[] OutputSlots { get; init; }
    internal required (string Name, Tensor Value, bool IsBuffer, int Slot)[] Initializers { get; init; }
    internal required OnnxStep[] Steps { get; init; }
    internal required int SlotCount { get; init; }
    internal required int Opset { get; init; }
    internal required string Producer { get; init; }

    internal static OnnxProgram Read(byte[] bytes, string? baseDirectory)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Onnx.Load: the file is not a valid ONNX model (protobuf): {e.Message}", e);
        }
        if (model.IrVersion == 0) throw new InvalidDataException("Onnx.Load: the model has no ir_version; it is not an ONNX model.");
        if (model.IrVersion < MinIrVersion || model.IrVersion > MaxIrVersion)
            throw new NotSupportedException($"Onnx.Load: the model has IR version {model.IrVersion}; Ember reads IR versions {MinIrVersion} to {MaxIrVersion}.");
        long opset = -1;
        foreach (var o in model.OpsetImport)
            if (o.Domain.Length == 0 || o.Domain == "ai.onnx")
            {
                if (opset >= 0) throw new InvalidDataException("Onnx.Load: the model imports the default operator set twice.");
                opset = o.Version;
            }
        if (opset < 0) throw new InvalidDataException("Onnx.Load: the model imports no version of the default ONNX operator set (opset_import).");
        if (opset < Onnx.MinImportOpset || opset > Onnx.MaxImportOpset)
            throw new NotSupportedException($"Onnx.Load: the model uses opset {opset}; Ember loads opsets {Onnx.MinImportOpset} to {Onnx.MaxImportOpset}.");
        var graph = model.Graph ?? throw new InvalidDataException("Onnx.Load: the model has no graph.");
        return Build(graph, (int)opset, baseDirectory, string.IsNullOrEmpty(model.ProducerName) ? "unknown" : $"{model.ProducerName} {model.ProducerVersion}".Trim());
    }

    private static OnnxProgram Build(GraphProto g, int opset, string? baseDirectory, string producer)
    {
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        int Define(string name, string what)
        {
            if (name.Length == 0) throw new InvalidDataException($"Onnx.Load: {what} has an empty name.");
            if (!slots.TryAdd(name, slots.Count)) throw new InvalidDataException($"Onnx.Load: the name '{name}' is defined twice (again by {what}); every value must be assigned once.");
            return slots[name];
        }

        // Initializers first: a graph input of the same name (old exporters list them as inputs) is the initializer.
        var inits = new List<(string, Tensor, bool, int)>();
        var bufferNames = BatchNormStatistics(g);
        foreach (var t in g.Initializer)
        {
            string what = $"initializer '{t.Name}'";
            int slot = Define(t.Name, what);
            var value = OnnxTensorReader.Read(t, what, baseDirectory);
            inits.Add((t.Name, value, !value.DType.IsFloatingPoint() || bufferNames.Contains(t.Name), slot));
        }
        var initNames = inits.Select(i => i.Item1).ToHashSet(StringComparer.Ordinal);
        var inputs = new List<OnnxInput>();
        var inputSlots = new List<int>();
        var inputNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vi in g.Input)
        {
            if (!inputNames.Add(vi.Name)) throw new InvalidDataException($"Onnx.Load: the graph input '{vi.Name}' is listed twice.");
            if (initNames.Contains(vi.Name)) continue;
            inputSlots.Add(Define(vi.Name, $"graph input '{vi.Name}'"));
            inputs.Add(InputOf(vi));
        }

        // Nodes: check each reads only names that something defines, then order them (files should be sorted; a cycle is refused).
        var nodes = g.Node;
        var producerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var o in nodes[i].Output)
                if (o.Length > 0)
                {
                    if (slots.ContainsKey(o) || !producerOf.TryAdd(o, i))
                        throw new InvalidDataException($"Onnx.Load: the name '{o}' is defined twice (again by {Describe(nodes[i])}); every value must be assigned once.");
                }
        foreach (var n in nodes)
            foreach (var input in n.Input)
                if (input.Length > 0 && !slots.ContainsKey(input) && !producerOf.ContainsKey(input))
                    throw new InvalidDataException($"Onnx.Load: {Describe(n)} reads '{input}', which no graph input, initializer or node defines.");
        var order = TopologicalOrder(nodes, producerOf);

        var steps = new List<(NodeProto Node, NodeContext Context, Kernel Kernel, int[] In, int[] Out)>();
        foreach (int i in order)
        {
            var n = nodes[i];
            var context = new NodeContext(n, opset, baseDirectory);
            var kernel = ImportOps.Compile(context);
            var outs = n.Output.Select(o => o.Length == 0 ? -1 : Define(o, Describe(n))).ToArray();
            var ins = n.Input.Select(s => s.Length == 0 ? -1 : slots[s]).ToArray();
            steps.Add((n, context, kernel, ins, outs));
        }

        if (g.Output.Count == 0) throw new InvalidDataException("Onnx.Load: the graph has no outputs.");
        var outputNames = g.Output.Select(o => o.Name).ToArray();
        var outputSlots = outputNames.Select(o => slots.TryGetValue(o, out int s) ? s
            : throw new InvalidDataException($"Onnx.Load: the graph output '{o}' is not defined by any input, initializer or node.")).ToArray();

        // A slot is dropped after its last reader, so intermediates can be recycled during a run.
        var lastUse = new int[slots.Count];
        Array.Fill(lastUse, -1);
        for (int i = 0; i < steps.Count; i++)
            foreach (int s in steps[i].In)
                if (s >= 0) lastUse[s] = i;
        foreach (int s in outputSlots) lastUse[s] = int.MaxValue;
        var initSlots = inits.Select(i => i.Item4).ToHashSet();
        var free = new List<int>[steps.Count];
        for (int s = 0; s < lastUse.Length; s++)
            if (lastUse[s] >= 0 && lastUse[s] < steps.Count && !initSlots.Contains(s)) (free[lastUse[s]] ??= []).Add(s);

        return new OnnxProgram
        {
            Inputs = [.. inputs],
            InputSlots = [.. inputSlots],
            OutputNames = outputNames,
            OutputSlots = outputSlots,
            Initializers = [.. inits],
            Steps = steps.Select((s, i) => new OnnxStep(s.Context.Label, s.Node.OpType, s.Kernel, s.In, s.Out, free[i]?.ToArray() ?? [])).ToArray(),
            SlotCount = slots.Count,
            Opset = opset,
            Producer = producer,
        };
    }

    private static string Describe(NodeProto n) => n.Name.Length > 0 ? $"node '{n.Name}' ({n.OpType})" : $"a {n.OpType} node";

    /// <summary>Kahn's algorithm over the nodes' data dependencies, keeping the file's order where it is already valid.</summary>
    private static List<int> TopologicalOrder(IList<NodeProto> nodes, Dictionary<string, int> producerOf)
    {
        var pending = new int[nodes.Count];
        var readers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Input.Distinct())
                if (input.Length > 0 && producerOf.TryGetValue(input, out int p))
                {
                    pending[i]++;
                    (readers[p] ??= []).Add(i);
                }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (pending[i] == 0) ready.Enqueue(i, i);
        var order = new List<int>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(i);
            if (readers[i] is null) continue;
            foreach (int r in readers[i])
                if (--pending[r] == 0) ready.Enqueue(r, r);
        }
        if (order.Count != nodes.Count)
        {
            int stuck = Enumerable.Range(0, nodes.Count).First(i => pending[i] > 0);
            throw new InvalidDataException($"Onnx.Load: the graph has a cycle through {Describe(nodes[stuck])}; an ONNX graph must be acyclic.");
        }
        return order;
    }

    /// <summary>Initializers a BatchNormalization reads as running mean and variance: buffers, as in the module that was exported.</summary>
    private static HashSet<string> BatchNormStatistics(GraphProto g)
    {
        var r = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Node)
            if (n.OpType == "BatchNormalization")
                for (int i = 3; i < Math.Min(5, n.Input.Count); i++) r.Add(n.Input[i]);
        return r;
    }

    private static OnnxInput InputOf(ValueInfoProto vi)
    {
        var tt = vi.Type?.TensorType ?? throw new NotSupportedException($"Onnx.Load: the graph input '{vi.Name}' is not a tensor (sequences, maps and optional types are not supported).");
        var dtype = OnnxTensorReader.Require(tt.ElemType, $"the graph input '{vi.Name}'");
        if (tt.Shape is null) return new OnnxInput(vi.Name, dtype, null);
        if (tt.Shape.Dim.Count > 32) throw new InvalidDataException($"Onnx.Load: the graph input '{vi.Name}' has {tt.Shape.Dim.Count} dims; at most 32 are supported.");
        var dims = tt.Shape.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue when d.DimValue >= 0 => ((long?)d.DimValue, (string?)null),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => throw new InvalidDataException($"Onnx.Load: the graph input '{vi.Name}' has a dim of size {d.DimValue}."),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when d.DimParam.Length > 0 => (null, d.DimParam),
            _ => ((long?)null, (string?)null),
        }).ToArray();
        return new OnnxInput(vi.Name, dtype, dims);
    }
}
