namespace Ember.NN;

/// <summary>
/// A batch of variable-length sequences packed time step by time step (<c>torch.nn.utils.rnn.PackedSequence</c>):
/// <see cref="Data"/> holds, for each step t, the rows of the <c>BatchSizes[t]</c> sequences still
/// running at t, longest sequence first. Make one with <see cref="Utils.Rnn.PackPaddedSequence(Tensor, long[], bool, bool)"/>
/// or <see cref="Utils.Rnn.PackSequence"/>; <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/>
/// accept it and return one; <see cref="Utils.Rnn.PadPackedSequence"/> turns it back into a padded tensor.
/// </summary>
public sealed class PackedSequence
{
    /// <summary>
    /// Wraps packed <paramref name="data"/> [sum(batch_sizes), *] with its <paramref name="batchSizes"/>
    /// (1-D int64 on the CPU, non-increasing) and, for a batch that was sorted by length, the permutation
    /// used (<paramref name="sortedIndices"/>) and its inverse (<paramref name="unsortedIndices"/>,
    /// computed when null), as <c>PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">batch_sizes is not a 1-D CPU int64 tensor of positive, non-increasing sizes summing to data.size(0).</exception>
    public PackedSequence(Tensor data, Tensor batchSizes, Tensor? sortedIndices = null, Tensor? unsortedIndices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(batchSizes);
        if (batchSizes.NDim != 1 || batchSizes.DType != DType.Int64 || batchSizes.Device != Device.Cpu)
            throw new ArgumentException($"PackedSequence: batch_sizes should always be a 1D CPU int64 tensor, but got {batchSizes.NDim}D {batchSizes.Device} {batchSizes.DType.TorchName()} tensor.", nameof(batchSizes));
        var sizes = batchSizes.ToArray<long>();
        long total = 0;
        for (int t = 0; t < sizes.Length; t++)
        {
            if (sizes[t] <= 0 || (t > 0 && sizes[t] > sizes[t - 1]))
                throw new ArgumentException($"PackedSequence: batch_sizes must be positive and non-increasing, got [{string.Join(", ", sizes)}].", nameof(batchSizes));
            total += sizes[t];
        }
        if (data.NDim < 1 || data.Shape[0] != total)
            throw new ArgumentException($"PackedSequence: data of shape {data.Shape} does not hold sum(batch_sizes) = {total} rows.", nameof(data));
        Data = data;
        BatchSizes = batchSizes;
        Sizes = Array.ConvertAll(sizes, s => (int)s);
        SortedIndices = sortedIndices;
        UnsortedIndices = unsortedIndices ?? (sortedIndices is null ? null : InvertPermutation(sortedIndices));
    }

    /// <summary>The packed rows [sum(batch_sizes), *] (<c>data</c>).</summary>
    public Tensor Data { get; }

    /// <summary>How many sequences run at each time step, a 1-D int64 CPU tensor (<c>batch_sizes</c>).</summary>
    public Tensor BatchSizes { get; }

    /// <summary>The batch index of each sorted slot (sequences ordered by decreasing length), or null when the batch came sorted (<c>sorted_indices</c>).</summary>
    public Tensor? SortedIndices { get; }

    /// <summary>The inverse of <see cref="SortedIndices"/>: where each original sequence sits in the sorted order (<c>unsorted_indices</c>).</summary>
    public Tensor? UnsortedIndices { get; }

    /// <summary><see cref="BatchSizes"/> as integers, for the loops that walk the steps.</summary>
    internal int[] Sizes { get; }

    /// <summary>The same packing over other data (the layers' output), keeping the batch sizes and permutations.</summary>
    internal PackedSequence With(Tensor data) => new(data, BatchSizes, SortedIndices, UnsortedIndices, Sizes);

    private PackedSequence(Tensor data, Tensor batchSizes, Tensor? sorted, Tensor? unsorted, int[] sizes)
    {
        Data = data;
        BatchSizes = batchSizes;
        SortedIndices = sorted;
        UnsortedIndices = unsorted;
        Sizes = sizes;
    }

    /// <summary>Unpacks as Python's namedtuple does: <c>var (data, batchSizes, sorted, unsorted) = packed;</c>.</summary>
    public void Deconstruct(out Tensor data, out Tensor batchSizes, out Tensor? sortedIndices, out Tensor? unsortedIndices) =>
        (data, batchSizes, sortedIndices, unsortedIndices) = (Data, BatchSizes, SortedIndices, UnsortedIndices);

    /// <summary>The same sequences with <see cref="Data"/> (and the index tensors) moved to <paramref name="device"/>; batch_sizes stays on the CPU (<c>packed.to(device)</c>).</summary>
    public PackedSequence To(Device device) =>
        new(Data.To(device), BatchSizes, SortedIndices?.To(device), UnsortedIndices?.To(device), Sizes);

    /// <summary>The same sequences with <see cref="Data"/> cast to <paramref name="dtype"/> (<c>packed.to(dtype)</c>).</summary>
    public PackedSequence To(DType dtype) => new(Data.To(dtype), BatchSizes, SortedIndices, UnsortedIndices, Sizes);

    /// <summary>Python's form: <c>PackedSequence(data=..., batch_sizes=..., sorted_indices=..., unsorted_indices=...)</c>.</summary>
    public override string ToString() =>
        $"PackedSequence(data={Data}, batch_sizes={BatchSizes}, sorted_indices={SortedIndices?.ToString() ?? "None"}, unsorted_indices={UnsortedIndices?.ToString() ?? "None"})";

    /// <summary>inverse[perm[i]] = i, on perm's device.</summary>
    internal static Tensor InvertPermutation(Tensor perm)
    {
        var p = perm.ToArray<long>();
        var inv = new long[p.Length];
        for (int i = 0; i < p.Length; i++) inv[p[i]] = i;
        return Tensor.From(inv).To(perm.Device);
    }
}
