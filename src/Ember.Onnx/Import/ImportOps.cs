namespace Ember.Serialization.Import;

/// <summary>Runs one loaded ONNX node on its input tensors (null for an absent optional input); returns its outputs in order.</summary>
internal delegate Tensor[] Kernel(Tensor?[] inputs);

/// <summary>
/// The ONNX operators Ember loads, each turned into Ember tensor ops when the model loads: the converter reads
/// and checks the node's attributes once and returns the kernel every run calls. An op without an entry is
/// refused by name. Semantics follow the ONNX operator specification for opsets 13 to 21.
/// </summary>
internal static partial class ImportOps
{
    private static readonly Dictionary<string, Func<NodeContext, Kernel>> Table = BuildTable();

    /// <summary>The ONNX operators (default domain) the importer supports.</summary>
    internal static IEnumerable<string> Supported => Table.Keys.Order(StringComparer.Ordinal);

    private static Dictionary<string, Func<NodeContext, Kernel>> BuildTable()
    {
        var t = new Dictionary<string, Func<NodeContext, Kernel>>(StringComparer.Ordinal);
        AddMath(t);
        AddNN(t);
        AddShape(t);
        return t;
    }

    /// <summary>The kernel for a node, or a <see cref="NotSupportedException"/> naming its op and the supported ones.</summary>
    internal static Kernel Compile(NodeContext n)
    {
        var node = n.Node;
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
            throw new NotSupportedException($"Onnx.Load: {n.Label} is in the operator domain '{node.Domain}'; only the default ONNX domain is supported.");
        if (!Table.TryGetValue(node.OpType, out var compile))
            throw new NotSupportedException(
                $"Onnx.Load: {n.Label}: the ONNX operator {node.OpType} is not supported. Supported operators: {string.Join(", ", Supported)}.");
        return compile(n);
    }

    // ---- helpers shared by the converters ----

    /// <summary>A required input (the loader has checked it is named; a kernel only sees null for optional ones).</summary>
    private static Tensor In(Tensor?[] x, int i) => x[i] ?? throw new InvalidOperationException($"input {i} is missing");

    /// <summary>An optional input: null when absent.</summary>
    private static Tensor? Opt(Tensor?[] x, int i) => i < x.Length ? x[i] : null;

    /// <summary>An axis in [-rank, rank) as a dim index.</summary>
    private static int Axis(long axis, int rank, string what)
    {
        if (axis < -rank || axis >= rank)
            throw new ArgumentException($"{what} {axis} is out of range for a tensor of rank {rank}.");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>The values of a 1-D (or 0-d) int64/int32 tensor that carries sizes or axes.</summary>
    private static long[] Longs(Tensor t, string what)
    {
        if (t.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{what} must be an int64 tensor, got {t.DType.TorchName()}.");
        if (t.NDim > 1) throw new ArgumentException($"{what} must be 1-D, got shape {t.Shape}.");
        if (t.Numel() > 64) throw new ArgumentException($"{what} has {t.Numel()} elements; at most 64 are supported.");
        return t.DType == DType.Int64 ? t.Contiguous().ToArray<long>() : t.Contiguous().ToArray<int>().Select(v => (long)v).ToArray();
    }

    /// <summary>Sizes to build a tensor of, checked before anything is allocated.</summary>
    private static int[] Sizes(long[] dims, string what)
    {
        var r = new int[dims.Length];
        long numel = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > int.MaxValue) throw new ArgumentException($"{what}: size {dims[i]} at dim {i} is out of range.");
            r[i] = (int)dims[i];
            numel = r[i] == 0 || numel == 0 ? 0 : numel > Onnx.MaxTensorElements / r[i] ? Onnx.MaxTensorElements + 1 : numel * r[i];
        }
        CheckNumel(numel, what, dims);
        return r;
    }

    private static void CheckNumel(long numel, string what, IEnumerable<long> dims)
    {
        if (numel > Onnx.MaxTensorElements)
            throw new ArgumentException($"{what}: shape {NodeContext.Format(dims)} has more than {Onnx.MaxTensorElements} elements (Onnx.MaxTensorElements).");
    }

    /// <summary>Axes given as an attribute (older opsets) or as an optional input (newer ones).</summary>
    private static long[]? AxesOf(NodeContext n, Tensor?[] x, int inputIndex, long[]? attribute) =>
        attribute ?? (Opt(x, inputIndex) is { } a ? Longs(a, "axes") : null);

    /// <summary>Dims sorted and checked distinct.</summary>
    private static int[] Dims(IEnumerable<long> axes, int rank, string what)
    {
        var r = axes.Select(a => Axis(a, rank, what)).Order().ToArray();
        for (int i = 1; i < r.Length; i++)
            if (r[i] == r[i - 1]) throw new ArgumentException($"{what} {r[i]} is given twice.");
        return r;
    }

    private static Tensor Scalar(double v, DType t) => Tensor.Scalar(v, t);
}
