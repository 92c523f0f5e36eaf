namespace Ember.Serialization.Pickle;

/// <summary>
/// Thrown by a <see cref="IPickleResolver"/> (and the reader itself) to refuse a pickle; the reader
/// adds the byte position and turns it into the caller's exception type.
/// </summary>
internal sealed class PickleRefusedException(string message) : Exception(message);
