namespace Ember.Optim;

/// <summary>
/// The base of every optimizer (<c>torch.optim.Optimizer</c>): parameter groups with their options,
/// per-parameter state, <see cref="ZeroGrad"/>, <see cref="Step()"/> and state dicts whose layout is
/// PyTorch's (<c>{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}</c>).
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, Dictionary<string, object>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an optimizer over one group holding <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object> defaults)
        : this(OneGroup(parameters), defaults) { }

    // No tensors at all is PyTorch's "optimizer got an empty parameter list".
    private static ParamGroup[] OneGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var g = new ParamGroup(parameters);
        return g.Params.Count == 0 ? [] : [g];
    }

    /// <summary>Creates an optimizer over several groups; options a group lacks come from <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, object> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Defaults = defaults;
        var list = groups.ToList();
        if (list.Count == 0) throw new ArgumentException($"{GetType().Name}: optimizer got an empty parameter list.");
        foreach (var g in list) AddParamGroup(g);
    }

    /// <summary>The options every new group starts from (<c>optimizer.defaults</c>).</summary>
    public IReadOnlyDictionary<string, object> Defaults { get; }

    /// <summary>The parameter groups (<c>optimizer.param_groups</c>).</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>Per-parameter state, e.g. momentum buffers (<c>optimizer.state</c>); empty until the first step.</summary>
    public IReadOnlyDictionary<Tensor, Dictionary<string, object>> State => _state;

    /// <summary>The state of one parameter, created empty on first use.</summary>
    protected Dictionary<string, object> StateOf(Tensor p)
    {
        if (!_state.TryGetValue(p, out var s)) _state[p] = s = new Dictionary<string, object>(StringComparer.Ordinal);
        return s;
    }

    /// <summary>Adds a group (<c>optimizer.add_param_group</c>); a parameter may belong to one group only.</summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        foreach (var p in group.Params)
        {
            if (!p.IsLeaf)
                throw new ArgumentException($"{GetType().Name}: can't optimize a non-leaf Tensor (shape {p.Shape}, produced by {p.GradFn?.Name}).");
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"{GetType().Name}: can only optimize floating-point tensors, got {p.DType.TorchName()}.");
            if (_groups.Any(g => g.Params.Any(q => ReferenceEquals(q, p))))
                throw new ArgumentException($"{GetType().Name}: some parameters appear in more than one parameter group.");
        }
        foreach (var (k, v) in Defaults) group.SetDefault(k, v is ICloneable c ? c.Clone() : v);
        // SGD's lr has no default (PyTorch's `required`): a group must then bring its own.
        if (!group.Has("lr"))
            throw new ArgumentException("parameter group didn't specify a value of required optimization parameter lr");
        _groups.Add(group);
        OnGroupAdded(group);
    }

    /// <summary>Called after a group is added (also by the constructor); optimizers whose state exists before the first step (Adagrad) create it here.</summary>
    protected virtual void OnGroupAdded(ParamGroup group) { }

    /// <summary>Throws PyTorch's <c>ValueError</c> text as an <see cref="ArgumentException"/> when <paramref name="ok"/> is false.</summary>
    protected static void Require(bool ok, string what, double value)
    {
        if (!ok) throw new ArgumentException($"Invalid {what}: {Num(value)}");
    }

    /// <summary>A number formatted as Python's <c>repr(float)</c> (shortest round trip, <c>1.0</c>, <c>1e-05</c>, <c>inf</c>), so messages read as PyTorch's.</summary>
    protected internal static string Num(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.Floor(v) && Math.Abs(v) < 1e16) return v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        return v.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace('E', 'e');
    }

    /// <summary>A state tensor, created by <paramref name="create"/> on first use.</summary>
    protected static Tensor StateTensor(Dictionary<string, object> state, string key, Func<Tensor> create)
    {
        if (state.TryGetValue(key, out var o) && o is Tensor t) return t;
        var n = create();
        state[key] = n;
        return n;
    }

    /// <summary>
    /// Adds one to a step counter held as a 0-d float32 tensor (as PyTorch 1.13 keeps <c>state["step"]</c>
    /// for Adam, AdamW, Adagrad, Adamax, NAdam and RAdam) and returns the new count.
    /// </summary>
    protected static double IncrementStep(Dictionary<string, object> state)
    {
        var t = StateTensor(state, "step", static () => Tensor.Scalar(0.0, DType.Float32));
        t.Add_(1);
        return t.Item<double>();
    }

    /// <summary>
    /// Adds one to a step counter held as a plain number (PyTorch 1.13's RMSprop and Adadelta keep an int).
    /// </summary>
    protected static long IncrementIntStep(Dictionary<string, object> state)
    {
        long n = state.TryGetValue("step", out var o) ? Convert.ToInt64(o, System.Globalization.CultureInfo.InvariantCulture) + 1 : 1;
        state["step"] = n;
        return n;
    }

    /// <summary>
    /// Clears the gradients of every parameter (<c>optimizer.zero_grad()</c>). With
    /// <paramref name="setToNone"/> (the default, as in PyTorch 2) gradients become null; otherwise
    /// they are zeroed in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in _groups)
            foreach (var p in g.Params)
            {
                if (p.Grad is null) continue;
                if (setToNone) p.Grad = null;
                else
                {
                    using var _ = Autograd.NoGrad();
                    p.Grad = p.Grad.GradFn is null ? p.Grad : p.Grad.Detach();
                    p.Grad.Zero_();
                }
            }
    }

    /// <summary>Performs one optimisation step from the parameters' current gradients (<c>optimizer.step()</c>).</summary>
    public void Step()
    {
        using var _ = Autograd.NoGrad();
        foreach (var g in _groups) StepGroup(g);
        StepCount++;
    }

    /// <summary>Steps taken since a scheduler attached (<c>optimizer._step_count</c>): a scheduler stepped before the optimizer warns.</summary>
    internal int StepCount { get; set; }

    /// <summary>Re-evaluates the model with <paramref name="closure"/> (which computes the loss and calls Backward), then steps; returns the loss.</summary>
    public virtual Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (Autograd.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>Updates the parameters of one group; runs under no-grad.</summary>
    protected abstract void StepGroup(ParamGroup group);

    /// <summary>
    /// The optimizer's state as PyTorch lays it out: parameters are numbered in group order, state is
    /// keyed by those numbers, and each group lists its options plus <c>"params"</c> (the numbers).
    /// Tensors in the state are copied.
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var groups = new List<Dictionary<string, object>>();
        foreach (var g in _groups)
        {
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (k, v) in g.Options) d[k] = v;
            var ids = new long[g.Params.Count];
            for (int i = 0; i < ids.Length; i++) { if (!index.TryGetValue(g.Params[i], out int id)) index[g.Params[i]] = id = index.Count; ids[i] = id; }
            d["params"] = ids;
            groups.Add(d);
        }
        var state = new Dictionary<long, Dictionary<string, object>>();
        foreach (var (p, s) in _state)
            if (index.TryGetValue(p, out int id))
                state[id] = s.ToDictionary(kv => kv.Key, kv => CopyValue(kv.Value, static t => t.Clone()), StringComparer.Ordinal);
        return new OptimizerStateDict(state, groups);
    }

    /// <summary>
    /// Restores state saved by <see cref="StateDict"/> (<c>optimizer.load_state_dict</c>): the groups
    /// must have the same sizes; options and per-parameter state are replaced (tensors copied and moved
    /// to each parameter's device and, for floating-point state, dtype).
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"{GetType().Name}.LoadStateDict: loaded state dict has {stateDict.ParamGroups.Count} parameter groups, the optimizer has {_groups.Count}.");
        var byId = new Dictionary<long, Tensor>();
        for (int gi = 0; gi < _groups.Count; gi++)
        {
            var saved = stateDict.ParamGroups[gi];
            var ids = saved.TryGetValue("params", out var o) && o is long[] l ? l
                : throw new ArgumentException($"{GetType().Name}.LoadStateDict: parameter group {gi} has no 'params' list.");
            if (ids.Length != _groups[gi].Params.Count)
                throw new ArgumentException($"{GetType().Name}.LoadStateDict: loaded state dict contains a parameter group ({gi}) of {ids.Length} parameters that doesn't match the size of the optimizer's group ({_groups[gi].Params.Count}).");
            for (int i = 0; i < ids.Length; i++) byId[ids[i]] = _groups[gi].Params[i];
        }
        for (int gi = 0; gi < _groups.Count; gi++)
            foreach (var (k, v) in stateDict.ParamGroups[gi])
                if (k != "params") _groups[gi][k] = v;
        _state.Clear();
        foreach (var (id, s) in stateDict.State)
        {
            if (!byId.TryGetValue(id, out var p)) continue;
            _state[p] = s.ToDictionary(kv => kv.Key, kv => CopyValue(kv.Value, t => Conform(t, p)), StringComparer.Ordinal);
        }
    }

    // A state value copied so that the saved dict and the optimizer share nothing: tensors, and the lists
    // LBFGS keeps (its history of tensors, its numbers), element by element.
    private static object CopyValue(object value, Func<Tensor, object> copy) => value switch
    {
        Tensor t => copy(t),
        List<Tensor> l => l.ConvertAll(t => (Tensor)copy(t)),
        List<double> l => new List<double>(l),
        List<object?> l => l.ConvertAll(x => x is Tensor t ? copy(t) : x),
        _ => value,
    };

    // State tensors follow their parameter's device, and its dtype when they are floating point ("step" stays as saved).
    private static object Conform(Tensor t, Tensor p)
    {
        var r = t.To(p.Device);
        if (r.DType.IsFloatingPoint() && r.NDim > 0) r = r.To(p.DType);
        return ReferenceEquals(r, t) ? t.Clone() : r;
    }
}

/// <summary>An optimizer's saved state, laid out as PyTorch's <c>optimizer.state_dict()</c>.</summary>
/// <param name="State">Per-parameter state keyed by parameter number.</param>
/// <param name="ParamGroups">Each group's options, with <c>"params"</c> holding its parameter numbers (<c>long[]</c>).</param>
public sealed record OptimizerStateDict(
    IReadOnlyDictionary<long, Dictionary<string, object>> State,
    IReadOnlyList<Dictionary<string, object>> ParamGroups);
