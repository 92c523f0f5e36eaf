namespace Ember;

/// <summary>The kind of a warning, as Python's warning categories (PyTorch uses <see cref="UserWarning"/> for nearly all).</summary>
public enum WarningCategory
{
    /// <summary><c>UserWarning</c>: the default, and what PyTorch raises, deprecations included.</summary>
    UserWarning,
    /// <summary><c>DeprecationWarning</c>.</summary>
    DeprecationWarning,
    /// <summary><c>FutureWarning</c>.</summary>
    FutureWarning,
    /// <summary><c>RuntimeWarning</c>.</summary>
    RuntimeWarning,
    /// <summary><c>torch.jit.TracerWarning</c>: something a trace cannot follow (a value read into C#, a constant baked into the graph).</summary>
    TracerWarning,
}

/// <summary>What a warnings filter does with the warnings it matches (Python's filter actions).</summary>
public enum WarningAction
{
    /// <summary>Show each distinct warning (category and text) once per process (Python's <c>"once"</c>; Ember's default, see <see cref="Warnings"/>).</summary>
    Default,
    /// <summary>Show every occurrence (<c>"always"</c>).</summary>
    Always,
    /// <summary>Show nothing (<c>"ignore"</c>).</summary>
    Ignore,
    /// <summary>Throw a <see cref="WarningException"/> instead (<c>"error"</c>).</summary>
    Error,
}

/// <summary>One warning: its category and text (<c>warnings.WarningMessage</c>: <c>.category</c>, <c>.message</c>).</summary>
/// <param name="Category">The category.</param>
/// <param name="Message">The text, as PyTorch words it.</param>
public sealed record Warning(WarningCategory Category, string Message)
{
    /// <summary>The line Python prints for it, without the source location: <c>UserWarning: text</c>.</summary>
    public override string ToString() => $"{Category}: {Message}";
}

/// <summary>A warning turned into an error by <see cref="WarningAction.Error"/> (Python raising the warning).</summary>
public sealed class WarningException : Exception
{
    /// <summary>Wraps <paramref name="warning"/>; the exception's message is its text.</summary>
    public WarningException(Warning warning) : base(warning?.ToString())
    {
        ArgumentNullException.ThrowIfNull(warning);
        Warning = warning;
    }

    /// <summary>The warning that was raised.</summary>
    public Warning Warning { get; }
}
