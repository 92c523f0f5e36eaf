namespace Ember.NN;

// Embedding bags as PyTorch 1.13 computes them (F.embedding_bag), composed from recorded ops so they
// need no derivative row: the looked-up rows (index_select) are summed into their bags with
// index_add, weighted per sample for "sum", divided by the bag's size for "mean"; "max" picks, per
// bag and dimension, the first row holding the maximum (as the CPU kernel), and gathers it from the
// table, so the gradient reaches that row only. Entries equal to padding_idx are left out of their
// bag (not counted by "mean"); an empty bag gives zeros.
public static partial class F
{
    /// <summary>
    /// Sums, averages or takes the maximum of bags of embeddings without materialising the lookups
    /// (<c>F.embedding_bag</c>). <paramref name="input"/> is either [B, L] (each row a bag; no
    /// <paramref name="offsets"/>) or 1-d with <paramref name="offsets"/> giving where each bag starts
    /// (with <paramref name="includeLastOffset"/>, the last offset is the end of the last bag).
    /// <paramref name="mode"/> is "sum", "mean" (the default) or "max"; <paramref name="perSampleWeights"/>
    /// (the input's shape) scales each looked-up row and needs "sum". PyTorch's max_norm,
    /// scale_grad_by_freq and sparse options are not provided.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes, dtypes, mode or offsets do not fit; the message says which.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, num_embeddings).</exception>
    public static Tensor EmbeddingBag(Tensor input, Tensor weight, Tensor? offsets = null, string mode = "mean",
        Tensor? perSampleWeights = null, bool includeLastOffset = false, int? paddingIdx = null)
    {
        const string op = "embedding_bag";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(mode);
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{op}: expected integer indices (int64 or int32), got {input.DType.TorchName()}.", nameof(input));
        if (weight.NDim != 2) throw new ArgumentException($"{op}: 'weight' must be 2-D [num_embeddings, embedding_dim], got shape {weight.Shape}.", nameof(weight));
        if (mode is not ("sum" or "mean" or "max")) throw new ArgumentException($"{op}: mode has to be one of sum, mean or max, got '{mode}'.", nameof(mode));
        if (perSampleWeights is not null)
        {
            if (perSampleWeights.Shape != input.Shape)
                throw new ArgumentException($"{op}: If per_sample_weights ({perSampleWeights.Shape}) is not None, then it must have the same shape as the input ({input.Shape}).", nameof(perSampleWeights));
            if (mode != "sum")
                throw new ArgumentException($"{op}: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='{mode}').", nameof(perSampleWeights));
        }
        int n = weight.Shape[0], dim = weight.Shape[1];
        int? pad = paddingIdx is { } p ? NormalizePaddingIdx(p, n) : null;

        long[] idx = input.Reshape(-1).ToArray<long>();
        long[] starts;
        if (input.NDim == 2)
        {
            if (offsets is not null)
                throw new ArgumentException($"{op}: if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of shape {offsets.Shape}.", nameof(offsets));
            int L = input.Shape[1];
            starts = Enumerable.Range(0, input.Shape[0]).Select(b => (long)b * L).ToArray();
        }
        else if (input.NDim == 1)
        {
            if (offsets is null) throw new ArgumentException($"{op}: offsets has to be a 1D Tensor but got None (input of shape {input.Shape}).", nameof(offsets));
            if (offsets.NDim != 1) throw new ArgumentException($"{op}: offsets has to be a 1D Tensor, got shape {offsets.Shape}.", nameof(offsets));
            if (offsets.DType is not (DType.Int64 or DType.Int32))
                throw new ArgumentException($"{op}: offsets must be int64 or int32, got {offsets.DType.TorchName()}.", nameof(offsets));
            starts = offsets.ToArray<long>();
            if (starts.Length > 0 && starts[0] != 0)
                throw new ArgumentException($"{op}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got {starts[0]}.", nameof(offsets));
            for (int i = 0; i < starts.Length; i++)
            {
                if (starts[i] > idx.Length)
                    throw new ArgumentException($"{op}: offsets[{i}] can not be greater than input's length {idx.Length}, but got {starts[i]}.", nameof(offsets));
                if (i > 0 && starts[i] < starts[i - 1])
                    throw new ArgumentException($"{op}: offsets must be non-decreasing, but offsets[{i}] = {starts[i]} < offsets[{i - 1}] = {starts[i - 1]}.", nameof(offsets));
            }
        }
        else throw new ArgumentException($"{op}: input has to be 1D or 2D Tensor, but got Tensor of dimension {input.NDim} (shape {input.Shape}).", nameof(input));

        int bags = includeLastOffset && input.NDim == 1 ? Math.Max(starts.Length - 1, 0) : starts.Length;
        // Bag of each kept position (padding entries are left out).
        var keptPos = new List<long>(idx.Length);
        var keptBag = new List<long>(idx.Length);
        var count = new double[bags];
        for (int b = 0; b < bags; b++)
        {
            long end = b + 1 < starts.Length ? starts[b + 1] : idx.Length;
            for (long i = starts[b]; i < end; i++)
            {
                long v = idx[i];
                if (v < 0 || v >= n) throw new ArgumentOutOfRangeException(nameof(input), $"{op}: index {v} is out of range for a table of {n} embeddings (weight {weight.Shape}).");
                if (pad is { } pi && v == pi) continue;
                keptPos.Add(i);
                keptBag.Add(b);
                count[b]++;
            }
        }
        var kept = Tensor.From(keptPos.Select(i => idx[i]).ToArray()).To(weight.Device);
        var bagOf = Tensor.From(keptBag.ToArray()).To(weight.Device);
        var output = Tensor.Zeros([bags, dim], weight.DType, weight.Device);
        if (mode == "max") return EmbeddingBagMax(weight, kept, keptBag, bags, dim, output);

        var rows = weight.IndexSelect(0, kept);
        if (perSampleWeights is not null)
        {
            var pos = Tensor.From(keptPos.ToArray()).To(weight.Device);
            rows = rows * perSampleWeights.Reshape(-1).IndexSelect(0, pos).Unsqueeze(1);
        }
        var sum = output.IndexAdd(0, bagOf, rows);
        if (mode == "sum") return sum;
        var divisor = Tensor.From<double>(count.Select(c => Math.Max(c, 1)).ToArray(), [bags]).To(weight.DType).To(weight.Device);
        return sum / divisor.Unsqueeze(1);
    }

    private static Tensor EmbeddingBagMax(Tensor weight, Tensor kept, List<long> keptBag, int bags, int dim, Tensor zeros)
    {
        double[] rows = weight.Detach().IndexSelect(0, kept).ToArray<double>();
        long[] ids = kept.ToArray<long>();
        var arg = new long[bags * dim];
        var seen = new bool[bags];
        Array.Fill(arg, -1);
        var best = new double[bags * dim];
        for (int k = 0; k < ids.Length; k++)
        {
            int b = (int)keptBag[k];
            for (int d = 0; d < dim; d++)
            {
                double v = rows[(long)k * dim + d];
                // The first maximum wins, as PyTorch's CPU kernel (strictly greater replaces).
                if (!seen[b] || v > best[b * dim + d]) { best[b * dim + d] = v; arg[b * dim + d] = ids[k]; }
            }
            seen[b] = true;
        }
        var empty = Tensor.From(seen.Select(s => !s).ToArray()).To(weight.Device).Unsqueeze(1);
        var index = Tensor.From<long>(arg.Select(a => Math.Max(a, 0)).ToArray(), [bags, dim]).To(weight.Device);
        var picked = weight.Gather(0, index);
        return Tensor.Where(empty, zeros, picked);
    }
}
