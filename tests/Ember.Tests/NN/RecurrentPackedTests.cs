using Ember.NN;
using Xunit;
using static Ember.NN.Utils.Rnn;

namespace Ember.Tests.NN;

/// <summary>PackedSequence's invariants and the messages for bad packing input (PyTorch 1.13's texts).</summary>
public class RecurrentPackedTests
{
    [Fact]
    public void UnsortedLengthsWithEnforceSortedGivePyTorchsMessage() =>
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(Tensor.Zeros(4, 3, 2), [3, 4, 2]),
            "pack_padded_sequence", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");

    [Fact]
    public void BadLengthsAreNamed()
    {
        var x = Tensor.Zeros(4, 3, 2);
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(x, [4, 3, 0]), "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(x, [4, 3]), "Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)");
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(x, [5, 3, 2]), "longest length 5 exceeds the 4 time steps");
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(Tensor.Zeros(0, 3, 2), [1, 1, 1]), "Cannot pack empty tensors.");
        TensorAssert.Throws<ArgumentException>(() => PackPaddedSequence(x, Tensor.From(new long[] { 4, 3, 2 }).Reshape(3, 1)),
            "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu torch.int64 tensor");
        TensorAssert.Throws<ArgumentException>(() => PadSequence([]), "pad_sequence: received an empty list of sequences");
        TensorAssert.Throws<ArgumentException>(() => PadSequence([Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)]), "pad_sequence", "sequence 1 has shape [3, 2]");
        var p = PackSequence([Tensor.Zeros(4, 2), Tensor.Zeros(3, 2)]);
        TensorAssert.Throws<ArgumentException>(() => PadPackedSequence(p, totalLength: 3),
            "Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 4");
    }

    [Fact]
    public void FloatLengthsTensorIsAccepted()
    {
        var p = PackPaddedSequence(Tensor.Randn(4, 3, 2), Tensor.From(new float[] { 4, 3, 2 }));
        Assert.Equal(new long[] { 3, 3, 2, 1 }, p.BatchSizes.ToArray<long>());
    }

    [Fact]
    public void PackedInputChecksTheLayersArguments()
    {
        var packed = PackSequence([Tensor.Randn(3, 4), Tensor.Randn(2, 4)]);
        TensorAssert.Throws<ArgumentException>(() => new LSTM(5, 6).Call(packed), "LSTM: input.size(-1) must be equal to input_size. Expected 5, got 4");
        TensorAssert.Throws<ArgumentException>(() => new GRU(4, 6).Call(packed, Tensor.Zeros(1, 3, 6)), "GRU: Expected hidden size (1, 2, 6), got [1, 3, 6]");
        TensorAssert.Throws<ArgumentException>(() => new RNN(4, 6).Call(packed.To(DType.Float64)), "input must have the type torch.float32, got type torch.float64");
    }

    [Fact]
    public void PackedSequenceRejectsBadBatchSizesAndUnpacksLikeANamedTuple()
    {
        TensorAssert.Throws<ArgumentException>(() => new PackedSequence(Tensor.Zeros(5, 2), Tensor.From(new long[] { 2, 3 })), "non-increasing");
        TensorAssert.Throws<ArgumentException>(() => new PackedSequence(Tensor.Zeros(4, 2), Tensor.From(new long[] { 3, 2 })), "sum(batch_sizes) = 5");
        var ps = new PackedSequence(Tensor.Zeros(5, 2), Tensor.From(new long[] { 3, 2 }), Tensor.From(new long[] { 2, 0, 1 }));
        var (data, sizes, sorted, unsorted) = ps;
        Assert.Equal([5, 2], data.Shape.ToArray());
        Assert.Equal(new long[] { 3, 2 }, sizes.ToArray<long>());
        Assert.Equal(new long[] { 2, 0, 1 }, sorted!.ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 0 }, unsorted!.ToArray<long>());
        Assert.StartsWith("PackedSequence(data=", ps.ToString());
    }
}
