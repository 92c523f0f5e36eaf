using System.Buffers.Binary;
using System.Text;

namespace Ember.Serialization.Torch;

/// <summary>
/// Writes a zip archive of stored (uncompressed) records whose data start at 64-byte boundaries, as
/// PyTorch's own writer does (padding goes in an extra field with id "FB"), so the archive can be
/// memory-mapped by readers that want aligned tensors. No zip64: archives stay under 4 GiB.
/// </summary>
internal sealed class StoredZipWriter(Stream output)
{
    private const int Alignment = 64;
    private readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> _central = [];
    private long _pos;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        byte[] n = Encoding.UTF8.GetBytes(name);
        long headerEnd = _pos + 30 + n.Length;
        int pad = (int)((Alignment - (headerEnd + 4) % Alignment) % Alignment);
        int extra = 4 + pad; // id + size + padding bytes
        if (_pos + 30 + n.Length + extra + data.Length > uint.MaxValue)
            throw new NotSupportedException("save: the archive would exceed 4 GiB, which needs zip64; Ember does not write it yet.");
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);
        Span<byte> h = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 20);   // version needed: 2.0
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0);    // flags
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0);    // stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0);   // time 00:00:00
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0x21); // date 1980-01-01: fixed, so saves are reproducible
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)n.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)extra);
        output.Write(h); output.Write(n);
        Span<byte> ex = stackalloc byte[extra];
        ex.Fill((byte)'Z');
        ex[0] = (byte)'F'; ex[1] = (byte)'B';
        BinaryPrimitives.WriteUInt16LittleEndian(ex[2..], (ushort)pad);
        output.Write(ex);
        _central.Add((n, crc, (uint)data.Length, (uint)_pos));
        output.Write(data);
        _pos += 30 + n.Length + extra + data.Length;
    }

    public void Finish()
    {
        long cdStart = _pos;
        Span<byte> c = stackalloc byte[46];
        foreach (var (n, crc, size, offset) in _central)
        {
            c.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(c, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(c[4..], 20);   // made by: 2.0, MS-DOS attributes
            BinaryPrimitives.WriteUInt16LittleEndian(c[6..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(c[14..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(c[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(c[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(c[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(c[28..], (ushort)n.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(c[42..], offset);
            output.Write(c); output.Write(n);
            _pos += 46 + n.Length;
        }
        if (_central.Count > ushort.MaxValue) throw new NotSupportedException("save: more than 65535 records needs zip64; Ember does not write it yet.");
        Span<byte> e = stackalloc byte[22];
        e.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(e[10..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(e[12..], (uint)(_pos - cdStart));
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], (uint)cdStart);
        output.Write(e);
    }
}
