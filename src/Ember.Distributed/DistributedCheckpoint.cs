using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Ember.Serialization;

namespace Ember.Distributed;

/// <summary>
/// Checkpoints of a distributed run: rank 0 writes one file (a <see cref="Checkpoint"/>, which
/// <c>torch.load</c> reads too); every rank can load it and resume where it stopped, each with its own
/// random generator state and its sampler's position in the epoch.
/// </summary>
/// <remarks>
/// Both methods are collective: every rank of the group calls them at the same point. The model's and
/// optimizer's state is rank 0's, which DistributedDataParallel keeps equal on every rank. Besides the
/// <see cref="Checkpoint"/> parts, the file holds <c>rank_rng_states</c> (a uint8 tensor, one row of
/// <see cref="Generator.StateSize"/> bytes per rank), <c>world_size</c>, and with a sampler
/// <c>sampler_epoch</c> and <c>sampler_position</c>.
/// </remarks>
public static class DistributedCheckpoint
{
    /// <summary>Saves a checkpoint of the run; rank 0 writes <paramref name="path"/> atomically, the others wait until it is on disk.</summary>
    /// <param name="path">The file (only rank 0 touches it).</param>
    /// <param name="model">The model (a DistributedDataParallel or the module inside it).</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="scheduler">A scheduler or other stateful object.</param>
    /// <param name="generator">The generator whose state every rank keeps (default: <see cref="Generator.Default"/>).</param>
    /// <param name="sampler">The run's sampler: its epoch and <paramref name="samplesDone"/> are saved.</param>
    /// <param name="samplesDone">How many of this rank's indices of the sampler's epoch have been used (batches x batch size).</param>
    /// <param name="values">User values (epoch, step ...).</param>
    /// <param name="group">The group; default: the world.</param>
    public static void Save(string path, Module? model = null, Optimizer? optimizer = null, IStateful? scheduler = null, Generator? generator = null,
        DistributedSampler? sampler = null, int samplesDone = 0, IReadOnlyDictionary<string, object?>? values = null, ProcessGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var g = group ?? Distributed.World;
        generator ??= Generator.Default;
        // Every rank's generator state, gathered on rank 0.
        var mine = Tensor.From<byte>(generator.GetState());
        var all = g.Rank == 0 ? Enumerable.Range(0, g.Size).Select(_ => Tensor.Zeros([Generator.StateSize], DType.UInt8)).ToList() : null;
        Distributed.Gather(mine, all, dst: g.WorldRanks[0], group: g);
        if (g.Rank == 0)
        {
            var c = Checkpoint.Capture(model, optimizer, scheduler, generator, values);
            foreach (var reserved in new[] { "rank_rng_states", "world_size", "sampler_epoch", "sampler_position" })
                if (c.Values.ContainsKey(reserved))
                    throw new ArgumentException($"DistributedCheckpoint.Save: the user value '{reserved}' uses a name the distributed checkpoint keeps for itself.", nameof(values));
            c.Values["rank_rng_states"] = Tensor.Stack(all!);
            c.Values["world_size"] = (long)g.Size;
            if (sampler is not null)
            {
                c.Values["sampler_epoch"] = sampler.Epoch;
                c.Values["sampler_position"] = (long)samplesDone;
            }
            c.Save(path);
        }
        Distributed.Barrier(g);   // the file exists for every rank after Save returns
    }

    /// <summary>
    /// Loads a checkpoint written by <see cref="Save"/> on every rank and restores the given objects; the
    /// generator gets this rank's own state, and the sampler its epoch and position.
    /// </summary>
    /// <returns>The checkpoint, for its user values.</returns>
    /// <exception cref="InvalidOperationException">The run was saved with another number of ranks, or without the parts asked for.</exception>
    public static Checkpoint Load(string path, Module? model = null, Optimizer? optimizer = null, IStateful? scheduler = null, Generator? generator = null,
        DistributedSampler? sampler = null, ProcessGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var g = group ?? Distributed.World;
        var c = Checkpoint.Load(path);
        long saved = c.Values.TryGetValue("world_size", out var ws) && ws is long w ? w
            : throw new InvalidOperationException($"DistributedCheckpoint.Load: {path} was not written by DistributedCheckpoint.Save (it has no world_size).");
        if (saved != g.Size)
            throw new InvalidOperationException(
                $"DistributedCheckpoint.Load: {path} was saved by {saved} ranks; this run has {g.Size}. Each rank's random state and sampler share depend on the number of ranks: resume with mpirun -np {saved}.");
        c.Restore(model, optimizer, scheduler);
        generator ??= Generator.Default;
        if (c.Values["rank_rng_states"] is not Tensor { DType: DType.UInt8, NDim: 2 } states || states.Size(0) != g.Size)
            throw new InvalidOperationException($"DistributedCheckpoint.Load: {path}: rank_rng_states is not a uint8 tensor with one row per rank.");
        generator.SetState(states[g.Rank].ToArray<byte>());
        if (sampler is not null)
        {
            if (c.Values.GetValueOrDefault("sampler_epoch") is not long epoch || c.Values.GetValueOrDefault("sampler_position") is not long position)
                throw new InvalidOperationException($"DistributedCheckpoint.Load: {path} holds no sampler position (it was saved without a sampler).");
            sampler.SetEpoch(epoch);
            sampler.Skip = (int)position;
        }
        return c;
    }
}
