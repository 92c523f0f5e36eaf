namespace Ember.Serialization;

/// <summary>
/// Anything whose state a <see cref="Checkpoint"/> can hold: PyTorch's <c>state_dict()</c> /
/// <c>load_state_dict()</c> pair for objects other than modules and optimizers, such as learning-rate
/// schedulers. Values must be savable by <see cref="TorchFile.Save(object?, string)"/>: null, bools,
/// numbers, strings, tensors, tuples, lists and dictionaries of those.
/// </summary>
public interface IStateful
{
    /// <summary>The object's state (<c>state_dict()</c>).</summary>
    IReadOnlyDictionary<string, object?> StateDict();

    /// <summary>Restores a state returned by <see cref="StateDict"/> (<c>load_state_dict()</c>). Numbers may come back widened (ints as <see cref="long"/>, floats as <see cref="double"/>).</summary>
    void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict);
}
