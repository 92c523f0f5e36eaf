namespace Ember.NN;

public static partial class Utils
{
    /// <summary>
    /// Packing and padding of variable-length sequences (<c>torch.nn.utils.rnn</c>), PyTorch 1.13's
    /// functions and messages. Every function is made of recorded tensor ops (slices, concatenation,
    /// index_select), so gradients flow from the packed or padded result back to the sequences.
    /// </summary>
    public static class Rnn
    {
        private const string SortMessage =
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` " +
            "to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.";

        /// <summary>
        /// Packs a padded batch <paramref name="input"/> [T, B, *] ([B, T, *] with <paramref name="batchFirst"/>)
        /// of sequences whose lengths are <paramref name="lengths"/> (<c>pack_padded_sequence</c>). With
        /// <paramref name="enforceSorted"/> the lengths must be non-increasing; otherwise the batch is sorted
        /// (stably, longest first) and the permutation kept in the result for the layers and
        /// <see cref="PadPackedSequence"/> to undo.
        /// </summary>
        /// <exception cref="ArgumentException">The lengths are unsorted (with <paramref name="enforceSorted"/>), not positive, longer than T or not one per batch entry, or the input is empty.</exception>
        public static PackedSequence PackPaddedSequence(Tensor input, long[] lengths, bool batchFirst = false, bool enforceSorted = true)
        {
            ArgumentNullException.ThrowIfNull(input);
            ArgumentNullException.ThrowIfNull(lengths);
            const string op = "pack_padded_sequence";
            if (input.NDim < 2)
                throw new ArgumentException($"{op}: input must have at least 2 dimensions ({(batchFirst ? "B x T" : "T x B")} x *), got a {input.NDim}-D tensor of shape {input.Shape}.", nameof(input));
            long[] lens = (long[])lengths.Clone();
            long[] order = Enumerable.Range(0, lens.Length).Select(i => (long)i).ToArray();
            Tensor? sortedIndices = null;
            if (!enforceSorted)
            {
                // torch.sort(lengths, descending=True) on the CPU keeps equal lengths in batch order.
                order = order.OrderByDescending(i => lengths[i]).ToArray();
                lens = order.Select(i => lengths[i]).ToArray();
                sortedIndices = Tensor.From(order).To(input.Device);
            }
            int steps = input.Shape[batchFirst ? 1 : 0], batch = input.Shape[batchFirst ? 0 : 1];
            if (input.Numel() == 0) throw new ArgumentException($"{op}: Cannot pack empty tensors.", nameof(input));
            if (lens.Length != batch)
                throw new ArgumentException($"{op}: Expected `len(lengths)` to be equal to batch_size, but got {lens.Length} (batch_size={batch})", nameof(lengths));
            if (lens[^1] <= 0)
                throw new ArgumentException($"{op}: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0", nameof(lengths));
            for (int i = 1; i < lens.Length; i++)
                if (lens[i] > lens[i - 1]) throw new ArgumentException($"{op}: {SortMessage}", nameof(lengths));
            if (lens[0] > steps)
                throw new ArgumentException($"{op}: the longest length {lens[0]} exceeds the {steps} time steps of the input (shape {input.Shape}).", nameof(lengths));

            // One index_select over the rows of the padded input (one backward node, an index_add),
            // the sort folded in: step t takes the first sizes[t] sequences in sorted order.
            var sizes = new long[lens[0]];
            var rows = new List<long>();
            for (int t = 0, b = batch; t < sizes.Length; t++)
            {
                while (lens[b - 1] <= t) b--;
                sizes[t] = b;
                for (int s = 0; s < b; s++) rows.Add(batchFirst ? order[s] * steps + t : t * (long)batch + order[s]);
            }
            var flat = input.Reshape([steps * batch, .. input.Shape.AsSpan()[2..]]);
            var data = flat.IndexSelect(0, Tensor.From(rows.ToArray()).To(input.Device));
            return new PackedSequence(data, Tensor.From(sizes), sortedIndices);
        }

        /// <summary>
        /// <see cref="PackPaddedSequence(Tensor, long[], bool, bool)"/> with the lengths as a 1-D integer
        /// tensor on the CPU (<c>pack_padded_sequence(input, lengths_tensor, ...)</c>).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="lengths"/> is not a 1-D CPU tensor, or as for the other overload.</exception>
        public static PackedSequence PackPaddedSequence(Tensor input, Tensor lengths, bool batchFirst = false, bool enforceSorted = true)
        {
            ArgumentNullException.ThrowIfNull(lengths);
            if (lengths.NDim != 1 || lengths.Device != Device.Cpu)
                throw new ArgumentException($"pack_padded_sequence: 'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.NDim}D {lengths.Device} {lengths.DType.TorchName()} tensor", nameof(lengths));
            return PackPaddedSequence(input, lengths.ToArray<long>(), batchFirst, enforceSorted);
        }

        /// <summary>
        /// Unpacks <paramref name="sequence"/> into a padded tensor [T, B, *] ([B, T, *] with
        /// <paramref name="batchFirst"/>), T = <paramref name="totalLength"/> or the longest length,
        /// padding filled with <paramref name="paddingValue"/>, batch entries in their original order
        /// (<c>pad_packed_sequence</c>). Returns the tensor and the lengths (int64, CPU).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="totalLength"/> is shorter than the longest sequence.</exception>
        public static (Tensor Output, Tensor Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, double paddingValue = 0, int? totalLength = null)
        {
            ArgumentNullException.ThrowIfNull(sequence);
            var sizes = sequence.Sizes;
            int maxLength = sizes.Length;
            if (totalLength is int total)
            {
                if (total < maxLength)
                    throw new ArgumentException("pad_packed_sequence: Expected total_length to be at least the length of the longest sequence in input, " +
                        $"but got total_length={total} and max sequence length being {maxLength}", nameof(totalLength));
                maxLength = total;
            }
            var data = sequence.Data;
            int batch = sizes[0], rowsIn = data.Shape[0];
            int[] trailing = data.Shape.AsSpan()[1..].ToArray();
            // Output (t, b) reads packed row offset[t] + slot(b) while b's sequence runs, else the padding
            // row appended at rowsIn; the original order (unsorted_indices) is folded into slot(b).
            long[]? slotOf = sequence.UnsortedIndices?.ToArray<long>();
            var index = new long[maxLength * batch];
            for (int t = 0, offset = 0; t < maxLength; t++)
            {
                int running = t < sizes.Length ? sizes[t] : 0;
                for (int b = 0; b < batch; b++)
                {
                    long slot = slotOf is null ? b : slotOf[b];
                    long at = slot < running ? offset + slot : rowsIn;
                    index[batchFirst ? b * maxLength + t : t * batch + b] = at;
                }
                offset += running;
            }
            var source = Tensor.Cat([data, Tensor.Full([1, .. trailing], paddingValue, data.DType, data.Device)], 0);
            var output = source.IndexSelect(0, Tensor.From(index).To(data.Device))
                .Reshape([batchFirst ? batch : maxLength, batchFirst ? maxLength : batch, .. trailing]);
            var lengths = new long[batch];
            foreach (int n in sizes)
                for (int i = 0; i < n; i++) lengths[i]++;
            var lengthsT = Tensor.From(lengths);
            if (slotOf is not null) lengthsT = lengthsT.IndexSelect(0, Tensor.From(slotOf));
            return (output, lengthsT);
        }

        /// <summary>
        /// Stacks sequences [L_i, *] of different lengths into [T, B, *] ([B, T, *] with
        /// <paramref name="batchFirst"/>), T the longest L_i, shorter ones padded with
        /// <paramref name="paddingValue"/> (<c>pad_sequence</c>).
        /// </summary>
        /// <exception cref="ArgumentException">The list is empty, or the sequences differ in their trailing dims.</exception>
        public static Tensor PadSequence(IReadOnlyList<Tensor> sequences, bool batchFirst = false, double paddingValue = 0)
        {
            ArgumentNullException.ThrowIfNull(sequences);
            if (sequences.Count == 0) throw new ArgumentException("pad_sequence: received an empty list of sequences", nameof(sequences));
            var first = sequences[0];
            if (first.NDim < 1) throw new ArgumentException("pad_sequence: the sequences must have at least 1 dimension, got a 0-D tensor.", nameof(sequences));
            int[] trailing = first.Shape.AsSpan()[1..].ToArray();
            int maxLength = 0;
            for (int i = 0; i < sequences.Count; i++)
            {
                var s = sequences[i];
                if (s.NDim < 1 || !s.Shape.AsSpan()[1..].SequenceEqual(trailing))
                    throw new ArgumentException($"pad_sequence: sequence {i} has shape {s.Shape}, but its trailing dims must match sequence 0's {first.Shape} (all but the first).", nameof(sequences));
                maxLength = Math.Max(maxLength, s.Shape[0]);
            }
            var padded = new Tensor[sequences.Count];
            for (int i = 0; i < padded.Length; i++)
            {
                var s = sequences[i];
                int missing = maxLength - s.Shape[0];
                padded[i] = missing == 0 ? s : Tensor.Cat([s, Tensor.Full([missing, .. trailing], paddingValue, s.DType, s.Device)], 0);
            }
            return Tensor.Stack(padded, batchFirst ? 0 : 1);
        }

        /// <summary>
        /// Packs a list of sequences [L_i, *] (<c>pack_sequence</c>): <see cref="PadSequence"/> then
        /// <see cref="PackPaddedSequence(Tensor, long[], bool, bool)"/> with their lengths. With
        /// <paramref name="enforceSorted"/> they must come longest first.
        /// </summary>
        /// <exception cref="ArgumentException">As for the two functions it calls.</exception>
        public static PackedSequence PackSequence(IReadOnlyList<Tensor> sequences, bool enforceSorted = true)
        {
            ArgumentNullException.ThrowIfNull(sequences);
            var lengths = sequences.Select(s => s is null || s.NDim < 1 ? 0L : s.Shape[0]).ToArray();
            return PackPaddedSequence(PadSequence(sequences), lengths, enforceSorted: enforceSorted);
        }
    }
}
