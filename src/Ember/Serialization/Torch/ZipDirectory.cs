using System.Buffers.Binary;
using System.Text;

namespace Ember.Serialization.Torch;

/// <summary>
/// One record of a zip archive, as its central directory and its local header agree it is.
/// </summary>
/// <param name="Name">The record's name (UTF-8 in the file).</param>
/// <param name="Method">0 for stored, 8 for deflated.</param>
/// <param name="Crc">The CRC-32 of the uncompressed bytes, as the central directory states it.</param>
/// <param name="CompressedSize">Bytes the record occupies in the file.</param>
/// <param name="Size">Bytes it holds once read (equal to <paramref name="CompressedSize"/> when stored).</param>
/// <param name="DataOffset">Where its bytes start in the file.</param>
internal sealed record ZipRecord(string Name, int Method, uint Crc, long CompressedSize, long Size, long DataOffset);

/// <summary>
/// Reads a zip archive's directory strictly, for the archives <c>torch.save</c> and Ember write: the end
/// record (and the zip64 records PyTorch always adds), every central entry, and each entry's local header,
/// which must agree with the central entry on the name, the method and (where the local header states
/// them) the CRC-32 and sizes; a data descriptor, where present, must state the same CRC-32 and sizes.
/// Every offset and size is checked against the file before it is used, so a damaged directory is
/// refused here rather than read as other bytes. The records' bytes themselves are verified by
/// <see cref="ZipRecordReader"/> against the CRC-32 as they are read.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSig = 0x06054b50, End64Sig = 0x06064b50, Locator64Sig = 0x07064b50;
    private const uint CentralSig = 0x02014b50, LocalSig = 0x04034b50, DescriptorSig = 0x08074b50;
    private const uint Max32 = uint.MaxValue;
    private const ushort Max16 = ushort.MaxValue;

    public static List<ZipRecord> Read(Stream s, string file)
    {
        TensorFileException Bad(string m) => new(file, $"damaged zip archive: {m}");
        long len = s.Length;
        if (len < 22) throw Bad($"the file is {len} bytes long, too short for a zip end record");

        // The end record is the last 22 bytes plus a comment of at most 65535; its comment length must reach the end exactly.
        // Archives without a comment (PyTorch's, Ember's) need only the last 22 bytes.
        int tail = 22;
        byte[] t = ReadAt(s, len - tail, tail, file);
        int e = U32(t, 0) == EndSig && U16(t, 20) == 0 ? 0 : -1;
        if (e < 0)
        {
            tail = (int)Math.Min(len, 22 + 65535);
            t = ReadAt(s, len - tail, tail, file);
            for (int i = tail - 22; i >= 0; i--)
                if (U32(t, i) == EndSig && U16(t, i + 20) == tail - i - 22) { e = i; break; }
        }
        if (e < 0) throw Bad("no end-of-central-directory record at the end of the file (truncated, or not a zip archive)");
        long endPos = len - tail + e;
        long disk = U16(t, e + 4), cdDisk = U16(t, e + 6), entriesDisk = U16(t, e + 8), entries = U16(t, e + 10);
        long cdSize = U32(t, e + 12), cdOffset = U32(t, e + 16);
        long cdEnd = endPos; // where the central directory must end: at the zip64 end record if there is one, else at the end record

        if (endPos >= 20 && U32(ReadAt(s, endPos - 20, 4, file), 0) == Locator64Sig)
        {
            byte[] loc = ReadAt(s, endPos - 20, 20, file);
            long z = checked((long)U64(loc, 8));
            if (U32(loc, 4) != 0 || U32(loc, 16) != 1) throw Bad("the zip64 locator names several disks");
            if (z < 0 || z > endPos - 20 - 56) throw Bad($"the zip64 end record is said to start at {z}, outside the file");
            byte[] z64 = ReadAt(s, z, 56, file);
            if (U32(z64, 0) != End64Sig) throw Bad($"no zip64 end record at {z}");
            if (checked(z + 12 + (long)U64(z64, 4)) != endPos - 20) throw Bad("the zip64 end record's size does not reach its locator");
            long Agree(long narrow, long max, ulong wide, string what)
            {
                if (wide > long.MaxValue) throw Bad($"the zip64 {what} {wide} is out of range");
                if (narrow != max && narrow != (long)wide) throw Bad($"the end record says {what} {narrow} but the zip64 end record says {wide}");
                return (long)wide;
            }
            disk = Agree(disk, Max16, U32(z64, 16), "disk number");
            cdDisk = Agree(cdDisk, Max16, U32(z64, 20), "central directory disk");
            entriesDisk = Agree(entriesDisk, Max16, U64(z64, 24), "entry count on this disk");
            entries = Agree(entries, Max16, U64(z64, 32), "entry count");
            cdSize = Agree(cdSize, Max32, U64(z64, 40), "central directory size");
            cdOffset = Agree(cdOffset, Max32, U64(z64, 48), "central directory offset");
            cdEnd = z;
        }
        else if (entries == Max16 || cdSize == Max32 || cdOffset == Max32)
            throw Bad("the end record points to zip64 records the file lacks");
        if (disk != 0 || cdDisk != 0 || entriesDisk != entries) throw Bad("the archive claims to span several disks");
        if (cdOffset < 0 || cdSize < 0 || cdOffset > cdEnd || cdSize != cdEnd - cdOffset)
            throw Bad($"the central directory is said to hold {cdSize} bytes at {cdOffset}, but it must end at {cdEnd}");
        if (entries > cdSize / 46) throw Bad($"{entries} entries cannot fit a central directory of {cdSize} bytes");

        byte[] cd = ReadAt(s, cdOffset, (int)Math.Min(cdSize, Array.MaxLength), file);
        var records = new List<ZipRecord>((int)entries);
        var names = new HashSet<string>(StringComparer.Ordinal);
        int p = 0;
        for (long k = 0; k < entries; k++)
        {
            if (p > cd.Length - 46 || U32(cd, p) != CentralSig) throw Bad($"central directory entry {k} is not where the previous one ends");
            int flags = U16(cd, p + 8), method = U16(cd, p + 10);
            uint crc = U32(cd, p + 16);
            long csize = U32(cd, p + 20), size = U32(cd, p + 24), offset = U32(cd, p + 42);
            int nameLen = U16(cd, p + 28), extraLen = U16(cd, p + 30), commentLen = U16(cd, p + 32);
            long startDisk = U16(cd, p + 34);
            if (p + 46L + nameLen + extraLen + commentLen > cd.Length) throw Bad($"central directory entry {k} runs past the directory");
            byte[] nameBytes = cd.AsSpan(p + 46, nameLen).ToArray();
            string name = Name(nameBytes, k, Bad);
            bool zip64 = csize == Max32 || size == Max32;
            ReadZip64Extra(cd.AsSpan(p + 46 + nameLen, extraLen), ref size, ref csize, ref offset, ref startDisk, name, Bad);
            p += 46 + nameLen + extraLen + commentLen;

            if (!names.Add(name)) throw Bad($"the record name '{name}' appears twice");
            if ((flags & 0x41) != 0) throw Bad($"{name}: the record is encrypted");
            if (method != 0 && method != 8) throw Bad($"{name}: compression method {method} (Ember reads stored and deflated records)");
            if (method == 0 && csize != size) throw Bad($"{name}: a stored record of {csize} bytes that claims to hold {size}");
            // Deflate expands at most 1032-fold; a larger claim is a lie that would only make the reader allocate.
            if (method == 8 && size > csize * 1032 + 64) throw Bad($"{name}: {csize} deflated bytes cannot hold the {size} bytes it claims");
            if (startDisk != 0) throw Bad($"{name}: the record is on another disk");
            if (offset > cdOffset - 30) throw Bad($"{name}: its local header is said to start at {offset}, past the records");
            records.Add(Local(s, name, nameBytes, flags, method, crc, csize, size, offset, zip64, cdOffset, file, Bad));
        }
        if (p != cd.Length) throw Bad($"the central directory holds {cd.Length - p} bytes after its {entries} entries");
        return records;
    }

    // Checks a record's local header (and data descriptor) against its central entry; returns where its data is.
    private static ZipRecord Local(Stream s, string name, byte[] nameBytes, int flags, int method, uint crc, long csize, long size,
        long offset, bool zip64, long cdOffset, string file, Func<string, TensorFileException> bad)
    {
        byte[] h = ReadAt(s, offset, 30, file);
        if (U32(h, 0) != LocalSig) throw bad($"{name}: no local header at {offset}");
        int lflags = U16(h, 6), nameLen = U16(h, 26), extraLen = U16(h, 28);
        if (U16(h, 8) != method) throw bad($"{name}: the local header says compression method {U16(h, 8)}, the central directory {method}");
        if ((lflags & 8) != (flags & 8)) throw bad($"{name}: the local header and the central directory disagree on whether a data descriptor follows");
        if (offset + 30L + nameLen + extraLen > cdOffset) throw bad($"{name}: the local header runs into the central directory");
        byte[] rest = ReadAt(s, offset + 30, nameLen + extraLen, file);
        if (!rest.AsSpan(0, nameLen).SequenceEqual(nameBytes))
            throw bad($"{name}: the local header names it '{Encoding.UTF8.GetString(rest, 0, nameLen)}'");
        uint lcrc = U32(h, 14);
        long lcsize = U32(h, 18), lsize = U32(h, 22), ignored1 = 0, ignored2 = 0;
        if (lcsize == Max32 || lsize == Max32) ReadZip64Extra(rest.AsSpan(nameLen, extraLen), ref lsize, ref lcsize, ref ignored1, ref ignored2, name, bad);
        bool descriptor = (flags & 8) != 0;
        // With a data descriptor (PyTorch's writer) the local header may leave the CRC and sizes zero.
        bool stated = !descriptor || lcrc != 0 || lcsize != 0 || lsize != 0;
        if (stated && (lcrc != crc || lcsize != csize || lsize != size))
            throw bad($"{name}: the local header says CRC-32 0x{lcrc:x8} and {lcsize}/{lsize} bytes, the central directory 0x{crc:x8} and {csize}/{size}");
        long data = offset + 30 + nameLen + extraLen;
        if (csize > cdOffset - data) throw bad($"{name}: its {csize} bytes at {data} run into the central directory at {cdOffset}");
        if (descriptor)
        {
            int width = zip64 ? 8 : 4;
            long at = data + csize;
            int avail = (int)Math.Min(4 + 4 + 2 * width, cdOffset - at);
            byte[] d = ReadAt(s, at, avail, file);
            int q = avail >= 4 && U32(d, 0) == DescriptorSig ? 4 : 0;
            if (avail < q + 4 + 2 * width) throw bad($"{name}: its data descriptor runs into the central directory");
            uint dcrc = U32(d, q);
            long dcsize = width == 8 ? (long)U64(d, q + 4) : U32(d, q + 4), dsize = width == 8 ? (long)U64(d, q + 12) : U32(d, q + 8);
            if (dcrc != crc || dcsize != csize || dsize != size)
                throw bad($"{name}: the data descriptor says CRC-32 0x{dcrc:x8} and {dcsize}/{dsize} bytes, the central directory 0x{crc:x8} and {csize}/{size}");
        }
        return new ZipRecord(name, method, crc, csize, size, data);
    }

    // The zip64 extended-information field (id 1) holds, in this order, only the values whose 32-bit fields are saturated.
    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long size, ref long csize, ref long offset, ref long disk, string name, Func<string, TensorFileException> bad)
    {
        bool needSize = size == Max32, needCsize = csize == Max32, needOffset = offset == Max32, needDisk = disk == Max16;
        if (!(needSize || needCsize || needOffset || needDisk)) return;
        int p = 0;
        while (p + 4 <= extra.Length)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra[p..]), n = BinaryPrimitives.ReadUInt16LittleEndian(extra[(p + 2)..]);
            if (p + 4 + n > extra.Length) break;
            if (id == 1)
            {
                var f = extra.Slice(p + 4, n);
                int q = 0;
                if (needSize) size = Next(f, ref q, 8, name, bad);
                if (needCsize) csize = Next(f, ref q, 8, name, bad);
                if (needOffset) offset = Next(f, ref q, 8, name, bad);
                if (needDisk) disk = Next(f, ref q, 4, name, bad);
                return;
            }
            p += 4 + n;
        }
        throw bad($"{name}: its sizes or offset need a zip64 field it lacks");
    }

    private static long Next(ReadOnlySpan<byte> f, ref int q, int width, string name, Func<string, TensorFileException> bad)
    {
        if (q + width > f.Length) throw bad($"{name}: its zip64 field is too short");
        ulong v = width == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(f[q..]) : BinaryPrimitives.ReadUInt32LittleEndian(f[q..]);
        q += width;
        return v > long.MaxValue ? throw bad($"{name}: a zip64 size of {v} bytes") : (long)v;
    }

    private static string Name(byte[] b, long k, Func<string, TensorFileException> bad)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(b); }
        catch (DecoderFallbackException) { throw bad($"the name of central directory entry {k} is not valid UTF-8"); }
    }

    private static byte[] ReadAt(Stream s, long at, int count, string file)
    {
        var b = new byte[count];
        s.Position = at;
        int n = s.ReadAtLeast(b, count, throwOnEndOfStream: false);
        if (n != count) throw new TensorFileException(file, $"damaged zip archive: {count} bytes at {at} run past the end of the file");
        return b;
    }

    private static ushort U16(byte[] b, int i) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i));
    private static uint U32(byte[] b, int i) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i));
    private static ulong U64(byte[] b, int i) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(i));
}
