namespace Ember.NN;

/// <summary>
/// Marks a tensor field (or auto-property) of a module as a buffer: state that is saved in the state
/// dict and moved with the module but is not a parameter, such as BatchNorm's running mean
/// (<c>register_buffer</c>). Non-persistent buffers are left out of the state dict.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class BufferAttribute : Attribute
{
    /// <summary>Whether the buffer is part of the state dict (default true, as PyTorch).</summary>
    public bool Persistent { get; init; } = true;
}

/// <summary>
/// Gives a module member the name it has in state dicts and printed trees, e.g. <c>[Named("conv_layer")]</c>
/// to match a PyTorch model's attribute. Without it the name is the field's (or property's) name with
/// leading underscores removed and the first letter lower-cased: <c>Fc1</c> and <c>_fc1</c> are <c>fc1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class NamedAttribute(string name) : Attribute
{
    /// <summary>The name used in state dicts.</summary>
    public string Name { get; } = name;
}

/// <summary>Leaves a module, parameter or tensor field out of the module's registry.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class NotRegisteredAttribute : Attribute;
