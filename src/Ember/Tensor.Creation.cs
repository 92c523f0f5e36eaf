using Ember.Jit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ember;

// Creating tensors from .NET data and filled with constants.
public partial class Tensor
{
    /// <summary>
    /// A tensor holding a copy of a .NET array of any rank (<c>float[]</c>, <c>double[,]</c>,
    /// <c>long[,,]</c>, <c>bool[]</c>, ...), as <c>torch.tensor(data)</c>. The dtype follows the
    /// element type unless <paramref name="dtype"/> is given.
    /// </summary>
    public static Tensor From(Array data, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Type et = data.GetType().GetElementType()!;
        DType src;
        try { src = DTypes.FromClrType(et); }
        catch (NotSupportedException e) { throw new ArgumentException($"Tensor.From: {e.Message}", nameof(data)); }
        var shape = new int[data.Rank];
        for (int i = 0; i < data.Rank; i++) shape[i] = data.GetLength(i);
        var t = Alloc(shape, src, Device.Cpu);
        // Any-rank arrays are one block in memory: copy the bytes as they lie.
        ref byte first = ref MemoryMarshal.GetArrayDataReference(data);
        int bytes = checked(data.Length * src.ElementSize());
        var from = MemoryMarshal.CreateReadOnlySpan(ref first, bytes);
        from.CopyTo(MemoryMarshal.AsBytes(StorageBytes(t.Storage)));
        if (et == typeof(bool)) NormalizeBool(t);
        return t.ToOptions(dtype, device);
    }

    /// <summary>
    /// A tensor holding a copy of <paramref name="data"/> with the dtype <c>torch.tensor</c> gives a Python
    /// list of the same values: .NET floating-point data (<c>double[]</c>, <c>float[,]</c>) become the
    /// default float dtype (float32 unless <see cref="DTypes.DefaultFloat"/> says otherwise), integer
    /// data int64, bool data bool. <c>Tensor.FromValues(new[] { 1.0, 2.0 })</c> is float32, as
    /// <c>torch.tensor([1.0, 2.0])</c>; <see cref="From(Array, DType?, Device?)"/> keeps the element type
    /// instead (float64 for <c>double[]</c>), as <c>torch.from_numpy</c> does.
    /// </summary>
    public static Tensor FromValues(Array data, DType? dtype = null, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var t = From(data);
        DType target = dtype ?? (t.DType.IsFloatingPoint() ? DTypes.DefaultFloat : t.DType == DType.Bool ? DType.Bool : DType.Int64);
        return t.ToOptions(target, device);
    }

    /// <summary>A tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/> (row-major).</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<int> shape, Device? device = null) where T : unmanaged
    {
        DType dt = DTypes.FromClrType(typeof(T));
        var s = Dims.CheckShape(shape, "Tensor.From");
        var t = Alloc(s, dt, Device.Cpu);
        if (data.Length != t.Layout.NumElements)
            throw new ArgumentException($"Tensor.From: {data.Length} values cannot fill a tensor of shape {Ember.Shape.Format(s)} ({t.Layout.NumElements} elements).");
        MemoryMarshal.AsBytes(data).CopyTo(MemoryMarshal.AsBytes(StorageBytes(t.Storage)));
        if (typeof(T) == typeof(bool)) NormalizeBool(t);
        return t.ToOptions(null, device);
    }

    /// <summary>A 1-D tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From<T>(T[] data, Device? device = null) where T : unmanaged => From<T>(data.AsSpan(), [data.Length], device);

    /// <summary>A 0-d tensor holding one value (<c>torch.tensor(3.5)</c>); its dtype follows the scalar's kind unless given.</summary>
    public static Tensor Scalar(Scalar value, DType? dtype = null, Device? device = null) =>
        ScalarTensor(value, dtype ?? value.DefaultDType, device ?? Device.Cpu);

    private static Span<byte> StorageBytes(Storage s) => s switch
    {
        CpuStorage<float> f => MemoryMarshal.AsBytes(f.Data.AsSpan()),
        CpuStorage<double> d => MemoryMarshal.AsBytes(d.Data.AsSpan()),
        CpuStorage<long> l => MemoryMarshal.AsBytes(l.Data.AsSpan()),
        CpuStorage<int> i => MemoryMarshal.AsBytes(i.Data.AsSpan()),
        CpuStorage<byte> b => b.Data.AsSpan(),
        _ => throw new InvalidOperationException("Tensor.From: unknown storage."),
    };

    // A .NET bool may hold any non-zero byte; Ember's bool storage holds exactly 0 or 1.
    private static void NormalizeBool(Tensor t)
    {
        var b = ((CpuStorage<byte>)t.Storage).Data;
        for (int i = 0; i < b.Length; i++) b[i] = b[i] != 0 ? (byte)1 : (byte)0;
    }

    private Tensor ToOptions(DType? dtype, Device? device)
    {
        var r = dtype is { } d ? To(d) : this;
        return device is { } dev ? r.To(dev) : r;
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/> (<c>torch.full</c>); dtype follows the value's kind unless given.</summary>
    public static Tensor Full(ReadOnlySpan<int> shape, Scalar value, DType? dtype = null, Device? device = null) =>
        FullFor("full", shape, value, dtype ?? value.DefaultDType, device);

    // The factories share one body each; the op name they pass is the one their errors give.
    private static Tensor FullFor(string op, ReadOnlySpan<int> shape, Scalar value, DType dtype, Device? device)
    {
        var t = Alloc(Dims.CheckShape(shape, op), dtype, device ?? Device.Cpu, op: op);
        t.Backend.Fill(t.Storage, t.Layout, value);
        return t;
    }

    internal static Tensor ZerosFor(string op, ReadOnlySpan<int> shape, DType? dtype, Device? device) =>
        Tracer.IsActive
            ? Tracer.Record("aten::" + op, [], new Attributes().Set("size", shape.ToArray()).Set("dtype", dtype ?? DTypes.DefaultFloat).Set("device", device ?? Device.Cpu),
                static (_, a) => [Zeros(a.Ints("size"), (DType)a["dtype"]!, (Device)a["device"]!)])
            : Alloc(Dims.CheckShape(shape, op), dtype ?? DTypes.DefaultFloat, device ?? Device.Cpu, op: op);

    /// <summary>A tensor of zeros (<c>torch.zeros</c>), float32 unless <paramref name="dtype"/> says otherwise.</summary>
    public static Tensor Zeros(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) => ZerosFor("zeros", shape, dtype, device);

    /// <summary>A tensor of zeros (<c>torch.zeros(2, 3)</c>).</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape.AsSpan());

    /// <summary>A tensor of ones (<c>torch.ones</c>).</summary>
    public static Tensor Ones(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) => FullFor("ones", shape, 1, dtype ?? DTypes.DefaultFloat, device);

    /// <summary>A tensor of ones (<c>torch.ones(2, 3)</c>).</summary>
    public static Tensor Ones(params int[] shape) => Ones(shape.AsSpan());

    /// <summary>
    /// A tensor whose contents are not meant to be read (<c>torch.empty</c>). Ember's memory is
    /// managed, so it is in fact zero-filled; code must not rely on that.
    /// </summary>
    public static Tensor Empty(ReadOnlySpan<int> shape, DType? dtype = null, Device? device = null) => ZerosFor("empty", shape, dtype, device);

    /// <summary>An empty (unfilled) tensor (<c>torch.empty(2, 3)</c>).</summary>
    public static Tensor Empty(params int[] shape) => Empty(shape.AsSpan());

    /// <summary>Zeros with this tensor's shape, dtype and device unless overridden (<c>torch.zeros_like</c>).</summary>
    public static Tensor ZerosLike(Tensor t, DType? dtype = null, Device? device = null) => Zeros(t.Layout.Shape, dtype ?? t.DType, device ?? t.Device);

    /// <summary>Ones with this tensor's shape, dtype and device unless overridden (<c>torch.ones_like</c>).</summary>
    public static Tensor OnesLike(Tensor t, DType? dtype = null, Device? device = null) => Ones(t.Layout.Shape, dtype ?? t.DType, device ?? t.Device);

    /// <summary>A tensor filled with a value, with this tensor's shape, dtype and device unless overridden (<c>torch.full_like</c>).</summary>
    public static Tensor FullLike(Tensor t, Scalar value, DType? dtype = null, Device? device = null) => Full(t.Layout.Shape, value, dtype ?? t.DType, device ?? t.Device);

    /// <summary>An unfilled tensor with this tensor's shape, dtype and device (<c>torch.empty_like</c>).</summary>
    public static Tensor EmptyLike(Tensor t, DType? dtype = null, Device? device = null) => Empty(t.Layout.Shape, dtype ?? t.DType, device ?? t.Device);
}
