using Ember.Backends;

namespace Ember.Jit.Passes;

/// <summary>
/// A frozen inference graph's arena plan (see <see cref="MemoryPlanner"/>): which nodes have a kernel that
/// writes into a given output, which values alias which, and, per size of the dynamic dims, the arena with
/// every planned value's slot. One replay at a time uses the arena; a concurrent call, a call that must
/// record gradients, or a call with unexpected shapes goes to the ordinary interpreter.
/// </summary>
internal sealed class MemoryPlan
{
    private enum Kind { Fallback, Conv, Linear, Pointwise, MaxPool, Alias }

    private sealed class Step(Node node, Kind kind)
    {
        public readonly Node Node = node;
        public Kind Kind = kind;
        public int[] Args = node.Inputs.Select(v => v?.Id ?? -1).ToArray();   // value ids in the kernel's argument order
        public FusedPointwise? Program;
        public bool Relu, Pool, Is1d;
        public int[] K = [], S = [], P = [], D = [];
        public bool Ceil;
    }

    private static readonly HashSet<string> AliasOps =
        ["aten::flatten", "aten::view", "aten::reshape", "aten::contiguous", "aten::squeeze", "aten::unsqueeze", "aten::dropout", "aten::feature_dropout"];

    private readonly Graph _graph;
    private readonly Step[] _steps;
    private readonly int[][] _aliases;      // value id -> the planned values (roots) it may share memory with
    private readonly bool[] _planned;       // value id -> written by a planned kernel into its own slot
    private readonly Dictionary<long, Instance> _instances = [];
    private int _busy;

    internal MemoryPlan(Graph graph)
    {
        _graph = graph;
        var uses = OpTraits.UseCounts(graph);
        _steps = graph.Nodes.Select(n => Classify(n, uses)).ToArray();
        _planned = new bool[graph.Values.Count];
        _aliases = new int[graph.Values.Count][];
        for (int i = 0; i < _aliases.Length; i++) _aliases[i] = [];
        foreach (var s in _steps)
        {
            var outs = s.Node.Outputs;
            switch (s.Kind)
            {
                case Kind.Alias:
                    _aliases[outs[0].Id] = _aliases[s.Args[0]];
                    break;
                case Kind.Fallback:
                    if (OpTraits.HasFreshOutputs(s.Node) && !s.Node.IsInPlace) break;
                    var roots = s.Node.Inputs.Where(v => v is not null).SelectMany(v => _aliases[v!.Id]).Distinct().ToArray();
                    foreach (var o in outs) _aliases[o.Id] = roots;
                    break;
                default:
                    _planned[outs[0].Id] = true;
                    _aliases[outs[0].Id] = [outs[0].Id];
                    break;
            }
        }
    }

    private static Step Classify(Node n, Dictionary<Value, int> uses)
    {
        var fallback = new Step(n, Kind.Fallback);
        if (n.Outputs.Count != 1 || n.Outputs[0].DType != DType.Float32) return fallback;
        switch (n.Op)
        {
            case "aten::conv2d" or "aten::conv1d" or EpilogueFusion.FusedConv2d or EpilogueFusion.FusedConv1d:
            {
                var s = new Step(n, Kind.Conv) { Is1d = n.Op.EndsWith("1d", StringComparison.Ordinal), Relu = n.Attributes.Contains("activation") };
                if (n.Attributes.Contains("pool_kernel_size"))
                {
                    var pa = EpilogueFusion.PoolAttributes(n.Attributes);
                    (s.Pool, s.K, s.S, s.P, s.D, s.Ceil) = (true, pa.Ints("kernel_size"), pa.Ints("stride"), pa.Ints("padding"), pa.Ints("dilation"), pa.Bool("ceil_mode"));
                }
                return s;
            }
            case "aten::linear" or EpilogueFusion.FusedLinear when n.Inputs[2] is not null:
                return new Step(n, Kind.Linear) { Relu = n.Attributes.Contains("activation") };
            case PointwiseFusion.FusedOp when PointwiseFusion.ProgramOf(n) is { } program:
                return new Step(n, Kind.Pointwise) { Program = program };
            case "aten::max_pool2d" when n.Outputs[0].Shape.Length == 4:
                return new Step(n, Kind.MaxPool)
                {
                    K = n.Attributes.Ints("kernel_size"), S = n.Attributes.Ints("stride"), P = n.Attributes.Ints("padding"),
                    D = n.Attributes.Ints("dilation"), Ceil = n.Attributes.Bool("ceil_mode"),
                };
            case var op when AliasOps.Contains(op) && !(n.Attributes.Contains("train") && n.Attributes["train"] is true) && n.Inputs[0]!.DType == DType.Float32:
                return new Step(n, Kind.Alias) { Args = [n.Inputs[0]!.Id] };
            default:
                if (n.IsInPlace || !OpTraits.HasFreshOutputs(n)) return fallback;
                // A lone elementwise op runs as a one-step program into its slot.
                if (PointwiseFusion.Program([n], uses) is var (prog, vals))
                    return new Step(n, Kind.Pointwise) { Program = prog, Args = vals.Select(v => v.Id).ToArray() };
                return fallback;
        }
    }

    /// <summary>How many nodes are planned, and the arena's size against one buffer per value, at dynamic dims of 1.</summary>
    internal (int Planned, int Total, long ArenaBytes, long NaiveBytes) Describe()
    {
        var inst = new Instance(this, _graph.DynamicDims.Select(d => d.Name).Distinct().ToDictionary(n => n, _ => 1L));
        return (_steps.Count(s => s.Kind != Kind.Fallback), _steps.Length, inst.Arena.Length * 4L, inst.NaiveFloats * 4L);
    }

    /// <summary>Replays the graph through the arena; false (nothing run) when this call cannot use it.</summary>
    internal bool TryRun(Tensor[] inputs, out Tensor[] outputs)
    {
        outputs = null!;
        if (inputs.Length != _graph.Inputs.Count) return false;
        long key = 0;
        string? symbol = null;
        foreach (var d in _graph.DynamicDims)
        {
            if (symbol is not null && symbol != d.Name) return false;   // one dynamic symbol at most
            symbol = d.Name;
            if (inputs[d.Input] is not { } t || d.Dim >= t.NDim) return false;
            key = t.Layout.Shape[d.Dim];
        }
        foreach (var t in inputs)
            if (t is null || (Autograd.IsGradEnabled && t.RequiresGrad)) return false;
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
        try
        {
            if (!_instances.TryGetValue(key, out var inst))
            {
                for (int i = 0; i < inputs.Length; i++)
                    if (inputs[i].NDim != _graph.Inputs[i].Shape.Length) return false;
                if (_instances.Count >= 8) _instances.Clear();
                inst = new Instance(this, symbol is null ? [] : new Dictionary<string, long> { [symbol] = key });
                _instances[key] = inst;
            }
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].DType != _graph.Inputs[i].DType || !inputs[i].Layout.Shape.AsSpan().SequenceEqual(inst.Shapes[_graph.Inputs[i].Id]))
                    return false;
            outputs = inst.Run(inputs);
            return true;
        }
        finally { Volatile.Write(ref _busy, 0); }
    }

    /// <summary>The arena and the tensors over it for one set of dynamic-dim sizes.</summary>
    private sealed class Instance
    {
        private readonly MemoryPlan _plan;
        private readonly CpuStorage<float> _storage;
        private readonly Tensor?[] _arenaTensors;   // value id -> its tensor over the arena
        private readonly Tensor?[] _scratch;        // step -> the convolution's output before pooling
        private readonly Tensor?[] _slots;
        private readonly Tensor?[][] _args;
        private readonly Attributes[] _attrs;
        private readonly (float[]?[] Full, int[] Offsets, float[] Scalars)[] _pointwise;
        private readonly (PoolWindows Windows, Storage Indices, Layout IndicesLayout)?[] _pools;

        internal readonly int[][] Shapes;
        internal float[] Arena => _storage.Data;
        internal long NaiveFloats;

        internal Instance(MemoryPlan plan, Dictionary<string, long> symbols)
        {
            _plan = plan;
            var g = plan._graph;
            var steps = plan._steps;
            Shapes = g.Values.Select(v => v.Shape.Select(s => checked((int)s.Evaluate(symbols))).ToArray()).ToArray();
            _attrs = steps.Select(s => s.Node.Attributes.HasSymbols ? s.Node.Attributes.Resolve(symbols) : s.Node.Attributes).ToArray();

            // Lifetimes of the planned values (roots): from the node that writes one to the last node that reads it or anything aliasing it.
            var def = new Dictionary<int, int>();
            var end = new Dictionary<int, int>();
            var size = new Dictionary<int, int>();
            var scratchShape = new int[steps.Length][];
            for (int i = 0; i < steps.Length; i++)
            {
                var s = steps[i];
                foreach (var v in s.Node.Inputs)
                    if (v is not null)
                        foreach (int r in plan._aliases[v.Id]) end[r] = Math.Max(end.GetValueOrDefault(r, i), i);
                if (s.Kind is Kind.Fallback or Kind.Alias) continue;
                int id = s.Node.Outputs[0].Id;
                (def[id], end[id], size[id]) = (i, i, Numel(Shapes[id]));
                if (s.Pool)
                {
                    scratchShape[i] = ConvShape(s, Shapes, _attrs[i]);
                    (def[~i], end[~i], size[~i]) = (i, i, Numel(scratchShape[i]));   // ~i: step i's scratch
                }
            }
            foreach (var o in g.Outputs)
                foreach (int r in plan._aliases[o.Id]) end[r] = int.MaxValue;

            // First fit in order of definition: a slot may reuse memory whose values are all dead.
            var offset = new Dictionary<int, int>();
            var placed = new List<(int Off, int Size, int End)>();
            int total = 0;
            foreach (var id in def.Keys.OrderBy(k => def[k]).ThenBy(k => k))
            {
                int sz = (size[id] + 15) & ~15, at = def[id], off = 0;
                var live = placed.Where(p => p.End >= at).OrderBy(p => p.Off).ToList();
                foreach (var p in live)
                {
                    if (off + sz <= p.Off) break;
                    off = Math.Max(off, p.Off + p.Size);
                }
                offset[id] = off;
                placed.Add((off, sz, end[id]));
                total = Math.Max(total, off + sz);
                NaiveFloats += sz;
            }
            _storage = new CpuStorage<float>(DType.Float32, new float[Math.Max(total, 1)]);
            _arenaTensors = new Tensor?[g.Values.Count];
            _scratch = new Tensor?[steps.Length];
            foreach (var (id, off) in offset)
            {
                if (id >= 0) _arenaTensors[id] = Over(Shapes[id], off);
                else _scratch[~id] = Over(scratchShape[~id], off);
            }
            // Views of planned values are the same memory under another shape.
            foreach (var s in steps)
                if (s.Kind == Kind.Alias && _arenaTensors[s.Args[0]] is { } src)
                    _arenaTensors[s.Node.Outputs[0].Id] = new Tensor(_storage, Layout.Contiguous(Shapes[s.Node.Outputs[0].Id]).WithOffset(src.Layout.Offset));
            _slots = new Tensor?[g.Values.Count];
            _args = steps.Select(s => new Tensor?[s.Args.Length]).ToArray();
            _pointwise = steps.Select(s => (new float[]?[s.Args.Length], new int[s.Args.Length], new float[s.Args.Length])).ToArray();
            // Max pooling's windows and the positions its kernel writes beside the values, made once per size.
            _pools = new (PoolWindows, Storage, Layout)?[steps.Length];
            for (int i = 0; i < steps.Length; i++)
            {
                var s = steps[i];
                if (!(s.Pool || s.Kind == Kind.MaxPool)) continue;
                int[] x = s.Pool ? scratchShape[i] : Shapes[s.Args[0]], y = Shapes[s.Node.Outputs[0].Id];
                if (x.Length != 4) continue;
                var idx = Layout.Contiguous(y);
                _pools[i] = (EpilogueKernels.Windows(x, y, s.K, s.S, s.P, s.D), new CpuStorage<long>(DType.Int64, new long[Math.Max(idx.NumElements, 1)]), idx);
            }
        }

        private Tensor Over(int[] shape, int offset) => new(_storage, Layout.Contiguous(shape).WithOffset(offset));

        private static int Numel(int[] shape) => shape.Aggregate(1, (a, b) => checked(a * b));

        // The convolution's own output shape in a conv + relu + pool node (its value is gone from the graph).
        private static int[] ConvShape(Step s, int[][] shapes, Attributes a)
        {
            int[] x = shapes[s.Args[0]], w = shapes[s.Args[1]];
            int[] st = a.Ints("stride"), dl = a.Ints("dilation");
            var res = new int[] { x[0], w[0], 0, 0 };
            for (int d = 0; d < 2; d++)
            {
                int n = x[2 + d], k = w[2 + d];
                res[2 + d] = a["padding"] switch
                {
                    "same" => n,
                    string => (n - dl[d] * (k - 1) - 1) / st[d] + 1,
                    int[] p => (n + 2 * p[d] - dl[d] * (k - 1) - 1) / st[d] + 1,
                    _ => throw new InvalidOperationException("MemoryPlan: unexpected convolution padding."),
                };
            }
            return res;
        }

        internal Tensor[] Run(Tensor[] inputs)
        {
            var g = _plan._graph;
            var steps = _plan._steps;
            var slots = _slots;
            for (int i = 0; i < inputs.Length; i++) slots[g.Inputs[i].Id] = inputs[i];
            foreach (var c in g.Constants) slots[c.Id] = c.ConstantTensor;
            using (Autograd.NoGrad())
            {
                for (int i = 0; i < steps.Length; i++)
                {
                    var s = steps[i];
                    var args = _args[i];
                    for (int j = 0; j < args.Length; j++) args[j] = s.Args[j] < 0 ? null : slots[s.Args[j]];
                    int outId = s.Node.Outputs[0].Id;
                    var y = _arenaTensors[outId];
                    bool done = s.Kind switch
                    {
                        Kind.Conv => RunConv(s, i, args, y!),
                        Kind.Linear => EpilogueKernels.LinearInto(args[0]!, args[1]!, args[2], y!) && Relu(s, y!),
                        Kind.Pointwise => s.Program!.TryRun(args, y, _pointwise[i].Full, _pointwise[i].Offsets, _pointwise[i].Scalars) is not null,
                        Kind.MaxPool => EpilogueKernels.CanPool(args[0]!) && _pools[i] is not null && Pool(args[0]!, y!, i, relu: false),
                        Kind.Alias => y is not null && ReferenceEquals(args[0], _arenaTensors[s.Args[0]]),
                        _ => false,
                    };
                    if (done) { slots[outId] = y; continue; }
                    var full = s.Kind == Kind.Fallback || s.Kind == Kind.Alias ? args : s.Node.Inputs.Select(v => v is null ? null : slots[v.Id]).ToArray();
                    var outs = s.Node.Runner(full, _attrs[i]);
                    for (int j = 0; j < outs.Length; j++) slots[s.Node.Outputs[j].Id] = outs[j];
                }
            }
            var result = new Tensor[g.Outputs.Count];
            for (int i = 0; i < result.Length; i++)
            {
                var t = slots[g.Outputs[i].Id]!;
                // Values in the arena are overwritten by the next replay: hand out a copy.
                if (ReferenceEquals(t.Storage, _storage)) using (Autograd.NoGrad()) t = t.Clone();
                result[i] = t;
            }
            Array.Clear(slots);
            foreach (var a in _args) Array.Clear(a);
            return result;
        }

        private bool RunConv(Step s, int i, Tensor?[] args, Tensor y)
        {
            var target = s.Pool ? _scratch[i]! : y;
            if (!EpilogueKernels.ConvInto(s.Is1d, args[0]!, args[1]!, args[2], _attrs[i], target)) return false;
            if (s.Pool) return _pools[i] is not null && Pool(target, y, i, s.Relu);
            return Relu(s, y);
        }

        private static bool Relu(Step s, Tensor y)
        {
            if (s.Relu) EpilogueKernels.ReluInPlace(y);
            return true;
        }

        private bool Pool(Tensor x, Tensor y, int i, bool relu)
        {
            var (windows, indices, layout) = _pools[i]!.Value;
            EpilogueKernels.MaxPool(x, y, indices, layout, windows, relu);
            return true;
        }
    }
}
