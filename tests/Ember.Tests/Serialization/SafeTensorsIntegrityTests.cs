using System.Security.Cryptography;
using System.Text;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// safetensors has no checksum; Ember's opt-in <c>ember.sha256</c> metadata hash, written when asked,
/// is verified on every load, and files without it load as before.
/// </summary>
public class SafeTensorsIntegrityTests
{
    private static readonly string Dir = Fixtures.TempDir();

    private static Dictionary<string, Tensor> Tensors() => new()
    {
        ["w"] = Tensor.From(new[] { -0.00223f, 1f, 2f, 3f }),
        ["b"] = Tensor.From(new[] { 7L, -1L }),
    };

    private static string Saved(bool hash, string name)
    {
        string p = Path.Combine(Dir, name);
        SafeTensors.Save(Tensors(), p, new Dictionary<string, string> { ["format"] = "pt" }, integrityHash: hash);
        return p;
    }

    [Fact]
    public void TheHashIsTheSha256OfTheFileWithItsDigitsZeroed()
    {
        string p = Saved(true, "h.safetensors");
        using (var f = SafeTensors.Open(p))
        {
            string declared = f.Metadata["ember.sha256"];
            Assert.Equal("pt", f.Metadata["format"]);
            byte[] bytes = File.ReadAllBytes(p);
            string text = Encoding.Latin1.GetString(bytes).Replace(declared, new string('0', 64));
            Assert.Equal(declared, Convert.ToHexStringLower(SHA256.HashData(Encoding.Latin1.GetBytes(text))));
        }
        var loaded = SafeTensors.Load(p);
        Assert.Equal(["w", "b"], loaded.Keys.Order(StringComparer.Ordinal).Reverse());
        TensorAssert.Equal(Tensors()["w"], loaded["w"]);
        TensorAssert.Equal(Tensors()["b"], loaded["b"]);
    }

    [Fact]
    public void AFlippedDataByteIsRefusedByLoadAndOpen()
    {
        string p = Saved(true, "flip.safetensors");
        byte[] bytes = File.ReadAllBytes(p);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(p, bytes);
        TensorAssert.Throws<TensorFileException>(() => SafeTensors.Load(p), p, "integrity hash mismatch", "ember.sha256", "the file is corrupt");
        TensorAssert.Throws<TensorFileException>(() => SafeTensors.Open(p).Dispose(), p, "integrity hash mismatch");
    }

    [Fact]
    public void AFlippedHeaderByteIsRefused()
    {
        string p = Saved(true, "name.safetensors");
        byte[] bytes = File.ReadAllBytes(p);
        int at = Encoding.Latin1.GetString(bytes).IndexOf("\"w\"", StringComparison.Ordinal) + 1;
        bytes[at] = (byte)'v'; // the tensor would load under another name
        File.WriteAllBytes(p, bytes);
        TensorAssert.Throws<TensorFileException>(() => SafeTensors.Load(p), "integrity hash mismatch");
    }

    [Fact]
    public void WithoutTheHashAFlippedDataByteLoadsAsTheFormatAllows()
    {
        // Documented: safetensors itself cannot detect this; integrityHash: true is the remedy.
        string p = Saved(false, "plain.safetensors");
        Assert.DoesNotContain("ember.sha256", File.ReadAllText(p), StringComparison.Ordinal);
        byte[] bytes = File.ReadAllBytes(p);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(p, bytes);
        Assert.NotEqual(Tensors()["w"].ToArray<float>(), SafeTensors.Load(p)["w"].ToArray<float>());
    }

    [Fact]
    public void TheHashKeyIsReserved()
    {
        TensorAssert.Throws<ArgumentException>(
            () => SafeTensors.Serialize(Tensors(), new Dictionary<string, string> { ["ember.sha256"] = "x" }), "'ember.sha256' is reserved", "integrityHash: true");
    }

    [Fact]
    public void AMalformedDeclaredHashIsRefused()
    {
        string p = Saved(true, "bad.safetensors");
        byte[] bytes = File.ReadAllBytes(p);
        string text = Encoding.Latin1.GetString(bytes);
        int at = text.IndexOf("\"ember.sha256\":\"", StringComparison.Ordinal) + "\"ember.sha256\":\"".Length;
        bytes[at] = (byte)'Z';
        File.WriteAllBytes(p, bytes);
        TensorAssert.Throws<TensorFileException>(() => SafeTensors.Load(p), "not 64 lowercase hex digits");
    }
}
