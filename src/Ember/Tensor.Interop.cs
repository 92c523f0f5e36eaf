using System.Numerics.Tensors;

namespace Ember;

// Interop with other .NET representations of n-dimensional data: multi-dimensional arrays and
// System.Numerics.Tensors.Tensor<T> (the BCL's tensor type; it is not marked [Experimental] in
// System.Numerics.Tensors 10.0, so no suppression is needed).
public partial class Tensor
{
    /// <summary>
    /// The elements as a new .NET array of the tensor's rank and shape: <c>float[,]</c> for a 2-D
    /// float32 tensor, <c>long[,,]</c> for a 3-D int64 one, <c>bool[]</c> for a 1-D bool one (the
    /// element type is <see cref="DTypes.StorageType"/>, with <c>bool</c> for bool tensors). The
    /// inverse of <see cref="From(Array, DType?, Device?)"/>. Like <c>x.numpy()</c> (a copy, never a view).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is 0-d: .NET has no rank-0 arrays; use <see cref="Item{T}"/>.</exception>
    /// <exception cref="NotSupportedException">The tensor has more than 8 dimensions.</exception>
    public Array ToArray()
    {
        if (NDim == 0)
            throw new InvalidOperationException($"ToArray: a 0-d tensor has no .NET array form (arrays have rank >= 1); use Item<T>() to read its value, or ToArray<T>() for a one-element T[].");
        if (NDim > MaxArrayRank)
            throw new NotSupportedException($"ToArray: a {NDim}-D tensor (shape {Shape}) has no .NET array form here; ranks up to {MaxArrayRank} are supported. Use ToArray<T>() for the flat elements.");
        return DType switch
        {
            DType.Float32 => ToArrayOfRank(ToArray<float>()),
            DType.Float64 => ToArrayOfRank(ToArray<double>()),
            DType.Int64 => ToArrayOfRank(ToArray<long>()),
            DType.Int32 => ToArrayOfRank(ToArray<int>()),
            DType.UInt8 => ToArrayOfRank(ToArray<byte>()),
            DType.Bool => ToArrayOfRank(ToArray<bool>()),
            _ => throw new NotSupportedException($"ToArray: unsupported dtype {DType.TorchName()}."),
        };
    }

    private const int MaxArrayRank = 8;

    // Array.CreateInstance is not AOT-safe (Ember is), so the array types are spelled out per rank.
    private Array ToArrayOfRank<T>(T[] flat) where T : unmanaged
    {
        int[] s = Layout.Shape;
        Array result = s.Length switch
        {
            1 => flat,
            2 => new T[s[0], s[1]],
            3 => new T[s[0], s[1], s[2]],
            4 => new T[s[0], s[1], s[2], s[3]],
            5 => new T[s[0], s[1], s[2], s[3], s[4]],
            6 => new T[s[0], s[1], s[2], s[3], s[4], s[5]],
            7 => new T[s[0], s[1], s[2], s[3], s[4], s[5], s[6]],
            _ => new T[s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]],
        };
        if (s.Length > 1 && flat.Length > 0)
        {
            // A multi-dimensional array is one row-major block, the same order as the flat copy.
            var dst = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
                ref System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(result)), flat.Length);
            flat.AsSpan().CopyTo(dst);
        }
        return result;
    }

    /// <summary>
    /// The elements as a new <see cref="System.Numerics.Tensors.Tensor{T}"/> of the same shape (dense,
    /// row-major), converting from the tensor's dtype to <typeparamref name="T"/> as <see cref="ToArray{T}"/> does.
    /// System.Numerics.Tensors has no rank-0 tensors, so a 0-d tensor becomes a 1-D one of length 1.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, long, int, byte or bool.</exception>
    public Tensor<T> ToNumericsTensor<T>() where T : unmanaged
    {
        CheckInteropType<T>("ToNumericsTensor");
        T[] data = ToArray<T>();
        var lengths = NDim == 0 ? [1] : new nint[NDim];
        for (int i = 0; i < NDim; i++) lengths[i] = Layout.Shape[i];
        return System.Numerics.Tensors.Tensor.Create(data, lengths);
    }

    /// <summary>
    /// A new tensor holding a copy of a <see cref="System.Numerics.Tensors.Tensor{T}"/> (any strides,
    /// read in row-major order); the dtype follows <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, long, int, byte or bool.</exception>
    /// <exception cref="ArgumentException">A dimension is larger than an Ember tensor can hold.</exception>
    public static Tensor From<T>(Tensor<T> source, Device? device = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(source);
        return From(source.AsReadOnlyTensorSpan(), device);
    }

    /// <summary>
    /// A new tensor holding a copy of the elements a <see cref="ReadOnlyTensorSpan{T}"/> views (any
    /// strides, read in row-major order); the dtype follows <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not float, double, long, int, byte or bool.</exception>
    /// <exception cref="ArgumentException">A dimension is larger than an Ember tensor can hold.</exception>
    public static Tensor From<T>(ReadOnlyTensorSpan<T> source, Device? device = null) where T : unmanaged
    {
        CheckInteropType<T>("Tensor.From");
        var lengths = source.Lengths;
        var shape = new int[lengths.Length];
        long n = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (lengths[i] > int.MaxValue)
                throw new ArgumentException($"Tensor.From: dimension {i} of the source has {lengths[i]} elements, more than an Ember tensor dimension can hold ({int.MaxValue}).", nameof(source));
            shape[i] = (int)lengths[i];
            n *= shape[i];
        }
        if (n > Array.MaxLength)
            throw new ArgumentException($"Tensor.From: the source has {n} elements, more than the {Array.MaxLength} a CPU tensor can hold.", nameof(source));
        var data = new T[n];
        if (n > 0) source.FlattenTo(data);
        return From<T>(data.AsSpan(), shape, device);
    }

    private static void CheckInteropType<T>(string op)
    {
        if (typeof(T) != typeof(bool))
        {
            try { DTypes.FromClrType(typeof(T)); }
            catch (NotSupportedException e) { throw new NotSupportedException($"{op}: {e.Message}"); }
        }
    }
}
