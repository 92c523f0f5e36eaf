using System.Reflection;

namespace Ember.NN;

public abstract partial class Module
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>
    /// Puts <paramref name="parameter"/> in place of the parameter named <paramref name="name"/>
    /// (PyTorch's <c>module.name = parameter</c>, which re-registers the attribute), or registers it
    /// when the module has no such attribute. Weight tying is one call:
    /// <c>decoder.SetParameter("weight", encoder.Weight)</c> (<see cref="Linear.Weight"/> and
    /// <see cref="Embedding.Weight"/> also have setters). The tied tensor is then listed once by
    /// <see cref="Parameters"/> (so an optimizer updates it once, with the gradients of both uses
    /// accumulated), while <see cref="StateDict"/> holds it under both names, as PyTorch's does.
    /// Shapes are not checked, as in PyTorch; a wrong one fails at the next forward.
    /// </summary>
    /// <param name="name">The parameter's name in this module (<c>"weight"</c>), not a dotted path.</param>
    /// <param name="parameter">The new parameter; null only where the module allows none (an optional bias).</param>
    /// <exception cref="ArgumentException">The name belongs to a submodule or a buffer, or null is given for a parameter the module requires.</exception>
    public void SetParameter(string name, Parameter? parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}.SetParameter: parameter name can't contain \".\", got \"{name}\"; call SetParameter on the submodule that owns it.");
        var slot = Slots.FirstOrDefault(s => s.Name == name);
        if (slot is not null)
        {
            if (slot.Kind != ModuleMembers.Kind.Tensor)
                throw new ArgumentException($"{GetType().Name}.SetParameter: '{name}' is a {(slot.Kind == ModuleMembers.Kind.Module ? "submodule" : "buffer")}, not a parameter.");
            if (!slot.Field.FieldType.IsAssignableFrom(typeof(Parameter)))
                throw new ArgumentException($"{GetType().Name}.SetParameter: '{name}' holds a {slot.Field.FieldType.Name}, which a Parameter can't replace.");
            if (parameter is null && Nullability.Create(slot.Field).WriteState == NullabilityState.NotNull)
                throw new ArgumentException($"{GetType().Name}.SetParameter: '{name}' can't be null in this module.");
            var old = slot.Field.GetValue(this) as Parameter;
            OnParameterReplacing(name, old, parameter);
            slot.Field.SetValue(this, parameter);
            return;
        }
        int i = _parameters.FindIndex(p => p.Name == name);
        if (i >= 0)
        {
            OnParameterReplacing(name, _parameters[i].Value, parameter);
            _parameters[i] = (name, parameter);
            return;
        }
        if (_modules.Any(m => m.Name == name) || _buffers.Any(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name}.SetParameter: '{name}' is a {(_modules.Any(m => m.Name == name) ? "submodule" : "buffer")}, not a parameter.");
        RegisterParameter(name, parameter);
    }

    /// <summary>
    /// Called by <see cref="SetParameter"/> before a parameter is replaced, so a module that keeps its
    /// parameters in other lists too (the recurrent layers) can follow, or refuse by throwing.
    /// </summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="old">The parameter being replaced (null if none).</param>
    /// <param name="value">The new parameter (may be null).</param>
    protected virtual void OnParameterReplacing(string name, Parameter? old, Parameter? value) { }
}
