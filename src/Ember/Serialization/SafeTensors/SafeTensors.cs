
namespace Ember.Serialization;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header with each
/// tensor's <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> (and an optional <c>__metadata__</c> map of
/// strings), then the raw little-endian data. Nothing in the file is executable; malformed files are
/// refused with a <see cref="TensorFileException"/> before anything their sizes imply is allocated.
/// </summary>
public static class SafeTensors
{
    /// <summary>Loads every tensor (<c>safetensors.torch.load_file</c>), in the header's order.</summary>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file.</exception>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        using var f = SafeTensorsFile.Open(path);
        var r = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var k in f.Keys) r[k] = f.GetTensor(k);
        return r;
    }

    /// <summary>Opens a file memory-mapped, to read tensors one at a time (<c>safetensors.safe_open</c>).</summary>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file.</exception>
    public static SafeTensorsFile Open(string path) => SafeTensorsFile.Open(path);

    /// <summary>
    /// Saves <paramref name="tensors"/> (<c>safetensors.torch.save_file</c>) atomically, laid out as the
    /// reference implementation does: tensors ordered by dtype (widest first) then name, each stored
    /// contiguously, the header padded with spaces to a multiple of 8 bytes so the data stays aligned.
    /// Views are saved as their own elements (safetensors has no shared storage).
    /// </summary>
    /// <exception cref="ArgumentException">A name is reserved (<c>__metadata__</c>).</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = Serialize(tensors, metadata);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/>.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.ContainsKey("__metadata__")) throw new ArgumentException("safetensors: '__metadata__' is reserved for the metadata map and cannot name a tensor.", nameof(tensors));
        var ordered = tensors
            .OrderByDescending(kv => Array.IndexOf(SafeTensorsHeader.Order, SafeTensorsHeader.Name(kv.Value.DType)))
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        var entries = new List<SafeTensorInfo>();
        var datas = new List<byte[]>();
        long at = 0;
        foreach (var (name, t) in ordered)
        {
            byte[] d = ElementKind.Encode(t);
            entries.Add(new SafeTensorInfo(name, SafeTensorsHeader.Name(t.DType), t.Layout.Shape.ToArray(), at, at + d.Length));
            datas.Add(d);
            at += d.Length;
        }
        byte[] header = SafeTensorsHeader.Write(entries, metadata);
        var r = new byte[8 + header.Length + at];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(r, (ulong)header.Length);
        header.CopyTo(r, 8);
        long p = 8 + header.Length;
        foreach (var d in datas) { d.CopyTo(r, p); p += d.Length; }
        return r;
    }
}
