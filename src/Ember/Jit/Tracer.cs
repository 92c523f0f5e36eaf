namespace Ember.Jit;

/// <summary>
/// The hook traceable ops call. Each thread has its own recorder ([ThreadStatic]), so a trace on one
/// thread never sees another thread's ops. While a traced op runs, the recorder's depth is above zero and
/// the ops it calls inside run untraced: the graph holds the op the user called, not its implementation.
/// </summary>
/// <remarks>
/// A traceable op starts with <c>if (Tracer.IsActive) return Tracer.Record(name, inputs, attributes, runner);</c>
/// where the runner calls the op again (now untraced) from inputs and attributes: the same call serves the
/// trace and every replay, so a replay runs exactly the ops the eager forward ran.
/// </remarks>
internal static class Tracer
{
    [ThreadStatic] private static TraceRecorder? t_recorder;

    /// <summary>The recorder of this thread, if a trace is under way.</summary>
    internal static TraceRecorder? Current => t_recorder;

    /// <summary>True when an op called now must be recorded: a trace is under way and no traced op is running.</summary>
    internal static bool IsActive => t_recorder is { Depth: 0 };

    /// <summary>Runs a one-output op and records it.</summary>
    internal static Tensor Record(string op, Tensor?[] inputs, Attributes? attributes, OpRunner runner) =>
        RecordMany(op, inputs, attributes, runner)[0];

    /// <summary>Runs an op and records it with all its outputs.</summary>
    internal static Tensor[] RecordMany(string op, Tensor?[] inputs, Attributes? attributes, OpRunner runner)
    {
        var r = t_recorder!;
        attributes ??= new Attributes();
        Tensor[] outs;
        r.Depth++;
        try { outs = runner(inputs, attributes); }
        finally { r.Depth--; }
        r.AddNode(op, inputs, attributes, runner, outs);
        return outs;
    }

    /// <summary>Called for every new tensor: one made outside any traced op is not in the graph, which the recorder notes.</summary>
    internal static void OnTensorCreated(Tensor t)
    {
        if (t_recorder is { Depth: 0 } r) r.NoteUntraced(t);
    }

    /// <summary>Called when C# reads a tensor's values (<c>Item</c>, <c>ToArray</c>): the trace cannot follow what the code does with them.</summary>
    internal static void OnRead(Tensor t, string what)
    {
        if (t_recorder is { Depth: 0 } r) r.NoteRead(t, what);
    }

    /// <summary>Makes <paramref name="recorder"/> this thread's recorder until the scope is disposed.</summary>
    internal static Scope Begin(TraceRecorder recorder)
    {
        if (t_recorder is not null)
            throw new InvalidOperationException("Jit.Trace: a trace is already under way on this thread; traces do not nest.");
        t_recorder = recorder;
        return new Scope();
    }

    /// <summary>Runs <paramref name="action"/> with recording paused (the recorder's own tensor work).</summary>
    internal static T Untraced<T>(Func<T> action)
    {
        var r = t_recorder;
        if (r is null) return action();
        r.Depth++;
        try { return action(); }
        finally { r.Depth--; }
    }

    internal readonly struct Scope : IDisposable
    {
        public void Dispose() => t_recorder = null;
    }
}
