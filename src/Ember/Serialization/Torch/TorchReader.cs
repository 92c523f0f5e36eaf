using Ember.Serialization.Pickle;

namespace Ember.Serialization.Torch;

/// <summary>
/// Reads PyTorch's zip checkpoint format (<c>torch.save</c> since 1.6): one top-level folder holding
/// <c>data.pkl</c> (the pickled object, storages replaced by persistent ids), <c>data/KEY</c> (each
/// storage's raw little-endian bytes), <c>version</c> and, since 2.0, <c>byteorder</c>. Every size a
/// record or the pickle claims is checked against the archive before it is allocated, the zip directory
/// is checked for consistency (<see cref="ZipDirectory"/>), and every record's CRC-32 is verified as its
/// bytes are read (<see cref="ZipRecordReader"/>): a corrupt file is refused, never loaded with changed values.
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
        try
        {
            var records = ZipDirectory.Read(stream, name);
            return ReadArchive(stream, records, name);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or NotSupportedException or ArgumentException or OverflowException or InvalidOperationException
                                    || (e is IOException && e is not TensorFileException && e is not FileNotFoundException && e is not DirectoryNotFoundException))
        {
            throw new TensorFileException(name, $"not a readable PyTorch checkpoint: {e.Message}", e);
        }
    }

    private static object? ReadArchive(Stream stream, List<ZipRecord> records, string name)
    {
        var entries = records.ToDictionary(r => r.Name, StringComparer.Ordinal); // names are unique (ZipDirectory refuses repeats)
        var verified = new HashSet<string>(StringComparer.Ordinal);
        byte[] ReadRecord(ZipRecord r) { var b = ZipRecordReader.ReadAll(stream, r, name); verified.Add(r.Name); return b; }
        var pkl = entries.Keys.Where(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) && k.IndexOf('/') == k.Length - "/data.pkl".Length).ToList();
        if (pkl.Count != 1)
            throw new TensorFileException(name, pkl.Count == 0 ? "the archive has no <folder>/data.pkl record: not a torch.save checkpoint" : "the archive has more than one data.pkl record");
        string prefix = pkl[0][..^"data.pkl".Length];
        bool bigEndian = false;
        if (entries.TryGetValue(prefix + "byteorder", out var bo))
        {
            if (bo.Size > 64) throw new TensorFileException(name, $"{bo.Name}: {bo.Size} bytes for a byte order");
            string order = System.Text.Encoding.ASCII.GetString(ReadRecord(bo)).Trim();
            bigEndian = order switch { "little" => false, "big" => true, _ => throw new TensorFileException(name, $"unknown byteorder record '{order}'") };
        }
        byte[] pickle = ReadRecord(entries[pkl[0]]);
        Storage LoadStorage(string key, ElementKind kind, long numel)
        {
            if (!entries.TryGetValue(prefix + "data/" + key, out var rec))
                throw new PickleRefusedException($"the pickle names storage '{key}' but the archive has no record {prefix}data/{key}");
            long bytes = checked(numel * kind.Size); // numel <= Array.MaxLength, so this cannot overflow; checked all the same
            if (rec.Size != bytes)
                throw new PickleRefusedException($"record {rec.Name} holds {rec.Size} bytes but the pickle describes {numel} {kind.Name} elements ({bytes} bytes)");
            // Reading fails with the record's name; a storage that fails never reaches a tensor.
            var s = StorageReader.Read(stream, rec, kind, (int)numel, bigEndian, name);
            verified.Add(rec.Name);
            return s;
        }
        object? value = PickleReader.Load(pickle, new TorchResolver(LoadStorage), m => new TensorFileException(name, $"{prefix}data.pkl: {m}"));
        // Every record is verified on every read, including those the value does not use (version, unused storages).
        foreach (var r in records)
            if (!verified.Contains(r.Name)) ZipRecordReader.Verify(stream, r, name);
        return value;
    }
}
