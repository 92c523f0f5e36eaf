namespace Ember.Distributed;

/// <summary>
/// A set of processes that run collectives together (<c>torch.distributed.ProcessGroup</c>): the world
/// made by <see cref="Distributed.InitProcessGroup"/>, or a subset made by <see cref="Distributed.NewGroup"/>.
/// Collectives take and report ranks in the world; the group translates them to its own.
/// </summary>
public sealed class ProcessGroup
{
    private readonly int[] _worldRanks;

    internal ProcessGroup(IProcessGroupBackend? backend, int[] worldRanks)
    {
        Backend = backend;
        _worldRanks = worldRanks;
    }

    /// <summary>The backend, or null on a process that is not a member of this group.</summary>
    public IProcessGroupBackend? Backend { get; private set; }

    /// <summary>Whether this process belongs to the group.</summary>
    public bool IsMember => Backend is not null;

    /// <summary>The world ranks of the members, in group-rank order.</summary>
    public IReadOnlyList<int> WorldRanks => _worldRanks;

    /// <summary>This process's rank in the group, or -1 when it is not a member (<c>dist.get_rank(group)</c>).</summary>
    public int Rank => Backend?.Rank ?? -1;

    /// <summary>The number of members (<c>dist.get_world_size(group)</c>).</summary>
    public int Size => _worldRanks.Length;

    /// <summary>The group rank of world rank <paramref name="worldRank"/>.</summary>
    /// <exception cref="ArgumentException">That rank is not in the group.</exception>
    public int GroupRank(int worldRank, string op = "get_group_rank")
    {
        int r = Array.IndexOf(_worldRanks, worldRank);
        if (r < 0)
            throw new ArgumentException($"{op}: rank {worldRank} is not in the process group (its world ranks are [{string.Join(", ", _worldRanks)}]).");
        return r;
    }

    internal IProcessGroupBackend Require(string op) =>
        Backend ?? throw new InvalidOperationException($"{op}: this process is not a member of the group.");

    internal void Release()
    {
        Backend?.Dispose();
        Backend = null;
    }
}
