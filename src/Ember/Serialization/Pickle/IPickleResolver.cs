namespace Ember.Serialization.Pickle;

/// <summary>
/// The only door from a pickle to objects: which globals exist, what calling them builds, and what a
/// persistent id loads. <see cref="PickleReader"/> handles plain data (numbers, strings, tuples, lists,
/// dicts) itself and asks this for everything else; anything it does not recognise it refuses by name
/// with a <see cref="PickleRefusedException"/>. Nothing is ever looked up by reflection.
/// </summary>
internal interface IPickleResolver
{
    /// <summary>The object a <c>GLOBAL module name</c> pushes; refuse names that are not allowed.</summary>
    object Global(string module, string name);

    /// <summary><c>REDUCE</c>: the result of calling <paramref name="callable"/> (a value from <see cref="Global"/>) with <paramref name="args"/>.</summary>
    object? Reduce(object callable, object?[] args);

    /// <summary><c>BUILD</c>: applies <paramref name="state"/> to <paramref name="target"/>, returning the object left on the stack.</summary>
    object? Build(object? target, object? state);

    /// <summary><c>BINPERSID</c>: the object a persistent id names (PyTorch's storages).</summary>
    object? PersistentLoad(object? pid);
}
