using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Ember.Backends.Cpu;

/// <summary>
/// A persistent team of <see cref="Threads.Count"/> − 1 parked worker threads plus the calling thread,
/// for the kernels' fork/join parallelism (GEMM, convolution). <c>Parallel.For</c> costs about 0.1 ms
/// per call on a 2-core machine (queueing to the thread pool, waking a pool thread, joining), as much
/// as a whole 128 x 128 product; here the workers spin for a short while after each job, so the
/// next job of a training step usually finds them awake, and park on a monitor when idle longer.
/// <para>
/// One job runs at a time. A call from inside a job (nested use) runs its indices serially on the
/// calling thread; a call from another thread while a job runs (concurrent callers) falls back to
/// <c>Parallel.For</c>. Both give the same results: callers partition their work so that each index
/// writes its own outputs, whoever runs it.
/// </para>
/// </summary>
internal static class WorkerTeam
{
    /// <summary>How long an idle worker spins for the next job before it parks (Stopwatch ticks).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 0.2 ms

    private static readonly object Gate = new();
    private static readonly List<Thread> Workers = [];
    private static Job? _current;
    private static int _busy;
    private static int _sleepers;

    [ThreadStatic] private static bool _inJob;

    /// <summary>
    /// Runs <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>) on up to
    /// <see cref="Threads.Count"/> threads, the caller included, and returns when all have finished.
    /// Indices are claimed one at a time, so any count is fine; callers that want one index per thread
    /// pass <see cref="Threads.Count"/> or fewer. The first exception a body throws is rethrown here
    /// (with its original stack trace) after every started index has finished.
    /// </summary>
    public static void Run(int count, Action<int> body)
    {
        if (count <= 0) return;
        int threads = Math.Min(count, Threads.Count);
        if (threads <= 1 || _inJob)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            Parallel.For(0, count, Threads.Options, body);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            var job = new Job(body, count, threads - 1);
            Interlocked.Exchange(ref _current, job); // full fence: pairs with the sleepers' increment
            if (Volatile.Read(ref _sleepers) > 0)
                lock (Gate) Monitor.PulseAll(Gate);
            _inJob = true; // the caller's own nested calls run serially
            try { job.Work(); }
            finally { _inJob = false; }
            job.WaitForAll();
            job.Error?.Throw();
        }
        finally { Volatile.Write(ref _busy, 0); }
    }

    /// <summary>Workers started so far (for tests: the team grows with <see cref="Threads.Count"/>, never shrinks).</summary>
    internal static int WorkerCount { get { lock (Workers) return Workers.Count; } }

    private static void EnsureWorkers(int needed)
    {
        if (Volatile.Read(ref _workerCount) >= needed) return;
        lock (Workers)
        {
            // Called before the next job is published, so a new worker starts by waiting for a job
            // other than the current one.
            Job? initial = Volatile.Read(ref _current);
            while (Workers.Count < needed)
            {
                int index = Workers.Count + 1;
                var t = new Thread(() => WorkerLoop(index, initial)) { IsBackground = true, Name = $"Ember worker {index}" };
                Workers.Add(t);
                t.Start();
            }
            Volatile.Write(ref _workerCount, Workers.Count);
        }
    }

    private static int _workerCount;

    private static void WorkerLoop(int index, Job? seen)
    {
        _inJob = true; // a worker's own calls into the team run serially
        while (true)
        {
            Job? job = Volatile.Read(ref _current);
            if (ReferenceEquals(job, seen))
            {
                long until = Stopwatch.GetTimestamp() + SpinTicks;
                while (ReferenceEquals(job = Volatile.Read(ref _current), seen) && Stopwatch.GetTimestamp() < until)
                    Thread.SpinWait(20);
                if (ReferenceEquals(job, seen))
                {
                    lock (Gate)
                    {
                        Interlocked.Increment(ref _sleepers); // full fence: pairs with the publisher's exchange
                        while (ReferenceEquals(job = Volatile.Read(ref _current), seen)) Monitor.Wait(Gate);
                        Interlocked.Decrement(ref _sleepers);
                    }
                }
            }
            seen = job;
            // Workers past the job's size sit this one out; each job is its own object, so a worker
            // that slept through jobs never confuses one job's counters with another's.
            if (job != null && index <= job.Helpers) job.Work();
        }
    }

    /// <summary>
    /// One call's indices. The caller waits for the indices to finish, not for the workers to show up:
    /// a worker that wakes late (on a busy machine a parked thread can take milliseconds to be
    /// scheduled) finds every index claimed and goes back to waiting, while the caller has run them.
    /// </summary>
    private sealed class Job(Action<int> body, int count, int helpers)
    {
        public readonly int Helpers = helpers;
        private int _next;
        private int _completed;
        private bool _finished;
        private readonly object _done = new();
        public ExceptionDispatchInfo? Error;

        public void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < count)
            {
                if (Error == null)
                {
                    // After a failure the remaining indices are claimed without running them.
                    try { body(i); }
                    catch (Exception e) { Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null); }
                }
                if (Interlocked.Increment(ref _completed) == count)
                    lock (_done) { _finished = true; Monitor.Pulse(_done); }
            }
        }

        public void WaitForAll()
        {
            if (Volatile.Read(ref _completed) == count) return;
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _completed) != count && Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
            if (Volatile.Read(ref _completed) == count) return;
            lock (_done) while (!_finished) Monitor.Wait(_done);
        }
    }
}
