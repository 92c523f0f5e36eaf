using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Ember.Serialization.Torch;

/// <summary>
/// Reads a zip record's bytes straight into their destination (a tensor's element array, or a byte array
/// for the pickle) and verifies its CRC-32 on the way: each chunk is hashed right after it lands, while it
/// is still in cache, so the check costs no second pass over the data. A mismatch is refused with the
/// record's name, before the bytes are used.
/// </summary>
internal static class ZipRecordReader
{
    private const int Chunk = 1 << 20; // bytes read (and hashed) at a time

    /// <summary>Fills <paramref name="dest"/> (exactly the record's size) with the record's bytes, verified.</summary>
    public static void ReadInto<T>(Stream s, ZipRecord r, Span<T> dest, string file) where T : unmanaged
    {
        int elem = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if ((long)dest.Length * elem != r.Size)
            throw new TensorFileException(file, $"{r.Name}: holds {r.Size} bytes but {(long)dest.Length * elem} were expected");
        var crc = new Crc32();
        Stream src = Open(s, r, file, out Stream? owned);
        try
        {
            int per = Math.Max(1, Chunk / elem);
            for (int i = 0; i < dest.Length; i += per)
            {
                Span<byte> bytes = MemoryMarshal.AsBytes(dest.Slice(i, Math.Min(per, dest.Length - i)));
                int n = src.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
                if (n != bytes.Length) throw new TensorFileException(file, $"{r.Name}: truncated ({(long)i * elem + n} of {r.Size} bytes)");
                crc.Append(bytes);
            }
            if (owned is not null && owned.ReadByte() >= 0) throw new TensorFileException(file, $"{r.Name}: inflates past its declared {r.Size} bytes");
        }
        catch (InvalidDataException e) { throw new TensorFileException(file, $"{r.Name}: the compressed data is damaged ({e.Message})", e); }
        finally { owned?.Dispose(); }
        Check(crc, r, file);
    }

    /// <summary>The record's bytes, verified (for records small enough for one array).</summary>
    public static byte[] ReadAll(Stream s, ZipRecord r, string file)
    {
        if (r.Size > Array.MaxLength) throw new TensorFileException(file, $"{r.Name}: {r.Size} bytes, more than one array holds");
        var b = GC.AllocateUninitializedArray<byte>((int)r.Size);
        ReadInto<byte>(s, r, b, file);
        return b;
    }

    /// <summary>Reads a record only to verify its CRC-32 (records the loaded value does not use).</summary>
    public static void Verify(Stream s, ZipRecord r, string file)
    {
        var crc = new Crc32();
        Stream src = Open(s, r, file, out Stream? owned);
        var buf = new byte[(int)Math.Min(Chunk, Math.Max(1, r.Size))];
        try
        {
            long left = r.Size;
            while (left > 0)
            {
                int want = (int)Math.Min(buf.Length, left);
                int n = src.ReadAtLeast(buf.AsSpan(0, want), want, throwOnEndOfStream: false);
                if (n != want) throw new TensorFileException(file, $"{r.Name}: truncated ({r.Size - left + n} of {r.Size} bytes)");
                crc.Append(buf.AsSpan(0, n));
                left -= n;
            }
            if (owned is not null && owned.ReadByte() >= 0) throw new TensorFileException(file, $"{r.Name}: inflates past its declared {r.Size} bytes");
        }
        catch (InvalidDataException e) { throw new TensorFileException(file, $"{r.Name}: the compressed data is damaged ({e.Message})", e); }
        finally { owned?.Dispose(); }
        Check(crc, r, file);
    }

    private static void Check(Crc32 crc, ZipRecord r, string file)
    {
        uint got = crc.GetCurrentHashAsUInt32();
        if (got != r.Crc)
            throw new TensorFileException(file, $"{r.Name}: CRC-32 mismatch (stored 0x{r.Crc:x8}, computed 0x{got:x8}); the file is corrupt");
    }

    // The stream to read the record's uncompressed bytes from: the file itself, positioned, for a stored
    // record; an inflater over the compressed bytes (which are bounded by the file) for a deflated one.
    private static Stream Open(Stream s, ZipRecord r, string file, out Stream? owned)
    {
        s.Position = r.DataOffset;
        owned = null;
        if (r.Method == 0) return s;
        if (r.CompressedSize > Array.MaxLength) throw new TensorFileException(file, $"{r.Name}: {r.CompressedSize} compressed bytes, more than Ember inflates");
        var packed = new byte[r.CompressedSize];
        int n = s.ReadAtLeast(packed, packed.Length, throwOnEndOfStream: false);
        if (n != packed.Length) throw new TensorFileException(file, $"{r.Name}: truncated ({n} of {r.CompressedSize} compressed bytes)");
        owned = new DeflateStream(new MemoryStream(packed, writable: false), CompressionMode.Decompress);
        return owned;
    }
}
