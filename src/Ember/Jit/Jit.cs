using Ember.NN;

namespace Ember.Jit;

/// <summary>
/// Graph mode's entry points (<c>torch.jit</c>): <see cref="Trace(Module{Tensor, Tensor}, Tensor, IEnumerable{Tensor}?, IReadOnlyList{DynamicDim}?)"/>
/// runs a module once and records the tensor ops of its forward into a <see cref="Graph"/> that a
/// <see cref="TracedModule"/> replays without the module's C# code. See docs/graph-mode.md.
/// </summary>
public static partial class Jit
{
    /// <summary>
    /// Traces a one-input module (<c>torch.jit.trace(module, example_inputs, check_inputs=...)</c>): runs
    /// <paramref name="module"/> on <paramref name="exampleInput"/> with a recorder active and returns a module
    /// that replays the recorded ops. Control flow in the forward is frozen to the path the example took;
    /// reading a traced value into C# (<c>Item()</c>, <c>ToArray()</c>) raises a <see cref="WarningCategory.TracerWarning"/>.
    /// </summary>
    /// <param name="module">The module; its parameters and buffers stay shared with the traced module.</param>
    /// <param name="exampleInput">The input the forward is traced with.</param>
    /// <param name="checkInputs">More inputs, each run eagerly and through the trace; a mismatch throws.</param>
    /// <param name="dynamicDims">Dims of the input whose size may change between calls (usually <see cref="DynamicDim.Batch"/>).</param>
    /// <exception cref="InvalidOperationException">The forward cannot be traced, or a check input gives a different result.</exception>
    public static TracedModule Trace(Module<Tensor, Tensor> module, Tensor exampleInput, IEnumerable<Tensor>? checkInputs = null, IReadOnlyList<DynamicDim>? dynamicDims = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(exampleInput);
        return TraceCore(module, xs => [module.Call(xs[0])], [exampleInput], ["input"], checkInputs?.Select(c => new[] { c }).ToList(), dynamicDims);
    }

    /// <summary>Traces a two-input module (a transformer layer with its mask, a loss); see the one-input form. The result's <see cref="TracedModule.Run"/> takes both inputs.</summary>
    public static TracedModule Trace(Module<Tensor, Tensor, Tensor> module, Tensor exampleInput1, Tensor exampleInput2,
        IEnumerable<(Tensor, Tensor)>? checkInputs = null, IReadOnlyList<DynamicDim>? dynamicDims = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        return TraceCore(module, xs => [module.Call(xs[0], xs[1])], [exampleInput1, exampleInput2], ["input1", "input2"],
            checkInputs?.Select(c => new[] { c.Item1, c.Item2 }).ToList(), dynamicDims);
    }

    /// <summary>
    /// Traces any forward of <paramref name="module"/> with several inputs and outputs (a recurrent layer
    /// returning its states, a model taking a mask): <paramref name="forward"/> receives the inputs and returns
    /// the tensors to output. Parameters and buffers are found by reference among <paramref name="module"/>'s.
    /// </summary>
    public static TracedModule Trace(Module module, Func<Tensor[], Tensor[]> forward, Tensor[] exampleInputs,
        IEnumerable<Tensor[]>? checkInputs = null, IReadOnlyList<DynamicDim>? dynamicDims = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(exampleInputs);
        var names = exampleInputs.Length == 1 ? ["input"] : exampleInputs.Select((_, i) => $"input{i + 1}").ToArray();
        return TraceCore(module, forward, exampleInputs, names, checkInputs?.ToList(), dynamicDims);
    }

    private static TracedModule TraceCore(Module module, Func<Tensor[], Tensor[]> forward, Tensor[] inputs, string[] names,
        List<Tensor[]>? checks, IReadOnlyList<DynamicDim>? dynamicDims)
    {
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is null) throw new ArgumentNullException(nameof(inputs), $"Jit.Trace: example input {i} is null.");
        var dyn = Normalize(dynamicDims ?? [], inputs);
        var graph = TraceOnce(module, forward, inputs, names);
        if (dyn.Count > 0)
        {
            var sizes = dyn.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => (long)inputs[g.First().Input].Layout.Shape[g.First().Dim]);
            foreach (var (symbol, size) in sizes)
            {
                // A second trace with this dim one larger shows which sizes follow it (see SymbolicShapes).
                var grown = inputs.Select((x, i) => Grow(x, dyn.Where(d => d.Input == i && d.Name == symbol).Select(d => d.Dim))).ToArray();
                Graph other;
                using (Warnings.Suppress())
                using (new StateSnapshot(module)) other = TraceOnce(module, forward, grown, names);
                SymbolicShapes.Unify(graph, other, symbol, size, size + 1, sizes);
            }
            graph.DynamicDims = dyn;
        }
        var traced = new TracedModule(module, graph);
        if (checks is not null)
            for (int i = 0; i < checks.Count; i++) Check(module, forward, traced, checks[i], i);
        return traced;
    }

    private static Graph TraceOnce(Module module, Func<Tensor[], Tensor[]> forward, Tensor[] inputs, string[] names)
    {
        var named = module.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(module.NamedBuffers());
        var recorder = new TraceRecorder(named);
        for (int i = 0; i < inputs.Length; i++) recorder.AddInput(inputs[i], names[i]);
        Tensor[] outputs;
        using (Tracer.Begin(recorder)) outputs = forward(inputs);
        if (outputs is null || outputs.Length == 0) throw new InvalidOperationException("Jit.Trace: the forward returned no tensors.");
        foreach (var o in outputs) recorder.AddOutput(o ?? throw new InvalidOperationException("Jit.Trace: the forward returned a null tensor."));
        recorder.Graph.TracedInTrainingMode = module.Training;
        return recorder.Graph;
    }

    private static List<DynamicDim> Normalize(IReadOnlyList<DynamicDim> dims, Tensor[] inputs)
    {
        var r = new List<DynamicDim>();
        foreach (var d in dims)
        {
            ArgumentNullException.ThrowIfNull(d);
            if (d.Input < 0 || d.Input >= inputs.Length)
                throw new ArgumentException($"Jit.Trace: dynamic dim '{d.Name}' names input {d.Input}, but there are {inputs.Length} input(s).");
            var x = inputs[d.Input];
            int dim = d.Dim < 0 ? d.Dim + x.NDim : d.Dim;
            if (dim < 0 || dim >= x.NDim)
                throw new ArgumentException($"Jit.Trace: dynamic dim '{d.Name}' is dim {d.Dim} of input {d.Input}, whose shape {x.Shape} has no such dim.");
            if (x.Layout.Shape[dim] < 1)
                throw new ArgumentException($"Jit.Trace: dynamic dim '{d.Name}' (dim {dim} of input {d.Input}, shape {x.Shape}) is empty; trace with at least one element there.");
            r.Add(d with { Dim = dim });
        }
        return r;
    }

    // The input with its first slice along each dim appended again: same values, one larger there.
    private static Tensor Grow(Tensor x, IEnumerable<int> dims)
    {
        foreach (int d in dims) x = Tensor.Cat([x, x.Narrow(d, 0, 1)], d);
        return x;
    }

    private static void Check(Module module, Func<Tensor[], Tensor[]> forward, TracedModule traced, Tensor[] inputs, int index)
    {
        Tensor[] eager, replay;
        using (var snap = new StateSnapshot(module))
        {
            eager = forward(inputs);
            snap.Restore();
            replay = traced.Run(inputs);
        }
        if (eager.Length != replay.Length)
            throw new InvalidOperationException($"Jit.Trace: check input {index}: the module returned {eager.Length} outputs but the trace {replay.Length}.");
        for (int i = 0; i < eager.Length; i++)
        {
            var (e, r) = (eager[i], replay[i]);
            string? why = e.Shape != r.Shape ? $"shape {r.Shape} traced vs {e.Shape} eager"
                : e.DType != r.DType ? $"dtype {r.DType.TorchName()} traced vs {e.DType.TorchName()} eager"
                : !(e.DType.IsFloatingPoint() ? r.AllClose(e, 1e-5, 1e-5, equalNan: true) : r.Equal(e))
                    ? $"values differ by up to {(r.To(DType.Float64) - e.To(DType.Float64)).Abs().Max().Item().ToDouble():G4}" : null;
            if (why is not null)
                throw new InvalidOperationException(
                    $"Jit.Trace: the trace does not reproduce the module on check input {index} (shapes {string.Join(", ", inputs.Select(x => x.Shape))}): output {i}: {why}. " +
                    "The forward probably takes a path that depends on its input's values or sizes (see any TracerWarning), or reads state the trace froze; " +
                    "trace with an input that takes the same path, mark varying sizes with dynamicDims, or keep that part eager.");
        }
    }

    /// <summary>Saves the module's buffers and the default generator, and puts them back: extra runs at trace time leave no trace.</summary>
    private sealed class StateSnapshot : IDisposable
    {
        private readonly (Tensor Buffer, Tensor Copy)[] _buffers;
        private readonly byte[] _rng = Generator.Default.GetState();

        internal StateSnapshot(Module module)
        {
            using (Autograd.NoGrad()) _buffers = module.Buffers().Select(b => (b, b.Clone())).ToArray();
        }

        internal void Restore()
        {
            using (Autograd.NoGrad()) foreach (var (b, c) in _buffers) b.Copy_(c);
            Generator.Default.SetState(_rng);
        }

        public void Dispose() => Restore();
    }
}
