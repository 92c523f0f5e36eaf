using Ember.Data;
using Ember.Rng;

namespace Ember.Distributed;

/// <summary>
/// Gives each rank its own share of a dataset (<c>torch.utils.data.distributed.DistributedSampler</c>),
/// in PyTorch's order: every rank draws the same permutation (<c>torch.randperm</c> from a generator
/// seeded with <c>seed + epoch</c>), pads it to a multiple of the number of replicas by repeating its
/// start (or, with <c>dropLast</c>, cuts the tail), and takes every <c>numReplicas</c>-th index from its
/// rank on. Call <see cref="SetEpoch"/> at the start of each epoch, or every epoch has the same order.
/// </summary>
public sealed class DistributedSampler : Sampler
{
    private readonly int _n;

    /// <summary>A sampler over <paramref name="datasetSize"/> samples for one rank.</summary>
    /// <param name="datasetSize">The dataset's length.</param>
    /// <param name="numReplicas">How many ranks share the data; default: the world's size.</param>
    /// <param name="rank">This rank; default: the rank in the world.</param>
    /// <param name="shuffle">Permute the indices each epoch (default true, as PyTorch).</param>
    /// <param name="seed">The base of the permutation's seed; must be the same on every rank.</param>
    /// <param name="dropLast">Drop the tail that does not divide evenly instead of padding with repeated indices.</param>
    /// <exception cref="ArgumentException">The rank is outside [0, numReplicas), or numReplicas is not positive.</exception>
    public DistributedSampler(int datasetSize, int? numReplicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(datasetSize);
        int replicas = numReplicas ?? Distributed.GetWorldSize();
        int r = rank ?? Distributed.GetRank();
        if (replicas <= 0) throw new ArgumentException($"DistributedSampler: num_replicas must be positive, got {replicas}.", nameof(numReplicas));
        if (r < 0 || r >= replicas)
            throw new ArgumentException($"DistributedSampler: Invalid rank {r}, rank should be in the interval [0, {replicas - 1}]", nameof(rank));
        _n = datasetSize;
        NumReplicas = replicas;
        Rank = r;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        // As PyTorch: with drop_last the tail is cut so every rank gets the same, smaller count.
        NumSamples = dropLast && datasetSize % replicas != 0
            ? (int)Math.Ceiling((datasetSize - replicas) / (double)replicas)
            : (datasetSize + replicas - 1) / replicas;
        TotalSize = NumSamples * replicas;
    }

    /// <summary>A sampler over the samples of <paramref name="dataset"/>.</summary>
    public static DistributedSampler For<T>(Dataset<T> dataset, int? numReplicas = null, int? rank = null, bool shuffle = true, long seed = 0, bool dropLast = false) =>
        new(dataset.Count, numReplicas, rank, shuffle, seed, dropLast);

    /// <summary>How many ranks share the data.</summary>
    public int NumReplicas { get; }

    /// <summary>This sampler's rank.</summary>
    public int Rank { get; }

    /// <summary>Whether indices are permuted each epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>The base seed.</summary>
    public long Seed { get; }

    /// <summary>Whether the uneven tail is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>The current epoch (part of the permutation's seed).</summary>
    public long Epoch { get; private set; }

    /// <summary>Indices per rank per epoch (<c>num_samples</c>).</summary>
    public int NumSamples { get; }

    /// <summary>Indices over all ranks per epoch, padding included (<c>total_size</c>).</summary>
    public int TotalSize { get; }

    /// <inheritdoc/>
    public override int Count => NumSamples - Skip;

    /// <summary>
    /// How many of this rank's indices of the current epoch to leave out, from its start: where a run
    /// resumed in the middle of an epoch picks up (<see cref="DistributedCheckpoint"/> sets it). Not in
    /// PyTorch; 0 by default. <see cref="SetEpoch"/> sets it back to 0.
    /// </summary>
    public int Skip
    {
        get;
        set
        {
            if (value < 0 || value > NumSamples)
                throw new ArgumentOutOfRangeException(nameof(value), $"DistributedSampler: skip must be in [0, {NumSamples}] (the indices per rank), got {value}.");
            field = value;
        }
    }

    /// <summary>Sets the epoch, so that each epoch has its own order, the same on every rank (<c>sampler.set_epoch(epoch)</c>).</summary>
    public void SetEpoch(long epoch)
    {
        Epoch = epoch;
        Skip = 0;
    }

    /// <summary>The whole epoch's indices for every rank, padded or cut to <see cref="TotalSize"/>.</summary>
    private int[] AllIndices()
    {
        int[] indices;
        if (Shuffle)
        {
            var g = new Generator().ManualSeed(Seed + Epoch);
            long[] perm = Tensor.RandPerm(_n, g).ToArray<long>();
            indices = Array.ConvertAll(perm, x => (int)x);
        }
        else indices = Enumerable.Range(0, _n).ToArray();
        var all = new int[TotalSize];
        if (DropLast) Array.Copy(indices, all, TotalSize);
        else if (_n > 0)
            for (int i = 0; i < TotalSize; i++) all[i] = indices[i % _n];   // the padding repeats the start of the list
        return all;
    }

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int[] all = AllIndices();
        for (long i = Rank + (long)Skip * NumReplicas; i < TotalSize; i += NumReplicas) yield return all[i];
    }
}
