namespace Ember.Jit;

/// <summary>
/// Runs one op for the interpreter: the same public tensor operation the eager code called, given the
/// node's input tensors (null for an absent optional input) and its attributes. Returns the outputs in order.
/// </summary>
public delegate Tensor[] OpRunner(Tensor?[] inputs, Attributes attributes);

/// <summary>
/// One operation of a <see cref="Graph"/>: its op name (<c>aten::conv2d</c>, PyTorch's names where one exists),
/// its input values (null for an absent optional input, such as a convolution without bias), its attributes
/// and the values it defines. Ops whose name ends in <c>_</c> write their first input in place and return it.
/// </summary>
public sealed class Node
{
    internal Node(string op, Value?[] inputs, Attributes attributes, OpRunner runner)
    {
        Op = op;
        Inputs = inputs;
        Attributes = attributes;
        Runner = runner;
    }

    /// <summary>The op name, <c>namespace::name</c>.</summary>
    public string Op { get; }

    /// <summary>The tensor inputs, in the op's argument order.</summary>
    public IReadOnlyList<Value?> Inputs { get; }

    /// <summary>The values this node defines.</summary>
    public IReadOnlyList<Value> Outputs { get; internal set; } = [];

    /// <summary>The non-tensor arguments.</summary>
    public Attributes Attributes { get; internal set; }

    /// <summary>True for an op that writes its first input in place (<c>aten::relu_</c>): passes must not reorder around it.</summary>
    public bool IsInPlace => Op.EndsWith('_');

    /// <summary>How the interpreter runs the node.</summary>
    internal OpRunner Runner { get; }

    /// <summary>One line as TorchScript prints a node: <c>%3 : Float(batch, 6) = aten::relu(%2)</c>, attributes in braces.</summary>
    public override string ToString()
    {
        string outs = string.Join(", ", Outputs.Select(o => $"{o} : {o.TypeString}"));
        string ins = string.Join(", ", Inputs.Select(i => i?.ToString() ?? "None"));
        string attrs = Attributes.Count == 0 ? "" : " {" + Attributes + "}";
        return $"{outs} = {Op}({ins}){attrs}";
    }
}
