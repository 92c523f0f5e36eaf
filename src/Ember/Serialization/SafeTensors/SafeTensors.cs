
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
    /// <remarks>A file carrying Ember's integrity hash (<c>ember.sha256</c>) is verified while its tensors are copied out, with no second pass.</remarks>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        using var f = SafeTensorsFile.Open(path, verify: false);
        var r = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        if (!f.HasIntegrityHash)
        {
            foreach (var k in f.Keys) r[k] = f.GetTensor(k);
            return r;
        }
        // Hash the data in file order as each tensor is copied; hand the tensors back only once it matches.
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var hash = f.BeginIntegrityHash();
        foreach (var info in f.Tensors.OrderBy(t => t.Begin))
            loaded[info.Name] = f.GetTensor(info.Name, hash);
        f.FinishIntegrityHash(hash);
        foreach (var k in f.Keys) r[k] = loaded[k];
        return r;
    }

    /// <summary>Opens a file memory-mapped, to read tensors one at a time (<c>safetensors.safe_open</c>).</summary>
    /// <remarks>A file carrying Ember's integrity hash (<c>ember.sha256</c>) is read through once here to verify it.</remarks>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file, or its integrity hash does not match.</exception>
    public static SafeTensorsFile Open(string path) => SafeTensorsFile.Open(path);

    /// <summary>
    /// Saves <paramref name="tensors"/> (<c>safetensors.torch.save_file</c>) atomically, laid out as the
    /// reference implementation does: tensors ordered by dtype (widest first) then name, each stored
    /// contiguously, the header padded with spaces to a multiple of 8 bytes so the data stays aligned.
    /// Views are saved as their own elements (safetensors has no shared storage).
    /// </summary>
    /// <param name="tensors">The tensors by name.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="metadata">Strings stored in the header's <c>__metadata__</c>.</param>
    /// <param name="integrityHash">
    /// When true, also stores a SHA-256 of the whole file under the metadata key <c>ember.sha256</c>,
    /// which Ember verifies on every load (the format itself has no checksum, so without it a damaged
    /// byte in the data loads as a changed value). Other readers ignore the key.
    /// </param>
    /// <exception cref="ArgumentException">A name is reserved (<c>__metadata__</c>, or the metadata key <c>ember.sha256</c>).</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null, bool integrityHash = false)
    {
        byte[] bytes = Serialize(tensors, metadata, integrityHash);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The bytes of a safetensors file holding <paramref name="tensors"/> (see <see cref="Save"/> for the parameters).</summary>
    /// <exception cref="ArgumentException">A name is reserved (<c>__metadata__</c>, or the metadata key <c>ember.sha256</c>).</exception>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool integrityHash = false)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.ContainsKey("__metadata__")) throw new ArgumentException("safetensors: '__metadata__' is reserved for the metadata map and cannot name a tensor.", nameof(tensors));
        if (metadata is not null && metadata.ContainsKey(SafeTensorsIntegrity.Key))
            throw new ArgumentException($"safetensors: the metadata key '{SafeTensorsIntegrity.Key}' is reserved for Ember's integrity hash; pass integrityHash: true instead.", nameof(metadata));
        if (integrityHash)
        {
            var withHash = new Dictionary<string, string>(StringComparer.Ordinal);
            if (metadata is not null) foreach (var (k, v) in metadata) withHash[k] = v;
            withHash[SafeTensorsIntegrity.Key] = SafeTensorsIntegrity.Placeholder;
            metadata = withHash;
        }
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
        if (integrityHash) SafeTensorsIntegrity.Seal(r, header.Length);
        return r;
    }
}
