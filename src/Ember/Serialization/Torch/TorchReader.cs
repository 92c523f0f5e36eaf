using System.IO.Compression;
using Ember.Serialization.Pickle;

namespace Ember.Serialization.Torch;

/// <summary>
/// Reads PyTorch's zip checkpoint format (<c>torch.save</c> since 1.6): one top-level folder holding
/// <c>data.pkl</c> (the pickled object, storages replaced by persistent ids), <c>data/KEY</c> (each
/// storage's raw little-endian bytes), <c>version</c> and, since 2.0, <c>byteorder</c>. Every size a
/// record or the pickle claims is checked against the archive before it is allocated.
/// </summary>
internal static class TorchReader
{
    public static object? Read(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4) throw new TensorFileException(name, $"the file is {got} bytes long, too short to be a PyTorch checkpoint");
        if (!(magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] == 3 && magic[3] == 4))
            throw new TensorFileException(name, magic[0] == 0x80 || magic[0] == 0x1f
                ? "this is PyTorch's legacy (pre-1.6, _use_new_zipfile_serialization=False) format, which Ember does not read; re-save it with a current torch.save"
                : "not a PyTorch checkpoint (a torch.save file is a zip archive starting with 'PK')");
        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            return ReadArchive(zip, stream.Length, name);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or NotSupportedException or ArgumentException or OverflowException or InvalidOperationException
                                    || (e is IOException && e is not TensorFileException && e is not FileNotFoundException && e is not DirectoryNotFoundException))
        {
            throw new TensorFileException(name, $"not a readable PyTorch checkpoint: {e.Message}", e);
        }
    }

    private static object? ReadArchive(ZipArchive zip, long fileLength, string name)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var e in zip.Entries) entries.TryAdd(e.FullName, e);
        var pkl = entries.Keys.Where(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) && k.IndexOf('/') == k.Length - "/data.pkl".Length).ToList();
        if (pkl.Count != 1)
            throw new TensorFileException(name, pkl.Count == 0 ? "the archive has no <folder>/data.pkl record: not a torch.save checkpoint" : "the archive has more than one data.pkl record");
        string prefix = pkl[0][..^"data.pkl".Length];
        bool bigEndian = false;
        if (entries.TryGetValue(prefix + "byteorder", out var bo))
        {
            string order = System.Text.Encoding.ASCII.GetString(ReadRecord(bo, -1, fileLength, name)).Trim();
            bigEndian = order switch { "little" => false, "big" => true, _ => throw new TensorFileException(name, $"unknown byteorder record '{order}'") };
        }
        byte[] pickle = ReadRecord(entries[pkl[0]], -1, fileLength, name);
        Storage LoadStorage(string key, ElementKind kind, long numel)
        {
            if (!entries.TryGetValue(prefix + "data/" + key, out var rec))
                throw new PickleRefusedException($"the pickle names storage '{key}' but the archive has no record {prefix}data/{key}");
            long bytes = numel * kind.Size;
            if (rec.Length != bytes)
                throw new PickleRefusedException($"record {rec.FullName} holds {rec.Length} bytes but the pickle describes {numel} {kind.Name} elements ({bytes} bytes)");
            byte[] raw = ReadRecord(rec, bytes, fileLength, name);
            if (bigEndian && kind.Size > 1)
                for (int i = 0; i < raw.Length; i += kind.Size) raw.AsSpan(i, kind.Size).Reverse();
            try { return kind.Decode(raw, (int)numel); }
            catch (InvalidDataException e) { throw new PickleRefusedException($"storage '{key}': {e.Message}"); }
        }
        return PickleReader.Load(pickle, new TorchResolver(LoadStorage), m => new TensorFileException(name, $"{prefix}data.pkl: {m}"));
    }

    // A record's bytes. `expected` (when not -1) must equal its size; sizes are checked against the file
    // before anything is allocated, and compressed records are read without trusting their declared size.
    private static byte[] ReadRecord(ZipArchiveEntry e, long expected, long fileLength, string name)
    {
        if (expected >= 0 && e.Length != expected)
            throw new TensorFileException(name, $"record {e.FullName} holds {e.Length} bytes but the pickle describes {expected}");
        if (e.CompressedLength > fileLength || e.Length > Array.MaxLength)
            throw new TensorFileException(name, $"record {e.FullName} claims {e.Length} bytes ({e.CompressedLength} stored) in a file of {fileLength}");
        using var s = e.Open();
        if (e.CompressedLength >= e.Length)
        {
            var buf = new byte[e.Length];
            int n = s.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
            if (n != buf.Length) throw new TensorFileException(name, $"record {e.FullName} is truncated ({n} of {e.Length} bytes)");
            return buf;
        }
        // Compressed: grow with the data actually inflated, never beyond the declared size.
        var ms = new MemoryStream();
        var chunk = new byte[81920];
        int r;
        while ((r = s.Read(chunk)) > 0)
        {
            if (ms.Length + r > e.Length) throw new TensorFileException(name, $"record {e.FullName} inflates past its declared {e.Length} bytes");
            ms.Write(chunk, 0, r);
        }
        if (ms.Length != e.Length) throw new TensorFileException(name, $"record {e.FullName} is truncated ({ms.Length} of {e.Length} bytes)");
        return ms.ToArray();
    }
}
