using System.Runtime.InteropServices;
using Ember.Serialization.OnnxProto;
using DataType = Ember.Serialization.OnnxProto.TensorProto.Types.DataType;

namespace Ember.Serialization.Import;

/// <summary>
/// Turns a <see cref="TensorProto"/> (an initializer, a Constant's value) into a tensor. Every size the file
/// declares is checked against the bytes it holds before anything is allocated, so a lying header costs no
/// more memory than the file itself; external data is read only from files inside the model's own folder.
/// </summary>
internal static class OnnxTensorReader
{
    /// <summary>The Ember dtype of an ONNX element type; null when Ember has none.</summary>
    internal static DType? DTypeOf(int dataType) => (DataType)dataType switch
    {
        DataType.Float => DType.Float32,
        DataType.Double => DType.Float64,
        DataType.Int64 => DType.Int64,
        DataType.Int32 => DType.Int32,
        DataType.Uint8 => DType.UInt8,
        DataType.Bool => DType.Bool,
        _ => null,
    };

    /// <summary>The ONNX name of an element type, for messages.</summary>
    internal static string TypeName(int dataType) =>
        Enum.IsDefined(typeof(DataType), dataType) ? ((DataType)dataType).ToString().ToLowerInvariant() : $"element type {dataType}";

    /// <summary>The Ember dtype of an ONNX element type, or a <see cref="NotSupportedException"/> naming it.</summary>
    internal static DType Require(int dataType, string what) => DTypeOf(dataType) ?? throw new NotSupportedException(
        $"Onnx.Load: {what} has element type {TypeName(dataType)}, which Ember does not support (float, double, int64, int32, uint8, bool).");

    /// <summary>Reads a tensor; <paramref name="baseDirectory"/> is where external data may live (null: refused).</summary>
    internal static Tensor Read(TensorProto p, string what, string? baseDirectory)
    {
        var dtype = Require(p.DataType, what);
        var shape = Shape(p.Dims, what);
        long numel = 1;
        foreach (int d in shape) numel *= d;   // each dim fits an int and the product was checked in Shape
        int size = ElementSize(dtype);
        if (p.DataLocation == TensorProto.Types.DataLocation.External || p.ExternalData.Count > 0)
            return FromBytes(ReadExternal(p, what, baseDirectory, numel * size), dtype, shape);
        if (!p.RawData.IsEmpty)
        {
            if (p.RawData.Length != numel * size)
                throw new InvalidDataException($"Onnx.Load: {what} declares shape [{string.Join(", ", shape)}] ({numel} {TypeName(p.DataType)} elements, {numel * size} bytes) but holds {p.RawData.Length} bytes of raw_data.");
            return FromBytes(p.RawData.Span, dtype, shape);
        }
        // Typed fields: floats in float_data, doubles in double_data, int64 in int64_data, the small types widened in int32_data.
        int have = dtype switch
        {
            DType.Float32 => p.FloatData.Count,
            DType.Float64 => p.DoubleData.Count,
            DType.Int64 => p.Int64Data.Count,
            _ => p.Int32Data.Count,
        };
        if (have != numel)
            throw new InvalidDataException($"Onnx.Load: {what} declares shape [{string.Join(", ", shape)}] ({numel} elements) but holds {have} values.");
        return dtype switch
        {
            DType.Float32 => Tensor.From<float>(p.FloatData.ToArray(), shape),
            DType.Float64 => Tensor.From<double>(p.DoubleData.ToArray(), shape),
            DType.Int64 => Tensor.From<long>(p.Int64Data.ToArray(), shape),
            DType.Int32 => Tensor.From<int>(p.Int32Data.ToArray(), shape),
            DType.UInt8 => Tensor.From<byte>(p.Int32Data.Select(v => (byte)v).ToArray(), shape),
            _ => Tensor.From<bool>(p.Int32Data.Select(v => v != 0).ToArray(), shape),
        };
    }

    /// <summary>Dims as Ember sizes: each between 0 and int.MaxValue, the element count at most <see cref="Onnx.MaxTensorElements"/>.</summary>
    internal static int[] Shape(IList<long> dims, string what)
    {
        if (dims.Count > 32) throw new InvalidDataException($"Onnx.Load: {what} has {dims.Count} dims; at most 32 are supported.");
        var shape = new int[dims.Count];
        long numel = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = dims[i];
            if (d < 0 || d > int.MaxValue)
                throw new InvalidDataException($"Onnx.Load: {what} has dim {i} of size {d}; sizes must be between 0 and {int.MaxValue}.");
            shape[i] = (int)d;
            numel = d == 0 || numel == 0 ? 0 : numel > Onnx.MaxTensorElements / d ? Onnx.MaxTensorElements + 1 : numel * d;
        }
        if (numel > Onnx.MaxTensorElements)
            throw new InvalidDataException($"Onnx.Load: {what} has shape [{string.Join(", ", dims)}], more than {Onnx.MaxTensorElements} elements.");
        return shape;
    }

    internal static int ElementSize(DType t) => t switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        _ => 1,
    };

    private static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, int[] shape)
    {
        // raw_data is little-endian, as .NET's arrays are on every platform Ember runs on.
        switch (dtype)
        {
            case DType.Float32: return Tensor.From<float>(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape);
            case DType.Float64: return Tensor.From<double>(MemoryMarshal.Cast<byte, double>(bytes).ToArray(), shape);
            case DType.Int64: return Tensor.From<long>(MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape);
            case DType.Int32: return Tensor.From<int>(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape);
            case DType.UInt8: return Tensor.From<byte>(bytes.ToArray(), shape);
            default:
                var b = new bool[bytes.Length];
                for (int i = 0; i < b.Length; i++) b[i] = bytes[i] != 0;   // any non-zero byte is true, never an invalid bool
                return Tensor.From<bool>(b, shape);
        }
    }

    private static byte[] ReadExternal(TensorProto p, string what, string? baseDirectory, long expected)
    {
        if (baseDirectory is null)
            throw new NotSupportedException($"Onnx.Load: {what} keeps its data in an external file; that is only read when the model is loaded from a path (its folder is where the data must be).");
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in p.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseLong(e.Value, "offset", what); break;
                case "length": length = ParseLong(e.Value, "length", what); break;
                case "checksum": break;
                default: throw new InvalidDataException($"Onnx.Load: {what} has an unknown external_data key '{e.Key}'.");
            }
        }
        if (string.IsNullOrEmpty(location)) throw new InvalidDataException($"Onnx.Load: {what} is external but names no location.");
        if (location.Contains('\0') || Path.IsPathRooted(location))
            throw new InvalidDataException($"Onnx.Load: {what} names external data at '{location}'; only a path relative to the model's folder is allowed.");
        string root = Path.GetFullPath(baseDirectory);
        string full = Path.GetFullPath(Path.Combine(root, location));
        string rootWithSep = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
            throw new InvalidDataException($"Onnx.Load: {what} names external data at '{location}', which is outside the model's folder {root}.");
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
            throw new InvalidDataException($"Onnx.Load: {what} names external data at '{location}', which is a link; links are not followed.");
        if (!info.Exists) throw new InvalidDataException($"Onnx.Load: {what} names external data at '{location}', which does not exist in {root}.");
        if (length >= 0 && length != expected)
            throw new InvalidDataException($"Onnx.Load: {what} needs {expected} bytes but its external_data says length {length}.");
        if (offset > info.Length || expected > info.Length - offset)
            throw new InvalidDataException($"Onnx.Load: {what} needs {expected} bytes at offset {offset} of '{location}', which has {info.Length} bytes.");
        var bytes = new byte[expected];
        using var f = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        f.Seek(offset, SeekOrigin.Begin);
        f.ReadExactly(bytes);
        return bytes;
    }

    private static long ParseLong(string s, string key, string what) =>
        long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v : throw new InvalidDataException($"Onnx.Load: {what} has external_data {key} '{s}', not a non-negative integer.");
}
