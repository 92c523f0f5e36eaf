using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Ember;

/// <summary>
/// Ember's warning channel, as Python's <c>warnings</c> module is PyTorch's: Ember warns where PyTorch
/// warns, with PyTorch's text, and the user decides what a warning does.
/// </summary>
/// <remarks>
/// <para>By default a warning is written to standard error as <c>UserWarning: text</c>, once per
/// distinct category and text per process. Python's default shows it once per source line instead;
/// .NET has no cheap way to know the caller's line, and PyTorch's texts name the shapes or the
/// option involved, so a loop that repeats one mistake warns once, as in Python, and a different
/// mistake warns again.</para>
/// <para>Filters (<see cref="Filter"/>, <see cref="Ignore"/>) are process-wide. The scopes
/// <see cref="Suppress"/> and <see cref="Capture"/> apply to the code that runs inside them: the
/// current thread and the tasks and threads it starts meanwhile (they follow the
/// <see cref="ExecutionContext"/>), not to other threads, so parallel tests do not see each other's
/// warnings. Everything here is safe to call from several threads at once.</para>
/// </remarks>
public static class Warnings
{
    private sealed record FilterEntry(WarningAction Action, Regex? Message, WarningCategory? Category);

    private static readonly Lock Gate = new();
    private static FilterEntry[] s_filters = [];   // replaced whole under Gate; most recent first
    private static readonly ConcurrentDictionary<Warning, byte> Shown = new();
    private static readonly AsyncLocal<Scope?> CurrentScope = new();
    private static Action<Warning> s_handler = WriteToStandardError;

    /// <summary>
    /// Where shown warnings go (<c>warnings.showwarning</c>); by default <see cref="WriteToStandardError"/>.
    /// Set it to route warnings to a logger. Called on the thread that warned.
    /// </summary>
    public static Action<Warning> Handler
    {
        get => Volatile.Read(ref s_handler);
        set => Volatile.Write(ref s_handler, value ?? throw new ArgumentNullException(nameof(value), "Warnings.Handler: pass a handler (WriteToStandardError is the default)."));
    }

    /// <summary>The default <see cref="Handler"/>: writes <c>UserWarning: text</c> on a line of standard error.</summary>
    public static void WriteToStandardError(Warning warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        Console.Error.WriteLine(warning.ToString());
    }

    /// <summary>
    /// Raises a warning (<c>warnings.warn(message, category)</c>). Ember calls it where PyTorch
    /// warns; a library built on Ember may call it too.
    /// </summary>
    /// <exception cref="WarningException">A filter with <see cref="WarningAction.Error"/> matches.</exception>
    public static void Warn(string message, WarningCategory category = WarningCategory.UserWarning)
    {
        ArgumentNullException.ThrowIfNull(message);
        var warning = new Warning(category, message);
        if (CurrentScope.Value is { } scope)
        {
            scope.Take(warning);
            return;
        }
        switch (ActionFor(warning))
        {
            case WarningAction.Ignore: return;
            case WarningAction.Error: throw new WarningException(warning);
            case WarningAction.Default when !Shown.TryAdd(warning, 0): return;
        }
        Handler(warning);
    }

    /// <summary>
    /// Adds a filter in front of the others (<c>warnings.filterwarnings(action, message, category)</c>):
    /// warnings whose text matches <paramref name="message"/> (a regular expression matched at the
    /// start of the text, ignoring case, as Python does; null matches all) and whose category is
    /// <paramref name="category"/> (null: any) get <paramref name="action"/>. The first matching filter wins.
    /// </summary>
    public static void Filter(WarningAction action, string? message = null, WarningCategory? category = null)
    {
        if (!Enum.IsDefined(action))
            throw new ArgumentOutOfRangeException(nameof(action), action, $"Warnings.Filter: {(int)action} is not a WarningAction (Default, Always, Ignore or Error).");
        var regex = message is null ? null : new Regex(@"\G(?:" + message + ")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        lock (Gate) s_filters = [new FilterEntry(action, regex, category), .. s_filters];
    }

    /// <summary>Ignores every warning from now on, in every thread (<c>warnings.filterwarnings("ignore")</c>).</summary>
    public static void Ignore() => Filter(WarningAction.Ignore);

    /// <summary>
    /// Removes every filter (<c>warnings.resetwarnings()</c>) and forgets which warnings were shown,
    /// so each shows once again.
    /// </summary>
    public static void ResetFilters()
    {
        lock (Gate) s_filters = [];
        Shown.Clear();
    }

    /// <summary>
    /// Until disposed, warnings raised by this code (this thread and what it starts) are dropped
    /// (<c>with warnings.catch_warnings(): warnings.simplefilter("ignore")</c>). Other threads still warn.
    /// </summary>
    public static IDisposable Suppress() => new Scope(record: false);

    /// <summary>
    /// Until disposed, warnings raised by this code (this thread and what it starts) are recorded in
    /// the returned list instead of shown, every occurrence, whatever the filters say
    /// (<c>with warnings.catch_warnings(record=True) as w: warnings.simplefilter("always")</c>).
    /// </summary>
    public static WarningCapture Capture() => new();


    private static WarningAction ActionFor(Warning w)
    {
        foreach (var f in Volatile.Read(ref s_filters))
            if ((f.Category is null || f.Category == w.Category) && (f.Message is null || f.Message.IsMatch(w.Message)))
                return f.Action;
        return WarningAction.Default;
    }

    /// <summary>A Suppress or Capture scope; scopes nest, and disposing one restores the one outside it.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private readonly List<Warning>? _records;
        private bool _disposed;

        internal Scope(bool record)
        {
            _records = record ? [] : null;
            _outer = CurrentScope.Value;
            CurrentScope.Value = this;
        }

        internal void Take(Warning w)
        {
            if (_records is null) return;
            lock (_records) _records.Add(w);
        }

        /// <summary>A copy of what was recorded so far.</summary>
        internal Warning[] Records()
        {
            if (_records is null) return [];
            lock (_records) return [.. _records];
        }

        /// <summary>Ends the scope on the context that made it.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (ReferenceEquals(CurrentScope.Value, this)) CurrentScope.Value = _outer;
        }
    }
}

/// <summary>
/// The warnings recorded by <see cref="Warnings.Capture"/> (<c>catch_warnings(record=True)</c>'s list).
/// Dispose it to end the capture; the list stays readable afterwards.
/// </summary>
public sealed class WarningCapture : IReadOnlyList<Warning>, IDisposable
{
    private readonly Warnings.Scope _scope = new(record: true);

    internal WarningCapture() { }

    /// <summary>The <paramref name="index"/>-th warning recorded.</summary>
    public Warning this[int index] => _scope.Records()[index];

    /// <summary>How many warnings were recorded so far.</summary>
    public int Count => _scope.Records().Length;

    /// <summary>The texts recorded so far, in order.</summary>
    public IReadOnlyList<string> Messages => _scope.Records().Select(w => w.Message).ToArray();

    /// <summary>Ends the capture: later warnings go to the scope outside it, or the filters.</summary>
    public void Dispose() => _scope.Dispose();

    /// <inheritdoc/>
    public IEnumerator<Warning> GetEnumerator() => ((IEnumerable<Warning>)_scope.Records()).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
