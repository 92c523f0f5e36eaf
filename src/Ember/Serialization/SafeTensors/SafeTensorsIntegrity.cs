using System.Security.Cryptography;
using System.Text;

namespace Ember.Serialization;

/// <summary>
/// Ember's opt-in integrity hash for safetensors files, which have no checksum of their own: the
/// <c>__metadata__</c> key <c>ember.sha256</c> holds the SHA-256 (64 lowercase hex digits) of the whole
/// file as it would be with those 64 digits replaced by the character '0'. It covers the length prefix,
/// the header (names, dtypes, shapes, offsets, every other metadata value) and the data, so any change to
/// any byte is detected; other tools ignore the key and read the file as usual.
/// </summary>
internal static class SafeTensorsIntegrity
{
    /// <summary>The metadata key holding the hash.</summary>
    public const string Key = "ember.sha256";

    /// <summary>What the writer puts in the header before hashing: 64 '0's, replaced by the digest afterwards.</summary>
    public static readonly string Placeholder = new('0', 64);

    // Ember writes compact JSON, so the key and the opening quote of its value stand together like this.
    private static readonly byte[] Marker = Encoding.UTF8.GetBytes($"\"{Key}\":\"");

    /// <summary>Writes the digest of <paramref name="file"/> (a whole safetensors file holding the placeholder) in place.</summary>
    public static void Seal(byte[] file, int headerLength)
    {
        int at = ValueAt(file.AsSpan(8, headerLength)) ?? throw new InvalidOperationException("safetensors: the integrity placeholder is missing from the header Ember wrote.");
        string hex = Convert.ToHexStringLower(SHA256.HashData(file));
        Encoding.ASCII.GetBytes(hex, file.AsSpan(8 + at, 64));
    }

    /// <summary>
    /// The start of the hash to check for a file whose header declares one: the 8-byte length and the
    /// header with the digest replaced by the placeholder, already appended to a fresh SHA-256; the caller
    /// appends the data section in file order and calls <see cref="Finish"/>.
    /// </summary>
    public static IncrementalHash Begin(ReadOnlySpan<byte> first8, byte[] header, string declared, string file)
    {
        if (declared.Length != 64 || !declared.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new TensorFileException(file, $"__metadata__ '{Key}' is '{declared}', not 64 lowercase hex digits of a SHA-256; the file is corrupt");
        int at = ValueAt(header)
            ?? throw new TensorFileException(file, $"__metadata__ '{Key}' is not written as Ember writes it (exactly once, compact JSON), so it cannot be verified; the file is corrupt or was rewritten by another tool");
        if (Encoding.ASCII.GetString(header, at, 64) != declared)
            throw new TensorFileException(file, $"__metadata__ '{Key}' is not where Ember wrote it; the file is corrupt or was rewritten by another tool");
        var copy = (byte[])header.Clone();
        Encoding.ASCII.GetBytes(Placeholder, copy.AsSpan(at, 64));
        var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(first8);
        h.AppendData(copy);
        return h;
    }

    /// <summary>Refuses the file when <paramref name="h"/> (everything appended) does not give <paramref name="declared"/>.</summary>
    public static void Finish(IncrementalHash h, string declared, string file)
    {
        string got = Convert.ToHexStringLower(h.GetHashAndReset());
        h.Dispose();
        if (got != declared)
            throw new TensorFileException(file, $"integrity hash mismatch: __metadata__ '{Key}' is {declared} but the file hashes to {got}; the file is corrupt");
    }

    // Where the 64 digits start in the header, when the marker occurs exactly once and is followed by 64 characters and a quote.
    private static int? ValueAt(ReadOnlySpan<byte> header)
    {
        int first = header.IndexOf(Marker);
        if (first < 0 || header[(first + 1)..].IndexOf(Marker) >= 0) return null;
        int at = first + Marker.Length;
        return at + 65 <= header.Length && header[at + 64] == (byte)'"' ? at : null;
    }
}
