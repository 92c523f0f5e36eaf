namespace Ember.Jit;

/// <summary>Where a graph value comes from.</summary>
public enum ValueKind
{
    /// <summary>A traced input of the forward call (in call order).</summary>
    Input,
    /// <summary>A parameter or buffer of the module, named by its state-dict key; read from the module at each replay.</summary>
    Parameter,
    /// <summary>A tensor fixed at trace time (a number in an expression, a tensor made from C# data); see <see cref="Value.ConstantTensor"/>.</summary>
    Constant,
    /// <summary>An output of a <see cref="Node"/>.</summary>
    Intermediate,
}

/// <summary>
/// One tensor value of a <see cref="Graph"/> (TorchScript's <c>Value</c>): assigned once, by a graph input, a
/// constant or one output of one node. It carries the dtype and (possibly symbolic) shape seen at trace time.
/// </summary>
public sealed class Value
{
    internal Value(int id, string name, ValueKind kind, DType dtype, SymInt[] shape)
    {
        Id = id;
        Name = name;
        Kind = kind;
        DType = dtype;
        Shape = shape;
    }

    /// <summary>The index of the value in <see cref="Graph.Values"/> (the interpreter's slot).</summary>
    public int Id { get; }

    /// <summary>The printed name without the <c>%</c>: the input's name, the state-dict key, or the value's number.</summary>
    public string Name { get; }

    /// <summary>Where the value comes from.</summary>
    public ValueKind Kind { get; }

    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>The shape; dims marked dynamic are symbolic.</summary>
    public SymInt[] Shape { get; internal set; }

    /// <summary>The node that produces the value (null for inputs, parameters and constants).</summary>
    public Node? Producer { get; internal set; }

    /// <summary>Which output of <see cref="Producer"/> this is.</summary>
    public int OutputIndex { get; internal set; }

    /// <summary>For a <see cref="ValueKind.Constant"/>: the tensor, as it was at trace time.</summary>
    public Tensor? ConstantTensor { get; internal set; }

    /// <summary>The type as the graph prints it: <c>Float(batch, 6, 28, 28)</c>.</summary>
    public string TypeString => $"{ScalarTypeName(DType)}({string.Join(", ", Shape)})";

    /// <inheritdoc/>
    public override string ToString() => "%" + Name;

    /// <summary>TorchScript's scalar-type names.</summary>
    internal static string ScalarTypeName(DType t) => t switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Int64 => "Long",
        DType.Int32 => "Int",
        DType.UInt8 => "Byte",
        DType.Bool => "Bool",
        _ => t.ToString(),
    };
}
