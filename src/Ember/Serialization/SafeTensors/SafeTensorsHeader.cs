using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ember.Serialization;

/// <summary>One tensor's entry in a safetensors header: dtype name, shape and byte range in the data buffer.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">The safetensors dtype name (<c>F32</c>, <c>BF16</c>, <c>I64</c>, ...).</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Begin">First byte in the data buffer (after the header).</param>
/// <param name="End">One past the last byte.</param>
public sealed record SafeTensorInfo(string Name, string DType, int[] Shape, long Begin, long End);

/// <summary>
/// Parses and validates a safetensors header exactly as the reference implementation does: an 8-byte
/// little-endian header length (at most 100,000,000), a UTF-8 JSON object starting with <c>{</c>, an
/// optional <c>__metadata__</c> map of strings, and per tensor <c>dtype</c>, <c>shape</c> and
/// <c>data_offsets</c> that tile the data buffer with no gap or overlap, each range exactly the bytes
/// its dtype and shape need, the last ending at the end of the file.
/// </summary>
internal static class SafeTensorsHeader
{
    public const long MaxHeaderSize = 100_000_000;

    // Every dtype of the format with its element size; the reference's order (for writing) is by this list.
    internal static readonly string[] Order = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"];

    internal static int SizeOf(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "F64" or "I64" or "U64" => 8,
        _ => 0,
    };

    internal static ElementKind? Kind(string dtype) => dtype switch
    {
        "F32" => ElementKind.F32, "F64" => ElementKind.F64, "F16" => ElementKind.F16, "BF16" => ElementKind.BF16,
        "I64" => ElementKind.I64, "I32" => ElementKind.I32, "I16" => ElementKind.I16, "I8" => ElementKind.I8,
        "U8" => ElementKind.U8, "U16" => ElementKind.U16, "U32" => ElementKind.U32, "BOOL" => ElementKind.Bool,
        _ => null,
    };

    internal static string Name(DType t) => t switch
    {
        DType.Float32 => "F32", DType.Float64 => "F64", DType.Int64 => "I64", DType.Int32 => "I32",
        DType.UInt8 => "U8", DType.Bool => "BOOL", _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Reads the header length from the first 8 bytes and checks it against the file's length.</summary>
    public static long HeaderLength(ReadOnlySpan<byte> first8, long fileLength, string file)
    {
        if (fileLength < 8) throw new TensorFileException(file, $"the file is {fileLength} bytes long, too short for a safetensors header length (8 bytes)");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        if (n > MaxHeaderSize) throw new TensorFileException(file, $"the safetensors header claims {n} bytes, more than the format's limit of {MaxHeaderSize}");
        if ((long)n > fileLength - 8) throw new TensorFileException(file, $"the safetensors header claims {n} bytes but the file has only {fileLength - 8} after the length");
        return (long)n;
    }

    /// <summary>Parses and validates the JSON header; <paramref name="dataLength"/> is the size of the data buffer after it.</summary>
    public static (List<SafeTensorInfo> Tensors, Dictionary<string, string>? Metadata) Parse(ReadOnlySpan<byte> json, long dataLength, string file)
    {
        try { return ParseValid(json, dataLength, file); }
        catch (InvalidOperationException e) // JSON strings whose escapes make invalid UTF-16 (lone surrogates)
        {
            throw new TensorFileException(file, $"invalid safetensors header: {e.Message}", e);
        }
    }

    private static (List<SafeTensorInfo> Tensors, Dictionary<string, string>? Metadata) ParseValid(ReadOnlySpan<byte> json, long dataLength, string file)
    {
        TensorFileException Bad(string m) => new(file, $"invalid safetensors header: {m}");
        if (json.Length == 0 || json[0] != (byte)'{') throw Bad("it does not start with '{'");
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad("it is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new TensorFileException(file, $"invalid safetensors header: not valid JSON ({e.Message})", e); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("it is not a JSON object");
        var tensors = new List<SafeTensorInfo>();
        Dictionary<string, string>? meta = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw Bad($"the key '{p.Name}' appears twice");
            if (p.Name == "__metadata__")
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object");
                meta = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var m in p.Value.EnumerateObject())
                    meta[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad($"__metadata__ value '{m.Name}' is not a string");
                continue;
            }
            tensors.Add(Entry(p, Bad));
        }
        // The entries must tile the data buffer in offset order: no gap, no overlap, nothing past the end.
        long at = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin != at || t.End < t.Begin) throw Bad($"tensor '{t.Name}' has data_offsets [{t.Begin}, {t.End}], expected to start at {at} (offsets must tile the data with no gap or overlap)");
            at = t.End;
        }
        if (at != dataLength) throw Bad($"the tensors cover {at} bytes but the data buffer holds {dataLength}");
        return (tensors, meta);
    }

    private static SafeTensorInfo Entry(JsonProperty p, Func<string, TensorFileException> bad)
    {
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) throw bad($"the entry for '{p.Name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw bad($"tensor '{p.Name}' has no dtype");
        string dtype = dt.GetString()!;
        int size = SizeOf(dtype);
        if (size == 0) throw bad($"tensor '{p.Name}' has unknown dtype '{dtype}'");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array || sh.GetArrayLength() > 64) throw bad($"tensor '{p.Name}' has no shape (a list of at most 64 sizes)");
        var shape = new List<int>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long x) || x < 0 || x > int.MaxValue) throw bad($"tensor '{p.Name}' has a shape entry that is not a size");
            shape.Add((int)x);
        }
        long numel = Numel(shape, p.Name, null) is long n ? n : throw bad($"tensor '{p.Name}' has shape [{string.Join(", ", shape)}], whose numel overflows (the product of the sizes exceeds 2^63)");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2) throw bad($"tensor '{p.Name}' has no data_offsets [begin, end]");
        long[] o = off.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long x) && x >= 0 ? x : throw bad($"tensor '{p.Name}' has a data offset that is not a non-negative integer")).ToArray();
        if (numel > long.MaxValue / size || o[1] - o[0] != numel * size)
            throw bad($"tensor '{p.Name}' ({dtype}, shape [{string.Join(", ", shape)}]) needs {(numel > long.MaxValue / size ? "more than 2^63" : (numel * size).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes but data_offsets [{o[0]}, {o[1]}] span {o[1] - o[0]}");
        return new SafeTensorInfo(p.Name, dtype, shape.ToArray(), o[0], o[1]);
    }

    /// <summary>
    /// The product of <paramref name="shape"/> in checked arithmetic (0 when any size is 0). On overflow:
    /// null when <paramref name="file"/> is null, else a <see cref="TensorFileException"/> naming the tensor and shape.
    /// </summary>
    public static long? Numel(IReadOnlyList<int> shape, string tensor, string? file)
    {
        long n = ShapeMath.Product(shape.ToArray());
        if (n >= 0) return n;
        if (file is null) return null;
        throw new TensorFileException(file, $"tensor '{tensor}' has shape [{string.Join(", ", shape)}], whose numel overflows (the product of the sizes exceeds 2^63)");
    }

    /// <summary>
    /// The header bytes for <paramref name="entries"/> (already in file order), as the reference writes
    /// them: <c>__metadata__</c> first, compact JSON, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    public static byte[] Write(IReadOnlyList<SafeTensorInfo> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var sb = new StringBuilder("{");
        bool first = true;
        if (metadata is { Count: > 0 })
        {
            sb.Append("\"__metadata__\":{");
            bool f = true;
            foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!f) sb.Append(',');
                f = false;
                Str(sb, k); sb.Append(':'); Str(sb, v);
            }
            sb.Append('}');
            first = false;
        }
        foreach (var e in entries)
        {
            if (!first) sb.Append(',');
            first = false;
            Str(sb, e.Name);
            sb.Append(":{\"dtype\":"); Str(sb, e.DType);
            sb.Append(",\"shape\":[").AppendJoin(',', e.Shape).Append("],\"data_offsets\":[");
            sb.Append(e.Begin).Append(',').Append(e.End).Append("]}");
        }
        sb.Append('}');
        byte[] json = Encoding.UTF8.GetBytes(sb.ToString());
        int pad = (8 - json.Length % 8) % 8;
        var r = new byte[json.Length + pad];
        json.CopyTo(r, 0);
        r.AsSpan(json.Length).Fill((byte)' ');
        return r;
    }

    // JSON string as serde_json writes it: only quote, backslash and control characters are escaped.
    private static void Str(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
