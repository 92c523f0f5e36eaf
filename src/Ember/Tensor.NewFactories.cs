namespace Ember;

// x.new_zeros / new_ones / new_full / new_empty / new_tensor: factories that take their dtype and
// device from an existing tensor, so code written for one dtype runs unchanged on another.
public partial class Tensor
{
    /// <summary>Zeros of <paramref name="shape"/> with this tensor's dtype and device unless given (<c>x.new_zeros(size)</c>).</summary>
    public Tensor NewZeros(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) =>
        ZerosFor("new_zeros", shape, dtype ?? DType, device ?? Device);

    /// <summary>Zeros of <paramref name="shape"/> with this tensor's dtype and device (<c>x.new_zeros(2, 3)</c>).</summary>
    public Tensor NewZeros(params int[] shape) => NewZeros(shape.AsSpan());

    /// <summary>Ones of <paramref name="shape"/> with this tensor's dtype and device unless given (<c>x.new_ones(size)</c>).</summary>
    public Tensor NewOnes(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) =>
        FullFor("new_ones", shape, 1, dtype ?? DType, device ?? Device);

    /// <summary>Ones of <paramref name="shape"/> with this tensor's dtype and device (<c>x.new_ones(2, 3)</c>).</summary>
    public Tensor NewOnes(params int[] shape) => NewOnes(shape.AsSpan());

    /// <summary>
    /// <paramref name="value"/> everywhere in a tensor of <paramref name="shape"/>, with this tensor's
    /// dtype and device unless given (<c>x.new_full(size, fill_value)</c>): unlike <see cref="Full"/>, the
    /// dtype does not follow the value's kind.
    /// </summary>
    public Tensor NewFull(ReadOnlySpan<int> shape, Scalar value, DType? dtype = null, Device? device = null) =>
        FullFor("new_full", shape, value, dtype ?? DType, device ?? Device);

    /// <summary>
    /// A tensor of <paramref name="shape"/> whose contents are not meant to be read, with this tensor's
    /// dtype and device unless given (<c>x.new_empty(size)</c>); as <see cref="Empty(ReadOnlySpan{int}, DType?, Device?)"/>, it is in fact zero-filled.
    /// </summary>
    public Tensor NewEmpty(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) =>
        ZerosFor("new_empty", shape, dtype ?? DType, device ?? Device);

    /// <summary>An unfilled tensor of <paramref name="shape"/> with this tensor's dtype and device (<c>x.new_empty(2, 3)</c>).</summary>
    public Tensor NewEmpty(params int[] shape) => NewEmpty(shape.AsSpan());

    /// <summary>
    /// A copy of <paramref name="data"/> (a .NET array of any rank) with this tensor's dtype and device
    /// unless given (<c>x.new_tensor(data)</c>): <c>new double[] { 1, 2 }</c> on a float32 tensor gives float32.
    /// </summary>
    public Tensor NewTensor(Array data, DType? dtype = null, Device? device = null) =>
        From(data, dtype ?? DType, device ?? Device);

    /// <summary>A 0-d tensor holding <paramref name="value"/> with this tensor's dtype and device unless given (<c>x.new_tensor(3.5)</c>).</summary>
    public Tensor NewTensor(Scalar value, DType? dtype = null, Device? device = null) =>
        Scalar(value, dtype ?? DType, device ?? Device);
}
