namespace Ember.Jit;

/// <summary>
/// Finds which sizes follow a dynamic dim by comparing two traces: the graph traced at the example's size
/// and one traced with that dim one larger. Both must hold the same ops in the same order; every shape
/// dim and integer attribute that differs between them becomes a <see cref="SymInt"/> fitted through the
/// two points (<c>k * symbol + c</c>). Op-independent: no shape function per op is needed, but a size that
/// is not linear in the dim (<c>batch / 2</c>, <c>batch * batch</c>) is fitted wrongly; <c>checkInputs</c> catches that.
/// </summary>
internal static class SymbolicShapes
{
    /// <param name="g1">The main trace; rewritten in place.</param>
    /// <param name="g2">The trace with <paramref name="symbol"/> at <paramref name="s2"/>.</param>
    /// <param name="symbol">The dynamic dim's name.</param>
    /// <param name="s1">Its size in <paramref name="g1"/>.</param>
    /// <param name="s2">Its size in <paramref name="g2"/>.</param>
    /// <param name="env">Every symbol's size in <paramref name="g1"/> (sizes fitted for another symbol are compared at those).</param>
    internal static void Unify(Graph g1, Graph g2, string symbol, long s1, long s2, IReadOnlyDictionary<string, long> env)
    {
        string Fail(string what) =>
            $"Jit.Trace: the traced graph changes with the size of the dynamic dim '{symbol}' ({what}), so that dim cannot vary: " +
            "the forward's ops depend on that size (a branch or loop on it, or a size the tracer bakes in). Leave the dim static, or trace the part that does not depend on it.";

        if (g1.Nodes.Count != g2.Nodes.Count || g1.Values.Count != g2.Values.Count)
            throw new InvalidOperationException(Fail($"{g1.Nodes.Count} ops at size {s1}, {g2.Nodes.Count} at size {s2}"));
        for (int i = 0; i < g1.Values.Count; i++)
        {
            var (a, b) = (g1.Values[i], g2.Values[i]);
            if (a.Kind != b.Kind || a.DType != b.DType || a.Shape.Length != b.Shape.Length || a.Name != b.Name)
                throw new InvalidOperationException(Fail($"value %{a.Name} is {a.TypeString} at size {s1} but %{b.Name} {b.TypeString} at size {s2}"));
            var shape = new SymInt[a.Shape.Length];
            for (int d = 0; d < shape.Length; d++)
                shape[d] = FitOne(a.Shape[d], b.Shape[d].Constant, symbol, s1, s2, env)
                    ?? throw new InvalidOperationException(Fail($"dim {d} of %{a.Name} is {a.Shape[d]} then {b.Shape[d]}"));
            if (a.Kind is ValueKind.Constant or ValueKind.Parameter && !shape.All(s => s.IsStatic))
                throw new InvalidOperationException(Fail($"the {a.Kind.ToString().ToLowerInvariant()} %{a.Name} changes shape, but its value is fixed at trace time"));
            a.Shape = shape;
        }
        for (int i = 0; i < g1.Nodes.Count; i++)
        {
            var (n1, n2) = (g1.Nodes[i], g2.Nodes[i]);
            string where = $"node {i}, {n1.Op}";
            if (n1.Op != n2.Op || n1.Inputs.Count != n2.Inputs.Count || n1.Attributes.Count != n2.Attributes.Count)
                throw new InvalidOperationException(Fail($"{where} is {n2.Op} at size {s2}"));
            for (int j = 0; j < n1.Inputs.Count; j++)
                if (n1.Inputs[j]?.Id != n2.Inputs[j]?.Id)
                    throw new InvalidOperationException(Fail($"{where} reads different values"));
            var attrs = new Attributes();
            for (int j = 0; j < n1.Attributes.Count; j++)
            {
                var (name, v1) = n1.Attributes.Items[j];
                var (name2, v2) = n2.Attributes.Items[j];
                if (name != name2) throw new InvalidOperationException(Fail($"{where} has different attributes"));
                if (!FitAttribute(v1, v2, symbol, s1, s2, env, out var fitted))
                    throw new InvalidOperationException(Fail($"{where}: attribute {name} is {Attributes.Format(v1)} at size {s1}, {Attributes.Format(v2)} at size {s2}"));
                attrs.Set(name, fitted);
            }
            n1.Attributes = attrs;
        }
        for (int i = 0; i < g1.Outputs.Count; i++)
            if (g1.Outputs[i].Id != g2.Outputs[i].Id) throw new InvalidOperationException(Fail("it returns different values"));
    }

    // null: the two observations cannot be one linear size.
    private static SymInt? FitOne(SymInt had, long seen, string symbol, long s1, long s2, IReadOnlyDictionary<string, long> env)
    {
        long before = had.Evaluate(env);
        if (before == seen) return had;
        if (!had.IsStatic) return null;   // already follows another dim: two symbols in one size are not supported
        return SymInt.Fit(symbol, s1, before, s2, seen);
    }

    // Sizes in attributes follow the same rule; anything else must be equal in both traces. False: irreconcilable.
    private static bool FitAttribute(object? v1, object? v2, string symbol, long s1, long s2, IReadOnlyDictionary<string, long> env, out object? fitted)
    {
        fitted = v1;
        if (Attributes.ValueEquals(v1, v2)) return true;
        fitted = (v1, v2) switch
        {
            (int a, int b) => FitOne(a, b, symbol, s1, s2, env) is { } f ? (f.IsStatic ? (int)f.Constant : f) : null,
            (SymInt a, int b) => FitOne(a, b, symbol, s1, s2, env),
            (int[] a, int[] b) when a.Length == b.Length => FitArray(a.Select(x => (SymInt)x).ToArray(), b, symbol, s1, s2, env),
            (SymInt[] a, int[] b) when a.Length == b.Length => FitArray(a, b, symbol, s1, s2, env),
            _ => null,
        };
        return fitted is not null;
    }

    private static SymInt[]? FitArray(SymInt[] a, int[] b, string symbol, long s1, long s2, IReadOnlyDictionary<string, long> env)
    {
        var r = new SymInt[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            if (FitOne(a[i], b[i], symbol, s1, s2, env) is not { } f) return null;
            r[i] = f;
        }
        return r;
    }
}
