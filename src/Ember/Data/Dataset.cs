using Ember.Rng;
using System.Collections;

namespace Ember.Data;

/// <summary>
/// A map-style dataset (<c>torch.utils.data.Dataset</c>): a fixed number of samples reachable by
/// index. Implement <see cref="Count"/> (<c>__len__</c>) and the indexer (<c>__getitem__</c>).
/// </summary>
/// <remarks>
/// A <see cref="DataLoader{T, TBatch}"/> with workers calls the indexer from several threads at
/// once, so an implementation must be safe to read concurrently (most are: they only read arrays).
/// </remarks>
/// <typeparam name="T">The type of one sample, e.g. <c>(Tensor Image, long Label)</c>.</typeparam>
public abstract class Dataset<T> : IReadOnlyList<T>
{
    /// <summary>The number of samples (<c>len(dataset)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The sample at <paramref name="index"/> (0 &lt;= index &lt; <see cref="Count"/>).</summary>
    public abstract T this[int index] { get; }

    /// <summary>Joins two datasets end to end (<c>dataset1 + dataset2</c>, a <see cref="ConcatDataset{T}"/>).</summary>
    public static ConcatDataset<T> operator +(Dataset<T> left, Dataset<T> right) => new([left, right]);

    /// <summary>The samples in index order.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        int n = Count;
        for (int i = 0; i < n; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Throws the standard out-of-range message for <paramref name="index"/>.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{DisplayName}: index {index} is out of range for a dataset of {Count} samples.");
    }

    // The class's name as a user wrote it: FuncDataset, not .NET's FuncDataset`1.
    private string DisplayName
    {
        get
        {
            string name = GetType().Name;
            int tick = name.IndexOf('`');
            return tick >= 0 ? name[..tick] : name;
        }
    }
}

/// <summary>
/// An iterable-style dataset (<c>torch.utils.data.IterableDataset</c>): a stream of samples with no
/// random access, for data read sequentially (files, sockets, generators). A DataLoader batches it
/// in stream order; samplers and shuffling do not apply.
/// </summary>
/// <typeparam name="T">The type of one sample.</typeparam>
public abstract class IterableDataset<T> : IEnumerable<T>
{
    /// <summary>The samples, in order (<c>__iter__</c>).</summary>
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A map-style dataset over a list or a function, for quick experiments and tests.</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class FuncDataset<T> : Dataset<T>
{
    private readonly int _count;
    private readonly Func<int, T> _get;

    /// <summary>A dataset of <paramref name="count"/> samples where sample i is <paramref name="get"/>(i).</summary>
    public FuncDataset(int count, Func<int, T> get)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(get);
        _count = count;
        _get = get;
    }

    /// <inheritdoc/>
    public override int Count => _count;

    /// <inheritdoc/>
    public override T this[int index] { get { CheckIndex(index); return _get(index); } }
}

/// <summary>
/// Wraps tensors that share their first dimension; sample i is the i-th row of each
/// (<c>torch.utils.data.TensorDataset</c>). Rows are views, not copies.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>Wraps <paramref name="tensors"/>, which must all have the same size in dimension 0.</summary>
    /// <exception cref="ArgumentException">No tensors, a 0-d tensor, or first dimensions that differ.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: expects at least one tensor.", nameof(tensors));
        for (int i = 0; i < tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(tensors[i], $"tensors[{i}]");
            if (tensors[i].NDim == 0)
                throw new ArgumentException($"TensorDataset: tensor {i} is 0-d; every tensor needs a first dimension to index samples by.", nameof(tensors));
            if (tensors[i].Size(0) != tensors[0].Size(0))
                throw new ArgumentException($"TensorDataset: Size mismatch between tensors: tensor 0 has shape {tensors[0].Shape} but tensor {i} has shape {tensors[i].Shape} (dimension 0 must agree).", nameof(tensors));
        }
        _tensors = tensors;
    }

    /// <summary>The wrapped tensors (<c>dataset.tensors</c>).</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count => _tensors[0].Size(0);

    /// <inheritdoc/>
    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var row = new Tensor[_tensors.Length];
            for (int i = 0; i < row.Length; i++) row[i] = _tensors[i].WithLayout(_tensors[i].Layout.Select(0, index));
            return row;
        }
    }
}

/// <summary>The samples of a dataset at chosen indices, in the order given (<c>torch.utils.data.Subset</c>).</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class Subset<T> : Dataset<T>
{
    private readonly int[] _indices;

    /// <summary>The samples of <paramref name="dataset"/> at <paramref name="indices"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public Subset(Dataset<T> dataset, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        Dataset = dataset;
        _indices = indices.ToArray();
        int n = dataset.Count;
        foreach (int i in _indices)
            if ((uint)i >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Subset: index {i} is out of range for a dataset of {n} samples.");
    }

    /// <summary>The underlying dataset (<c>subset.dataset</c>).</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The chosen indices into <see cref="Dataset"/> (<c>subset.indices</c>).</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override T this[int index] { get { CheckIndex(index); return Dataset[_indices[index]]; } }
}

/// <summary>Datasets joined end to end (<c>torch.utils.data.ConcatDataset</c>).</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class ConcatDataset<T> : Dataset<T>
{
    private readonly Dataset<T>[] _datasets;
    private readonly int[] _cumulative;

    /// <summary>Joins <paramref name="datasets"/> in order.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public ConcatDataset(IEnumerable<Dataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        _datasets = datasets.ToArray();
        if (_datasets.Length == 0) throw new ArgumentException("ConcatDataset: datasets should not be an empty iterable.", nameof(datasets));
        _cumulative = new int[_datasets.Length];
        long acc = 0;
        for (int i = 0; i < _datasets.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_datasets[i], $"datasets[{i}]");
            acc += _datasets[i].Count;
            if (acc > int.MaxValue) throw new ArgumentException("ConcatDataset: the joined datasets hold more than int.MaxValue samples.", nameof(datasets));
            _cumulative[i] = (int)acc;
        }
    }

    /// <summary>The joined datasets (<c>dataset.datasets</c>).</summary>
    public IReadOnlyList<Dataset<T>> Datasets => _datasets;

    /// <summary>Running totals of the datasets' sizes (<c>dataset.cumulative_sizes</c>).</summary>
    public IReadOnlyList<int> CumulativeSizes => _cumulative;

    /// <inheritdoc/>
    public override int Count => _cumulative[^1];

    /// <summary>
    /// The sample at <paramref name="index"/>; as in PyTorch a negative index counts from the end.
    /// </summary>
    public override T this[int index]
    {
        get
        {
            if (index < 0)
            {
                if (-index > Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"ConcatDataset: absolute value of index should not exceed dataset length ({Count}).");
                index += Count;
            }
            CheckIndex(index);
            int d = Array.BinarySearch(_cumulative, index);
            d = d >= 0 ? d + 1 : ~d;
            while (_datasets[d].Count == 0) d++; // empty members share a cumulative value
            int start = d == 0 ? 0 : _cumulative[d - 1];
            return _datasets[d][index - start];
        }
    }
}

/// <summary>Helpers over datasets (<c>torch.utils.data.random_split</c>).</summary>
public static class Dataset
{
    /// <summary>
    /// Splits <paramref name="dataset"/> into non-overlapping random subsets of the given
    /// <paramref name="lengths"/>, which must add up to its size (<c>random_split(dataset, lengths,
    /// generator)</c>). The split is one <c>randperm</c> drawn from <paramref name="generator"/>, from a new
    /// generator seeded with <paramref name="seed"/>, or from the default generator, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not add up to the dataset's size, or one is negative, or both a seed and a generator were given.</exception>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<int> lengths, int? seed = null, Generator? generator = null) =>
        RandomSplit(dataset, lengths, RandomSources.From(seed, generator, "random_split"));

    /// <summary>
    /// Splits <paramref name="dataset"/> into random subsets whose sizes are the given
    /// <paramref name="fractions"/> of it (they must add up to 1). As in PyTorch each size is
    /// floor(fraction * n) and the samples left over go one each to the subsets in turn from the first.
    /// </summary>
    /// <exception cref="ArgumentException">A fraction is outside [0, 1] or they do not add up to 1.</exception>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<double> fractions, int? seed = null, Generator? generator = null) =>
        RandomSplit(dataset, FractionsToLengths(dataset, fractions), RandomSources.From(seed, generator, "random_split"));

    internal static int[] FractionsToLengths<T>(Dataset<T> dataset, IReadOnlyList<double> fractions)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        double sum = 0;
        for (int i = 0; i < fractions.Count; i++)
        {
            if (!(fractions[i] >= 0 && fractions[i] <= 1))
                throw new ArgumentException($"random_split: Fraction at index {i} is not between 0 and 1 (got {fractions[i]}).", nameof(fractions));
            sum += fractions[i];
        }
        if (Math.Abs(sum - 1) > 1e-9 * Math.Max(1, Math.Abs(sum)))
            throw new ArgumentException($"random_split: fractions must sum to 1 (they sum to {sum}).", nameof(fractions));
        int n = dataset.Count;
        var lengths = new int[fractions.Count];
        int used = 0;
        for (int i = 0; i < lengths.Length; i++) { lengths[i] = (int)Math.Floor(n * fractions[i]); used += lengths[i]; }
        int remainder = n - used;
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return lengths;
    }

    internal static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<int> lengths, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long total = 0;
        foreach (int l in lengths)
        {
            if (l < 0) throw new ArgumentException($"random_split: lengths must be non-negative, got [{string.Join(", ", lengths)}].", nameof(lengths));
            total += l;
        }
        if (total != dataset.Count)
            throw new ArgumentException($"random_split: Sum of input lengths ({total}, from [{string.Join(", ", lengths)}]) does not equal the length of the input dataset ({dataset.Count}).", nameof(lengths));
        int[] perm = random.RandPerm(dataset.Count);
        var result = new Subset<T>[lengths.Count];
        int offset = 0;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new Subset<T>(dataset, new ArraySegment<int>(perm, offset, lengths[i]));
            offset += lengths[i];
        }
        return result;
    }
}
