using System.IO.MemoryMappedFiles;

namespace Ember.Serialization;

/// <summary>
/// An open safetensors file, memory-mapped: opening reads and validates only the header, and each
/// <see cref="GetTensor(string)"/> copies just that tensor's bytes out of the mapping, so a file far larger
/// than memory can be inspected and loaded piece by piece (<c>safetensors.safe_open</c>).
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _byName;
    private readonly byte[] _first8, _header;

    private SafeTensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long dataStart, List<SafeTensorInfo> tensors, Dictionary<string, string>? metadata,
        byte[] first8, byte[] header)
    {
        Path = path; _map = map; _view = view; _dataStart = dataStart; _first8 = first8; _header = header;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The tensors' entries in the header's order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The tensors' names in the header's order (<c>keys()</c>).</summary>
    public IEnumerable<string> Keys => Tensors.Select(t => t.Name);

    /// <summary>The header's <c>__metadata__</c> (<c>metadata()</c>); empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Maps <paramref name="path"/> and validates its header; no tensor data is read yet, unless the file
    /// carries Ember's integrity hash (<c>ember.sha256</c>), which is then verified by one pass over the file.
    /// </summary>
    /// <exception cref="TensorFileException">The file is not a valid safetensors file, or its integrity hash (<c>ember.sha256</c>) does not match.</exception>
    public static SafeTensorsFile Open(string path) => Open(path, verify: true);

    internal static SafeTensorsFile Open(string path, bool verify)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = new FileInfo(path).Length;
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors: '{path}' does not exist.", path);
        var first = new byte[8];
        byte[] header;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            Array.Clear(first);
            fs.ReadAtLeast(first, (int)Math.Min(8, length), throwOnEndOfStream: false);
            long n = SafeTensorsHeader.HeaderLength(first, length, path);
            header = new byte[n];
            fs.ReadExactly(header);
        }
        var (tensors, meta) = SafeTensorsHeader.Parse(header, length - 8 - header.Length, path);
        long dataStart = 8 + header.Length;
        SafeTensorsFile f;
        if (length - dataStart == 0) f = new SafeTensorsFile(path, null, null, dataStart, tensors, meta, first, header);
        else
        {
            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            try
            {
                var view = map.CreateViewAccessor(dataStart, length - dataStart, MemoryMappedFileAccess.Read);
                f = new SafeTensorsFile(path, map, view, 0, tensors, meta, first, header);
            }
            catch { map.Dispose(); throw; }
        }
        if (verify && f.HasIntegrityHash)
        {
            try { f.VerifyIntegrity(dataStart, length); }
            catch { f.Dispose(); throw; }
        }
        return f;
    }

    /// <summary>True when the header carries Ember's integrity hash (the metadata key <c>ember.sha256</c>).</summary>
    internal bool HasIntegrityHash => Metadata.ContainsKey(SafeTensorsIntegrity.Key);

    internal System.Security.Cryptography.IncrementalHash BeginIntegrityHash() =>
        SafeTensorsIntegrity.Begin(_first8, _header, Metadata[SafeTensorsIntegrity.Key], Path);

    internal void FinishIntegrityHash(System.Security.Cryptography.IncrementalHash h) => SafeTensorsIntegrity.Finish(h, Metadata[SafeTensorsIntegrity.Key], Path);

    // One sequential read of the data section (the tiling check guarantees it is exactly the tensors' bytes).
    private void VerifyIntegrity(long dataStart, long length)
    {
        var h = BeginIntegrityHash();
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        fs.Position = dataStart;
        var buf = new byte[1 << 20];
        long left = length - dataStart;
        while (left > 0)
        {
            int n = fs.Read(buf, 0, (int)Math.Min(buf.Length, left));
            if (n <= 0) throw new TensorFileException(Path, "the file ended while its integrity hash was being verified");
            h.AppendData(buf, 0, n);
            left -= n;
        }
        FinishIntegrityHash(h);
    }

    /// <summary>
    /// Copies one tensor out of the file (<c>get_tensor(name)</c>). F16 and BF16 load as float32,
    /// I8/I16 as int32, U16/U32 as int64; U64 and the 8-bit float types are refused.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    /// <exception cref="TensorFileException">The tensor's dtype has no Ember equivalent, or its data is invalid (bools other than 0/1).</exception>
    public Tensor GetTensor(string name) => GetTensor(name, null);

    // Copies one tensor out; its raw bytes also go to `hash` when one is being computed (SafeTensors.Load).
    internal Tensor GetTensor(string name, System.Security.Cryptography.IncrementalHash? hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_byName.TryGetValue(name, out var info))
            throw new KeyNotFoundException($"safetensors: '{Path}' has no tensor '{name}'; it has {string.Join(", ", Keys.Take(20).Select(k => $"'{k}'"))}{(Tensors.Count > 20 ? ", ..." : "")}.");
        var kind = SafeTensorsHeader.Kind(info.DType)
            ?? throw new TensorFileException(Path, $"tensor '{name}' has dtype {info.DType}, which Ember cannot represent (it reads F64, F32, F16, BF16, I64, I32, I16, I8, U32, U16, U8 and BOOL)");
        long numel = SafeTensorsHeader.Numel(info.Shape, name, Path)!.Value;
        if (numel > Array.MaxLength)
            throw new TensorFileException(Path, $"tensor '{name}' of shape [{string.Join(", ", info.Shape)}] has {numel} elements, beyond the 2^31-element limit of one .NET array ({Array.MaxLength})");
        if (info.End - info.Begin > Array.MaxLength)
            throw new TensorFileException(Path, $"tensor '{name}' of shape [{string.Join(", ", info.Shape)}] spans {info.End - info.Begin} bytes, more than Ember reads into one array ({Array.MaxLength})");
        var bytes = new byte[info.End - info.Begin];
        if (bytes.Length > 0) _view!.ReadArray(_dataStart + info.Begin, bytes, 0, bytes.Length);
        hash?.AppendData(bytes);
        Storage s;
        try { s = kind.Decode(bytes, (int)numel); }
        catch (InvalidDataException e) { throw new TensorFileException(Path, $"tensor '{name}': {e.Message}", e); }
        return new Tensor(s, Layout.Contiguous(info.Shape));
    }

    private bool _disposed;

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view?.Dispose();
        _map?.Dispose();
    }
}
