using System.Runtime.CompilerServices;
using Ember.Graph;
using Ember.NN;

namespace Ember.Distributed;

/// <summary>
/// Data-parallel training over a process group (<c>torch.nn.parallel.DistributedDataParallel</c>): each
/// rank runs the wrapped module on its own part of the batch, and during backward the gradients are
/// averaged over the ranks, so every rank's optimizer takes the same step.
/// </summary>
/// <remarks>
/// <para>At construction the parameters and buffers are broadcast from rank 0, so every rank starts alike.
/// Gradients are grouped into buckets of about <c>bucketCapMb</c> MiB in reverse parameter order (the
/// order backward produces them, as PyTorch). When the last gradient of a bucket has been accumulated,
/// the bucket's all-reduce starts (asynchronously, in bucket order on every rank) while backward goes on
/// with earlier layers; the last bucket waits for all of them, divides by the world size and writes the
/// averages back into each parameter's <see cref="Tensor.Grad"/> before <c>Backward()</c> returns.</para>
/// <para>With <see cref="NoSync"/> gradients accumulate locally; the first backward after it averages the sum.
/// Buffers (BatchNorm's running statistics) are broadcast from rank 0 at each forward.</para>
/// <para>Every rank must run the same number of forward/backward passes with the same parameters in use, as in
/// PyTorch; with <c>findUnusedParameters</c>, parameters the forward did not reach are marked ready at once
/// (their local contribution is zero), and a parameter no rank used keeps its gradient as it was.</para>
/// </remarks>
public sealed class DistributedDataParallel<TIn, TOut> : Module<TIn, TOut>
{
    private readonly ProcessGroup _group;
    private readonly Parameter[] _params;
    private readonly Bucket[] _buckets;
    private readonly (Bucket Bucket, int Slot)[] _where;     // parameter index -> its bucket and position
    private readonly Dictionary<Tensor, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly IDisposable[] _hooks;
    private readonly object _gate = new();

    // Per backward pass. Prepared at a forward that needs synchronised gradients; started at the first
    // gradient hook; finished when the last bucket's average is written back.
    private bool _prepared;
    private bool _backwardStarted;
    private int[] _unused = [];
    private int _nextBucket;
    private bool[] _ready;
    private bool[] _usedLocally;
    private readonly List<Work> _inFlight = [];

    /// <summary>Wraps <paramref name="module"/> for data-parallel training.</summary>
    /// <param name="module">The model; its parameters and buffers are overwritten with rank 0's.</param>
    /// <param name="processGroup">The ranks to average over; default: the world.</param>
    /// <param name="bucketCapMb">The bucket size in MiB (PyTorch's default 25).</param>
    /// <param name="findUnusedParameters">Look for parameters the forward did not use, so backward need not wait for them.</param>
    /// <param name="broadcastBuffers">Broadcast rank 0's buffers at each forward.</param>
    public DistributedDataParallel(Module<TIn, TOut> module, ProcessGroup? processGroup = null, double bucketCapMb = 25,
        bool findUnusedParameters = false, bool broadcastBuffers = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(bucketCapMb > 0)) throw new ArgumentOutOfRangeException(nameof(bucketCapMb), $"DistributedDataParallel: bucket_cap_mb must be positive, got {bucketCapMb}.");
        Module = module;
        _group = processGroup ?? Distributed.World;
        if (!_group.IsMember) throw new ArgumentException("DistributedDataParallel: this process is not a member of the process group.", nameof(processGroup));
        FindUnusedParameters = findUnusedParameters;
        BroadcastBuffers = broadcastBuffers;
        BucketCapBytes = (long)(bucketCapMb * 1024 * 1024);

        _params = module.Parameters().Where(p => p.RequiresGrad).Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToArray();
        for (int i = 0; i < _params.Length; i++) _index[_params[i]] = i;
        foreach (var p in _params)
            if (p.Device.Type != DeviceType.Cpu)
                throw new ArgumentException($"DistributedDataParallel: the mpi backend works on CPU parameters; one is on {p.Device}.", nameof(module));

        SyncModuleStates();

        // Buckets in reverse parameter order, one dtype per bucket, each up to the cap.
        var buckets = new List<Bucket>();
        _where = new (Bucket, int)[_params.Length];
        Bucket? cur = null;
        long bytes = 0;
        for (int i = _params.Length - 1; i >= 0; i--)
        {
            var p = _params[i];
            long size = p.Numel() * p.DType.ElementSize();
            if (cur is null || cur.DType != p.DType || (bytes + size > BucketCapBytes && cur.Params.Count > 0))
            {
                cur = new Bucket(buckets.Count, p.DType);
                buckets.Add(cur);
                bytes = 0;
            }
            _where[i] = (cur, cur.Params.Count);
            cur.Params.Add(i);
            bytes += size;
        }
        _buckets = [.. buckets];
        _ready = new bool[_params.Length];
        _usedLocally = new bool[_params.Length];
        _hooks = _params.Select((p, i) => p.RegisterPostAccumulateGradHook(_ => OnGradReady(i))).ToArray();
    }

    /// <summary>The wrapped model (<c>ddp.module</c>); its state-dict keys are this module's with <c>module.</c> in front, as PyTorch.</summary>
    public Module<TIn, TOut> Module { get; }

    /// <summary>Whether unused parameters are looked for at each forward.</summary>
    public bool FindUnusedParameters { get; }

    /// <summary>Whether buffers are broadcast from rank 0 at each forward.</summary>
    public bool BroadcastBuffers { get; }

    /// <summary>The bucket size in bytes.</summary>
    public long BucketCapBytes { get; }

    /// <summary>How many buckets the gradients were divided into, and the parameter indices of each (for inspection).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Buckets => _buckets.Select(b => (IReadOnlyList<int>)b.Params).ToArray();

    /// <summary>Whether the next backward averages gradients (false inside <see cref="NoSync"/>).</summary>
    public bool RequireBackwardGradSync { get; private set; } = true;

    /// <summary>
    /// Within the returned scope, backward accumulates gradients locally without communication
    /// (<c>with ddp.no_sync():</c>); the first backward after it averages the accumulated sum.
    /// </summary>
    public IDisposable NoSync()
    {
        bool old = RequireBackwardGradSync;
        RequireBackwardGradSync = false;
        return new Scope(() => RequireBackwardGradSync = old);
    }

    /// <inheritdoc/>
    public override TOut Forward(TIn input)
    {
        lock (_gate)
        {
            // A forward whose backward never ran (an evaluation with grad enabled) is fine, as in PyTorch: no
            // collective has started. A backward that started and did not finish is not.
            if (_prepared && _backwardStarted)
                throw new InvalidOperationException(
                    "DistributedDataParallel: Expected to have finished reduction in the prior iteration before starting a new one. " +
                    "This error indicates that your module has parameters that were not used in producing loss (or that backward was not called). " +
                    "You can enable unused parameter detection by passing findUnusedParameters: true, and make sure all forward outputs participate in calculating loss. " +
                    $"Parameters that received no gradient: {string.Join(", ", UnreadyNames())}.");
        }
        if (BroadcastBuffers) SyncBuffers();
        var output = Module.Call(input);
        if (Autograd.IsGradEnabled && RequireBackwardGradSync && _params.Length > 0)
            PrepareForBackward(output);
        return output;
    }

    private IEnumerable<string> UnreadyNames()
    {
        var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in Module.NamedParameters()) names.TryAdd(p, name);
        return _params.Where((p, i) => !_ready[i]).Select(p => names.TryGetValue(p, out var n) ? n : "?");
    }

    private void PrepareForBackward(TOut output)
    {
        lock (_gate)
        {
            Array.Clear(_ready);
            Array.Clear(_usedLocally);
            foreach (var b in _buckets) b.Pending = b.Params.Count;
            _nextBucket = 0;
            _inFlight.Clear();
            _prepared = true;
            _backwardStarted = false;
            _unused = [];
            if (!FindUnusedParameters) return;
            var used = ReachableParameters(output);
            _unused = Enumerable.Range(0, _params.Length).Where(i => !used.Contains(i)).ToArray();
            // Nothing reaches them, so no hook will fire: with no parameter in use, nothing to reduce either.
            if (_unused.Length == _params.Length) _prepared = false;
        }
    }

    /// <summary>The indices of the parameters whose accumulators the output's graph reaches.</summary>
    private HashSet<int> ReachableParameters(TOut output)
    {
        var found = new HashSet<int>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (var t in TensorsIn(output))
        {
            if (t.GradFn is { } fn) { if (seen.Add(fn)) stack.Push(fn); }
            else if (t.RequiresGrad && _index.TryGetValue(t, out int direct)) found.Add(direct);
        }
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n is AccumulateGrad acc && _index.TryGetValue(acc.Leaf, out int i)) found.Add(i);
            foreach (var e in n.NextEdges)
                if (e.Node is { } next && seen.Add(next)) stack.Push(next);
        }
        return found;
    }

    private static IEnumerable<Tensor> TensorsIn(object? o)
    {
        switch (o)
        {
            case Tensor t: yield return t; break;
            case ITuple tuple:
                for (int i = 0; i < tuple.Length; i++) foreach (var t in TensorsIn(tuple[i])) yield return t;
                break;
            case System.Collections.IEnumerable items when o is not string:
                foreach (var item in items) foreach (var t in TensorsIn(item)) yield return t;
                break;
        }
    }

    /// <summary>The hook: parameter <paramref name="i"/>'s gradient for this pass is in its <see cref="Tensor.Grad"/>.</summary>
    private void OnGradReady(int i)
    {
        lock (_gate)
        {
            if (!_prepared) return;   // inside NoSync, or a backward not started by our forward
            if (!_backwardStarted)
            {
                // As PyTorch: the unused parameters are marked ready when backward starts, not at the forward,
                // so that a forward without a backward starts no collective.
                _backwardStarted = true;
                foreach (int u in _unused) MarkReady(u, used: false);
            }
            if (_ready[i])
                throw new InvalidOperationException(
                    $"DistributedDataParallel: parameter {i} received a second gradient in one backward pass (marked ready twice). " +
                    "Reentrant backward, or a backward through the same graph twice, is not supported while gradients are synchronised.");
            MarkReady(i, used: true);
            // MPI advances non-blocking collectives only inside MPI calls: poll the ones in flight.
            foreach (var w in _inFlight) w.IsCompleted();
        }
    }

    private void MarkReady(int i, bool used)
    {
        _ready[i] = true;
        _usedLocally[i] = used;
        var (bucket, _) = _where[i];
        if (--bucket.Pending > 0) return;
        // Launch in bucket order, so that every rank issues the same collectives in the same order.
        while (_nextBucket < _buckets.Length && _buckets[_nextBucket].Pending == 0)
            Launch(_buckets[_nextBucket++]);
        if (_nextBucket == _buckets.Length) Finish();
    }

    private void Launch(Bucket b)
    {
        var parts = new Tensor[b.Params.Count];
        for (int k = 0; k < parts.Length; k++)
        {
            var p = _params[b.Params[k]];
            parts[k] = _usedLocally[b.Params[k]] && p.Grad is { } g ? g.Detach().Reshape(-1) : Tensor.Zeros([(int)p.Numel()], p.DType);
        }
        using (Autograd.NoGrad())
            b.Flat = parts.Length == 1 ? parts[0].Clone() : Tensor.Cat(parts);
        _inFlight.Add(Distributed.AllReduce(b.Flat, ReduceOp.Sum, _group, asyncOp: true));
    }

    private void Finish()
    {
        _prepared = false;
        _backwardStarted = false;
        bool[]? usedAnywhere = null;
        if (FindUnusedParameters)
        {
            // Which parameters some rank used: a parameter no rank used keeps its gradient (None stays None), as in PyTorch.
            var mask = Tensor.From<byte>(_usedLocally.Select(u => (byte)(u ? 1 : 0)).ToArray(), [_params.Length]);
            _inFlight.Add(Distributed.AllReduce(mask, ReduceOp.Max, _group, asyncOp: true));
            foreach (var w in _inFlight) w.Wait();
            usedAnywhere = mask.ToArray<byte>().Select(x => x != 0).ToArray();
        }
        else foreach (var w in _inFlight) w.Wait();
        _inFlight.Clear();

        int size = _group.Size;
        using (Autograd.NoGrad())
        {
            foreach (var b in _buckets)
            {
                var flat = b.Flat!;
                flat.Div_(size);
                int at = 0;
                foreach (int i in b.Params)
                {
                    var p = _params[i];
                    int n = (int)p.Numel();
                    if (usedAnywhere is null || usedAnywhere[i])
                    {
                        var avg = flat.Narrow(0, at, n).View([.. p.Shape]);
                        if (p.Grad is { } g && g.GradFn is null && g.Shape == p.Shape) g.Copy_(avg);
                        else p.Grad = avg.Clone();
                    }
                    at += n;
                }
                b.Flat = null;
            }
        }
    }

    /// <summary>Broadcasts parameters and buffers from rank 0 (<c>_sync_module_states</c>).</summary>
    private void SyncModuleStates()
    {
        int root = _group.WorldRanks[0];
        using (Autograd.NoGrad())
        {
            foreach (var p in Module.Parameters()) Distributed.Broadcast(p, root, _group);
            foreach (var b in Module.Buffers()) Distributed.Broadcast(b, root, _group);
        }
    }

    private void SyncBuffers()
    {
        int root = _group.WorldRanks[0];
        using (Autograd.NoGrad())
            foreach (var b in Module.Buffers()) Distributed.Broadcast(b, root, _group);
    }

    /// <summary>Removes the gradient hooks from the parameters; the module stays as it is.</summary>
    public void RemoveHooks()
    {
        foreach (var h in _hooks) h.Dispose();
    }

    private sealed class Bucket(int index, DType dtype)
    {
        public int Index { get; } = index;
        public DType DType { get; } = dtype;
        public List<int> Params { get; } = [];
        public int Pending;
        public Tensor? Flat;
    }

    private sealed class Scope(Action end) : IDisposable
    {
        private Action? _end = end;
        public void Dispose() { _end?.Invoke(); _end = null; }
    }
}

/// <summary>Builds <see cref="DistributedDataParallel{TIn, TOut}"/> with the type arguments inferred from the module.</summary>
public static class DistributedDataParallel
{
    /// <summary><c>DistributedDataParallel(module, ...)</c>; see <see cref="DistributedDataParallel{TIn, TOut}"/>.</summary>
    public static DistributedDataParallel<TIn, TOut> Wrap<TIn, TOut>(Module<TIn, TOut> module, ProcessGroup? processGroup = null, double bucketCapMb = 25,
        bool findUnusedParameters = false, bool broadcastBuffers = true) =>
        new(module, processGroup, bucketCapMb, findUnusedParameters, broadcastBuffers);
}
