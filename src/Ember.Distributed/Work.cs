namespace Ember.Distributed;

/// <summary>
/// A handle on a collective or point-to-point operation in flight (<c>torch.distributed.Work</c>),
/// returned by every operation; with <c>asyncOp: false</c> it is already complete. The tensors involved
/// must not be read or written until <see cref="Wait"/> returns.
/// </summary>
/// <remarks>
/// Backends derive from it and implement <see cref="Poll"/>. Waiting polls: MPI makes progress on a
/// non-blocking operation only while some MPI call runs, and polling from the waiting thread keeps the
/// library's global lock free for other threads between polls.
/// </remarks>
public abstract class Work
{
    private readonly List<Action> _then = [];
    private bool _done;
    private Exception? _error;

    /// <summary>The operation's name, e.g. <c>all_reduce</c>.</summary>
    public abstract string Operation { get; }

    /// <summary>Advances the operation; true once its data has arrived. Throws <see cref="DistributedException"/> on failure.</summary>
    protected abstract bool Poll();

    /// <summary>For a receive, the rank (in its group) the message came from, once complete; otherwise -1.</summary>
    public virtual int SourceRank => -1;

    /// <summary>Whether the operation has finished (<c>work.is_completed()</c>); advances it, never blocks.</summary>
    public bool IsCompleted()
    {
        lock (_then)
        {
            if (_done) return true;
            try
            {
                if (!Poll()) return false;
                foreach (var a in _then) a();
            }
            catch (Exception e) { _error = e; }
            _then.Clear();
            _done = true;
            return true;
        }
    }

    /// <summary>
    /// Blocks until the operation has finished and its results are in the tensors (<c>work.wait()</c>).
    /// </summary>
    /// <param name="timeout">How long to wait; null waits for ever.</param>
    /// <exception cref="DistributedException">The operation failed, or did not finish within <paramref name="timeout"/>.</exception>
    public void Wait(TimeSpan? timeout = null)
    {
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)t.TotalMilliseconds : long.MaxValue;
        var spin = new SpinWait();
        while (!IsCompleted())
        {
            if (Environment.TickCount64 > deadline)
                throw new DistributedException(Operation, Distributed.WorldRankOrMinusOne, $"not complete after {timeout}");
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
    }

    /// <summary>Runs <paramref name="action"/> when the operation completes (at once if it has), before <see cref="Wait"/> returns.</summary>
    internal void Then(Action action)
    {
        lock (_then)
        {
            if (_done) { if (_error is null) action(); return; }
            _then.Add(action);
        }
    }

    /// <summary>A finished operation with nothing to wait for (a rank outside the group, an empty world).</summary>
    internal static Work Completed(string operation) => new CompletedWork(operation);

    private sealed class CompletedWork(string operation) : Work
    {
        public override string Operation => operation;
        protected override bool Poll() => true;
    }
}
