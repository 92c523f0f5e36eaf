using Ember.Backends.Cpu;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The kernels' persistent worker team: every index runs exactly once, a body's exception reaches the
/// caller, and nested, concurrent and resized use neither deadlocks nor loses work. In the collection
/// that runs alone, since these tests change <see cref="Threads.Count"/>.
/// </summary>
[Collection("DefaultGenerator")]
public class WorkerTeamTests
{
    private static void WithThreads(int count, Action body)
    {
        int saved = Threads.Count;
        try { Threads.Count = count; body(); }
        finally { Threads.Count = saved; }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 100)]
    public void EveryIndexRunsExactlyOnce(int threads, int count) => WithThreads(threads, () =>
    {
        for (int round = 0; round < 50; round++)
        {
            var hits = new int[count];
            WorkerTeam.Run(count, i => Interlocked.Increment(ref hits[i]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    });

    [Fact]
    public void AnExceptionInABodyReachesTheCallerAndTheTeamKeepsWorking() => WithThreads(2, () =>
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            WorkerTeam.Run(8, i => { if (i == 3) throw new InvalidOperationException("index 3 failed"); }));
        Assert.Equal("index 3 failed", e.Message);
        var hits = new int[8];
        WorkerTeam.Run(8, i => hits[i]++);
        Assert.All(hits, h => Assert.Equal(1, h));
    });

    [Fact]
    public void NestedUseRunsTheInnerIndicesOnTheCallingThread() => WithThreads(2, () =>
    {
        var hits = new int[4, 6];
        WorkerTeam.Run(4, i =>
        {
            int thread = Environment.CurrentManagedThreadId;
            WorkerTeam.Run(6, j =>
            {
                Assert.Equal(thread, Environment.CurrentManagedThreadId);
                hits[i, j]++;
            });
        });
        foreach (int h in hits) Assert.Equal(1, h);
    });

    [Fact]
    public void ConcurrentCallersEachGetAllTheirIndicesRun() => WithThreads(2, () =>
    {
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            for (int round = 0; round < 200; round++)
            {
                var hits = new int[7];
                WorkerTeam.Run(7, i => Interlocked.Increment(ref hits[i]));
                if (hits.Any(h => h != 1)) return false;
            }
            return true;
        })).ToArray();
        Assert.True(Task.WaitAll(callers, TimeSpan.FromMinutes(2)), "worker team callers did not finish");
        Assert.All(callers, t => Assert.True(t.Result));
    });

    [Fact]
    public void TheTeamFollowsThreadsCount()
    {
        WithThreads(3, () =>
        {
            WorkerTeam.Run(3, _ => { });
            Assert.True(WorkerTeam.WorkerCount >= 2);
        });
        WithThreads(1, () =>
        {
            int caller = Environment.CurrentManagedThreadId;
            var threads = new int[20];
            WorkerTeam.Run(20, i => threads[i] = Environment.CurrentManagedThreadId);
            Assert.All(threads, t => Assert.Equal(caller, t));
        });
    }
}
