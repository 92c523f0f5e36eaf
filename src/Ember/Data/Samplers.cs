using Ember.Rng;
using System.Collections;

namespace Ember.Data;

/// <summary>
/// Yields dataset indices in some order (<c>torch.utils.data.Sampler</c>). Enumerating it again
/// starts a new epoch; random samplers continue their random stream, so epochs differ but a given
/// seed always gives the same sequence of epochs.
/// </summary>
public abstract class Sampler : IEnumerable<int>
{
    /// <summary>How many indices one epoch yields (<c>len(sampler)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The indices of one epoch.</summary>
    public abstract IEnumerator<int> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Indices 0, 1, ..., n-1 in order (<c>SequentialSampler</c>).</summary>
public sealed class SequentialSampler : Sampler
{
    private readonly int _n;

    /// <summary>A sampler over <paramref name="count"/> samples.</summary>
    public SequentialSampler(int count) { ArgumentOutOfRangeException.ThrowIfNegative(count); _n = count; }

    /// <summary>A sampler over the samples of <paramref name="dataset"/>.</summary>
    public static SequentialSampler For<T>(Dataset<T> dataset) => new(dataset.Count);

    /// <inheritdoc/>
    public override int Count => _n;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        for (int i = 0; i < _n; i++) yield return i;
    }
}

/// <summary>
/// Random indices (<c>RandomSampler</c>): without replacement, a fresh permutation per pass over the
/// data; with replacement, independent uniform draws.
/// </summary>
public sealed class RandomSampler : Sampler
{
    private readonly int _n;
    private readonly int? _numSamples;
    private readonly IRandomSource _random;
    private readonly object _gate = new();

    /// <summary>
    /// A random sampler over <paramref name="count"/> samples. <paramref name="numSamples"/> (default:
    /// <paramref name="count"/>) is how many indices an epoch yields; without replacement a larger
    /// number walks several permutations back to back, as PyTorch does.
    /// </summary>
    /// <param name="count">The dataset's size.</param>
    /// <param name="replacement">Draw with replacement.</param>
    /// <param name="numSamples">Indices per epoch.</param>
    /// <param name="seed">Shorthand for a new generator seeded with this value.</param>
    /// <param name="generator">
    /// The generator every epoch draws from. With neither it nor a seed, each epoch seeds a fresh
    /// generator from the default one, as PyTorch does, so <c>Tensor.ManualSeed</c> fixes the order.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="numSamples"/> is not positive, or both a seed and a generator were given.</exception>
    public RandomSampler(int count, bool replacement = false, int? numSamples = null, int? seed = null, Generator? generator = null)
        : this(count, replacement, numSamples, RandomSources.From(seed, generator, "RandomSampler")) { }

    internal RandomSampler(int count, bool replacement, int? numSamples, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (numSamples is { } ns && ns <= 0)
            throw new ArgumentException($"RandomSampler: num_samples should be a positive integer value, but got num_samples={ns}.", nameof(numSamples));
        _n = count;
        _numSamples = numSamples;
        Replacement = replacement;
        _random = random;
    }

    /// <summary>A random sampler over the samples of <paramref name="dataset"/>.</summary>
    public static RandomSampler For<T>(Dataset<T> dataset, bool replacement = false, int? numSamples = null, int? seed = null, Generator? generator = null) =>
        new(dataset.Count, replacement, numSamples, seed, generator);

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <inheritdoc/>
    public override int Count => _numSamples ?? _n;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        // The whole epoch's order is drawn up front, so enumerating two epochs concurrently cannot interleave their draws.
        int[] order;
        lock (_gate) order = Draw();
        return ((IEnumerable<int>)order).GetEnumerator();
    }

    private int[] Draw()
    {
        int total = Count;
        var order = new int[total];
        if (_n == 0) return total == 0 ? order : throw new InvalidOperationException("RandomSampler: cannot sample from an empty dataset.");
        var random = _random.ForEpoch();
        if (Replacement)
        {
            for (int i = 0; i < total; i++) order[i] = (int)random.RandInt(0, _n);
            return order;
        }
        // As PyTorch: total / n whole permutations, then one more of which only total % n indices are
        // used (drawn even when that is none, which keeps an explicit generator's stream identical).
        int at = 0;
        for (int k = 0; k < total / _n; k++, at += _n)
            Array.Copy(random.RandPerm(_n), 0, order, at, _n);
        Array.Copy(random.RandPerm(_n), 0, order, at, total % _n);
        return order;
    }
}

/// <summary>The given indices in a random order, drawn afresh each epoch (<c>SubsetRandomSampler</c>).</summary>
public sealed class SubsetRandomSampler : Sampler
{
    private readonly int[] _indices;
    private readonly IRandomSource _random;
    private readonly object _gate = new();

    /// <summary>A sampler over <paramref name="indices"/>.</summary>
    /// <param name="indices">The dataset indices to shuffle.</param>
    /// <param name="seed">Shorthand for a new generator seeded with this value.</param>
    /// <param name="generator">The generator to draw from; with neither it nor a seed, the default generator.</param>
    /// <exception cref="ArgumentException">Both a seed and a generator were given.</exception>
    public SubsetRandomSampler(IEnumerable<int> indices, int? seed = null, Generator? generator = null)
        : this(indices, RandomSources.From(seed, generator, "SubsetRandomSampler")) { }

    internal SubsetRandomSampler(IEnumerable<int> indices, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(indices);
        _indices = indices.ToArray();
        _random = random;
    }

    /// <summary>The indices sampled from.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int[] perm;
        lock (_gate) perm = _random.RandPerm(_indices.Length);
        var order = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) order[i] = _indices[perm[i]];
        return ((IEnumerable<int>)order).GetEnumerator();
    }
}

/// <summary>
/// Indices 0..weights.Length-1 drawn with probability proportional to their weights
/// (<c>WeightedRandomSampler</c>, through <c>torch.multinomial</c>), e.g. to rebalance classes.
/// </summary>
public sealed class WeightedRandomSampler : Sampler
{
    private readonly double[] _weights;
    private readonly int _numSamples;
    private readonly IRandomSource _random;
    private readonly object _gate = new();

    /// <summary>A weighted sampler.</summary>
    /// <param name="weights">Non-negative weights, one per sample; they need not sum to 1.</param>
    /// <param name="numSamples">Indices per epoch.</param>
    /// <param name="replacement">Draw with replacement (PyTorch's default); without it <paramref name="numSamples"/> may not exceed the number of non-zero weights.</param>
    /// <param name="seed">Shorthand for a new generator seeded with this value.</param>
    /// <param name="generator">The generator to draw from; with neither it nor a seed, the default generator.</param>
    /// <exception cref="ArgumentException">A weight is negative or not finite, all are zero, <paramref name="numSamples"/> is impossible, or both a seed and a generator were given.</exception>
    public WeightedRandomSampler(IEnumerable<double> weights, int numSamples, bool replacement = true, int? seed = null, Generator? generator = null)
        : this(weights, numSamples, replacement, RandomSources.From(seed, generator, "WeightedRandomSampler")) { }

    internal WeightedRandomSampler(IEnumerable<double> weights, int numSamples, bool replacement, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = weights.ToArray();
        if (numSamples <= 0)
            throw new ArgumentException($"WeightedRandomSampler: num_samples should be a positive integer value, but got num_samples={numSamples}.", nameof(numSamples));
        if (_weights.Length == 0) throw new ArgumentException("WeightedRandomSampler: weights must not be empty.", nameof(weights));
        int nonZero = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            if (!(_weights[i] >= 0) || double.IsInfinity(_weights[i]))
                throw new ArgumentException($"WeightedRandomSampler: invalid multinomial distribution (weight {i} is {_weights[i]}; weights must be finite and non-negative).", nameof(weights));
            if (_weights[i] > 0) nonZero++;
        }
        if (nonZero == 0) throw new ArgumentException("WeightedRandomSampler: invalid multinomial distribution (sum of probabilities <= 0).", nameof(weights));
        if (!replacement && numSamples > _weights.Length)
            throw new ArgumentException($"WeightedRandomSampler: cannot sample n_sample > prob_dist.size(-1) samples without replacement (asked for {numSamples} from {_weights.Length} weights).", nameof(numSamples));
        if (!replacement && numSamples > nonZero)
            throw new ArgumentException($"WeightedRandomSampler: invalid multinomial distribution (with replacement=False, not enough non-negative category to sample): asked for {numSamples}, only {nonZero} weights are non-zero.", nameof(numSamples));
        _numSamples = numSamples;
        Replacement = replacement;
        _random = random;
    }

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <summary>The weights.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <inheritdoc/>
    public override int Count => _numSamples;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int[] order;
        lock (_gate) order = _random.Multinomial(_weights, _numSamples, Replacement);
        return ((IEnumerable<int>)order).GetEnumerator();
    }
}

/// <summary>
/// Groups another sampler's indices into lists of <see cref="BatchSize"/> (<c>BatchSampler</c>); the
/// last, shorter batch is kept unless <see cref="DropLast"/>.
/// </summary>
public sealed class BatchSampler : IEnumerable<int[]>
{
    /// <summary>Batches the indices of <paramref name="sampler"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchSampler(IEnumerable<int> sampler, int batchSize, bool dropLast)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (batchSize <= 0)
            throw new ArgumentException($"BatchSampler: batch_size should be a positive integer value, but got batch_size={batchSize}.", nameof(batchSize));
        Sampler = sampler;
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>The sampler whose indices are grouped.</summary>
    public IEnumerable<int> Sampler { get; }

    /// <summary>Indices per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a last, incomplete batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>
    /// The number of batches per epoch (<c>len(batch_sampler)</c>); needs a sampler whose size is known
    /// (a <see cref="Data.Sampler"/> or a collection).
    /// </summary>
    /// <exception cref="InvalidOperationException">The sampler's size is unknown.</exception>
    public int Count
    {
        get
        {
            int n = Sampler switch
            {
                Sampler s => s.Count,
                IReadOnlyCollection<int> c => c.Count,
                ICollection<int> c => c.Count,
                _ => throw new InvalidOperationException("BatchSampler: the sampler has no length, so the number of batches is unknown."),
            };
            return DropLast ? n / BatchSize : (n + BatchSize - 1) / BatchSize;
        }
    }

    /// <summary>The batches of one epoch.</summary>
    public IEnumerator<int[]> GetEnumerator()
    {
        var batch = new List<int>(BatchSize);
        foreach (int i in Sampler)
        {
            batch.Add(i);
            if (batch.Count == BatchSize) { yield return batch.ToArray(); batch.Clear(); }
        }
        if (batch.Count > 0 && !DropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
