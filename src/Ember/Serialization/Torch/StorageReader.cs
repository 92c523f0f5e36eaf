using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ember.Serialization.Torch;

/// <summary>
/// Reads one storage record into a CPU storage. Types Ember holds as they are stored (float32, float64,
/// int64, int32, uint8, bool) are read straight into the storage's array, hashed chunk by chunk on the
/// way (one copy, no second pass); narrower types are read as bytes, verified, then widened.
/// </summary>
internal static class StorageReader
{
    public static Storage Read(Stream s, ZipRecord r, ElementKind kind, int count, bool bigEndian, string file)
    {
        switch (kind.Name)
        {
            case "float32": { var a = Fill<float>(s, r, count, file); if (bigEndian) Swap(MemoryMarshal.Cast<float, int>(a.AsSpan())); return new CpuStorage<float>(DType.Float32, a); }
            case "float64": { var a = Fill<double>(s, r, count, file); if (bigEndian) Swap(MemoryMarshal.Cast<double, long>(a.AsSpan())); return new CpuStorage<double>(DType.Float64, a); }
            case "int64": { var a = Fill<long>(s, r, count, file); if (bigEndian) Swap(a.AsSpan()); return new CpuStorage<long>(DType.Int64, a); }
            case "int32": { var a = Fill<int>(s, r, count, file); if (bigEndian) Swap(a.AsSpan()); return new CpuStorage<int>(DType.Int32, a); }
            case "uint8": return new CpuStorage<byte>(DType.UInt8, Fill<byte>(s, r, count, file));
            case "bool":
            {
                var a = Fill<byte>(s, r, count, file);
                if (a.AsSpan().ContainsAnyExcept((byte)0, (byte)1)) throw new TensorFileException(file, $"{r.Name}: a bool tensor holds bytes other than 0 and 1");
                return new CpuStorage<byte>(DType.Bool, a);
            }
            default:
            {
                byte[] raw = ZipRecordReader.ReadAll(s, r, file);
                if (bigEndian && kind.Size > 1)
                    for (int i = 0; i < raw.Length; i += kind.Size) raw.AsSpan(i, kind.Size).Reverse();
                try { return kind.Decode(raw, count); }
                catch (InvalidDataException e) { throw new TensorFileException(file, $"{r.Name}: {e.Message}", e); }
            }
        }
    }

    // Uninitialised is safe: ReadInto overwrites every element or throws, and a throw drops the array.
    private static T[] Fill<T>(Stream s, ZipRecord r, int count, string file) where T : unmanaged
    {
        var a = GC.AllocateUninitializedArray<T>(count);
        ZipRecordReader.ReadInto<T>(s, r, a, file);
        return a;
    }

    private static void Swap(Span<int> v) => BinaryPrimitives.ReverseEndianness(v, v);
    private static void Swap(Span<long> v) => BinaryPrimitives.ReverseEndianness(v, v);
}
