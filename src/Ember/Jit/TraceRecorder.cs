using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Ember.Jit;

/// <summary>
/// Builds one <see cref="Graph"/> while a forward runs: maps each tensor the forward touches to its graph
/// value (traced inputs, the module's parameters and buffers by state-dict key, node outputs, constants),
/// and notes tensors made outside traced ops so a graph that could not replay correctly is refused or warned about.
/// </summary>
internal sealed class TraceRecorder
{
    private readonly Dictionary<Tensor, Value> _values = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, string> _parameterNames = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Storage> _graphStorages = new(ReferenceEqualityComparer.Instance);
    private readonly ConditionalWeakTable<Tensor, string> _untraced = [];
    private readonly HashSet<string> _warned = [];

    internal TraceRecorder(IEnumerable<(string Name, Tensor Tensor)> namedTensors)
    {
        foreach (var (name, t) in namedTensors) _parameterNames.TryAdd(t, name);
    }

    /// <summary>Above zero while a traced op runs: ops it calls are not recorded.</summary>
    internal int Depth;

    internal Graph Graph { get; } = new();

    internal Value AddInput(Tensor t, string name)
    {
        var v = Graph.NewValue(name, ValueKind.Input, t.DType, StaticShape(t));
        Bind(t, v);
        return v;
    }

    internal void AddOutput(Tensor t) => Graph.AddOutput(Lookup(t, "return", 0));

    internal void AddNode(string op, Tensor?[] inputs, Attributes attributes, OpRunner runner, Tensor[] outputs)
    {
        var ins = new Value?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) ins[i] = inputs[i] is { } t ? Lookup(t, op, i) : null;
        var node = new Node(op, ins, attributes, runner);
        var outs = new Value[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
        {
            var v = Graph.NewValue(null, ValueKind.Intermediate, outputs[i].DType, StaticShape(outputs[i]));
            v.Producer = node;
            v.OutputIndex = i;
            outs[i] = v;
            Bind(outputs[i], v);   // an in-place op rebinds its input tensor to the new value
        }
        node.Outputs = outs;
        Graph.AddNode(node);
    }

    private void Bind(Tensor t, Value v)
    {
        _values[t] = v;
        _graphStorages.Add(t.Storage);
    }

    private Value Lookup(Tensor t, string op, int arg)
    {
        if (_values.TryGetValue(t, out var v)) return v;
        if (_parameterNames.TryGetValue(t, out var name))
        {
            v = Graph.NewValue(name, ValueKind.Parameter, t.DType, StaticShape(t));
            Bind(t, v);
            return v;
        }
        if (!t.IsWrappedNumber)
        {
            bool madeDuringTrace = _untraced.TryGetValue(t, out var site);
            if (_graphStorages.Contains(t.Storage))
                throw new InvalidOperationException(
                    $"Jit.Trace: argument {arg} of {op} (shape {t.Shape}, {t.DType.TorchName()}) is a view of a traced tensor made by {site ?? "an operation outside the trace"}, " +
                    "which the tracer does not record yet, so a replay could not reproduce it. Use a traced op (Reshape, View, Transpose, Narrow, ...) or report the op as missing from Ember.Jit.");
            string what = madeDuringTrace ? $"a tensor made by {site}" : "a tensor that is neither an input nor a parameter or buffer of the module";
            Warn($"Jit.Trace: {what} (shape {t.Shape}) is used by {op}; it is recorded as a constant, so the traced module will use this value for every input. " +
                 "If it depends on the input, the trace is wrong: compute it with traced tensor ops, or register it as a buffer.");
        }
        v = Graph.NewValue(null, ValueKind.Constant, t.DType, StaticShape(t));
        v.ConstantTensor = t;
        _values[t] = v;
        return v;
    }

    internal void NoteUntraced(Tensor t)
    {
        _untraced.AddOrUpdate(t, CallSite());
    }

    internal void NoteRead(Tensor t, string what)
    {
        // Values of the graph, and tensors made outside traced ops during the trace (they may derive from the inputs).
        if (t.IsWrappedNumber || (!_values.ContainsKey(t) && !_graphStorages.Contains(t.Storage) && !_untraced.TryGetValue(t, out _))) return;
        Warn($"Converting a tensor to a C# value ({what}) might cause the trace to be incorrect. The value is read once, at trace time, " +
             $"and whatever the code does with it (a branch, a loop count, a size) is fixed in the graph, so the traced module might not generalize to other inputs. (TracerWarning, from {CallSite()})");
    }

    private void Warn(string message)
    {
        if (_warned.Add(message)) Warnings.Warn(message, WarningCategory.TracerWarning);
    }

    /// <summary>The first method outside Ember's tensor core on the stack: where an untraced tensor came from.</summary>
    private static string CallSite()
    {
        var frames = new StackTrace(2, false).GetFrames();
        string? first = null;
        foreach (var f in frames)
        {
            if (DiagnosticMethodInfo.Create(f) is not { } m || m.DeclaringTypeName is not { } typeName) continue;
            if (typeName.StartsWith("Ember.Jit.", StringComparison.Ordinal)) continue;
            bool core = typeName == "Ember.Tensor";
            if (core && (m.Name.StartsWith("Alloc", StringComparison.Ordinal) || m.Name == ".ctor" || m.Name == "WithLayout")) continue;
            string name = $"{typeName[(typeName.LastIndexOf('.') + 1)..]}.{m.Name}";
            first ??= name;
            if (!core && !name.Contains('<', StringComparison.Ordinal)) return first == name ? name : $"{first} (called from {name})";
        }
        return first ?? "an unknown operation";
    }

    internal static SymInt[] StaticShape(Tensor t)
    {
        var s = t.Layout.Shape;
        var r = new SymInt[s.Length];
        for (int i = 0; i < s.Length; i++) r[i] = s[i];
        return r;
    }
}
