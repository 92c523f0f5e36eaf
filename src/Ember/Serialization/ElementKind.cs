using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ember.Serialization;

/// <summary>
/// An element type as it is stored in a file, which may be narrower than any Ember dtype: half and
/// bfloat16 load as float32, int8 and int16 as int32, uint16 and uint32 as int64 (every value exact).
/// </summary>
internal sealed record ElementKind(string Name, int Size, DType Loads)
{
    public static readonly ElementKind F32 = new("float32", 4, DType.Float32);
    public static readonly ElementKind F64 = new("float64", 8, DType.Float64);
    public static readonly ElementKind F16 = new("float16", 2, DType.Float32);
    public static readonly ElementKind BF16 = new("bfloat16", 2, DType.Float32);
    public static readonly ElementKind I64 = new("int64", 8, DType.Int64);
    public static readonly ElementKind I32 = new("int32", 4, DType.Int32);
    public static readonly ElementKind I16 = new("int16", 2, DType.Int32);
    public static readonly ElementKind I8 = new("int8", 1, DType.Int32);
    public static readonly ElementKind U8 = new("uint8", 1, DType.UInt8);
    public static readonly ElementKind U16 = new("uint16", 2, DType.Int64);
    public static readonly ElementKind U32 = new("uint32", 4, DType.Int64);
    public static readonly ElementKind Bool = new("bool", 1, DType.Bool);

    /// <summary>The kind Ember writes for a dtype (always the dtype itself).</summary>
    public static ElementKind Of(DType t) => t switch
    {
        DType.Float32 => F32, DType.Float64 => F64, DType.Int64 => I64, DType.Int32 => I32,
        DType.UInt8 => U8, DType.Bool => Bool, _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>True when the bytes are already Ember's elements (no widening).</summary>
    public bool IsNative => Size == Loads.ElementSize();

    /// <summary>
    /// A CPU storage of <paramref name="count"/> elements decoded from little-endian <paramref name="bytes"/>
    /// (exactly <c>count * Size</c> long). Bool bytes other than 0 and 1 are refused, as they would break Ember's invariants.
    /// </summary>
    public Storage Decode(ReadOnlySpan<byte> bytes, int count)
    {
        switch (Name)
        {
            case "float32": return new CpuStorage<float>(DType.Float32, Le<float>(bytes));
            case "float64": return new CpuStorage<double>(DType.Float64, Le<double>(bytes));
            case "int64": return new CpuStorage<long>(DType.Int64, Le<long>(bytes));
            case "int32": return new CpuStorage<int>(DType.Int32, Le<int>(bytes));
            case "uint8": return new CpuStorage<byte>(DType.UInt8, bytes.ToArray());
            case "bool":
                if (bytes.ContainsAnyExcept((byte)0, (byte)1)) throw new InvalidDataException("a bool tensor holds bytes other than 0 and 1");
                return new CpuStorage<byte>(DType.Bool, bytes.ToArray());
            case "float16":
            {
                var r = new float[count];
                for (int i = 0; i < count; i++) r[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                return new CpuStorage<float>(DType.Float32, r);
            }
            case "bfloat16":
            {
                // bfloat16 is the top half of a float32, so widening is exact.
                var r = new float[count];
                for (int i = 0; i < count; i++) r[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                return new CpuStorage<float>(DType.Float32, r);
            }
            case "int16":
            {
                var r = new int[count];
                for (int i = 0; i < count; i++) r[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                return new CpuStorage<int>(DType.Int32, r);
            }
            case "int8":
            {
                var r = new int[count];
                for (int i = 0; i < count; i++) r[i] = (sbyte)bytes[i];
                return new CpuStorage<int>(DType.Int32, r);
            }
            case "uint16":
            {
                var r = new long[count];
                for (int i = 0; i < count; i++) r[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
                return new CpuStorage<long>(DType.Int64, r);
            }
            case "uint32":
            {
                var r = new long[count];
                for (int i = 0; i < count; i++) r[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * i)..]);
                return new CpuStorage<long>(DType.Int64, r);
            }
            default: throw new InvalidOperationException(Name);
        }
    }

    private static T[] Le<T>(ReadOnlySpan<byte> bytes) where T : unmanaged
    {
        var r = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        return r;
    }

    /// <summary>The bytes of a contiguous run of <paramref name="t"/>'s elements, little-endian, in row-major order.</summary>
    public static byte[] Encode(Tensor t)
    {
        var c = t.Cpu().Contiguous();
        int n = (int)c.Numel();
        return c.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes(((CpuStorage<float>)c.Storage).Data.AsSpan(c.Layout.Offset, n)).ToArray(),
            DType.Float64 => MemoryMarshal.AsBytes(((CpuStorage<double>)c.Storage).Data.AsSpan(c.Layout.Offset, n)).ToArray(),
            DType.Int64 => MemoryMarshal.AsBytes(((CpuStorage<long>)c.Storage).Data.AsSpan(c.Layout.Offset, n)).ToArray(),
            DType.Int32 => MemoryMarshal.AsBytes(((CpuStorage<int>)c.Storage).Data.AsSpan(c.Layout.Offset, n)).ToArray(),
            DType.UInt8 or DType.Bool => ((CpuStorage<byte>)c.Storage).Data.AsSpan(c.Layout.Offset, n).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(t)),
        };
    }

    /// <summary>The whole storage of <paramref name="s"/> as little-endian bytes.</summary>
    public static byte[] EncodeStorage(Storage s) => s switch
    {
        CpuStorage<float> f => MemoryMarshal.AsBytes(f.Data.AsSpan()).ToArray(),
        CpuStorage<double> d => MemoryMarshal.AsBytes(d.Data.AsSpan()).ToArray(),
        CpuStorage<long> l => MemoryMarshal.AsBytes(l.Data.AsSpan()).ToArray(),
        CpuStorage<int> i => MemoryMarshal.AsBytes(i.Data.AsSpan()).ToArray(),
        CpuStorage<byte> b => b.Data.ToArray(),
        _ => throw new NotSupportedException($"saving a tensor on {s.Device} is not supported; call Cpu() first."),
    };
}
