using Ember.Optim;
using Ember.Serialization.Torch;

namespace Ember.Serialization;

/// <summary>
/// PyTorch's own file format: <c>torch.save</c> / <c>torch.load(..., weights_only=True)</c>. Reads
/// the zip checkpoints PyTorch writes (state dicts, optimizer states, tensors of every common dtype,
/// views, shared storages, non-contiguous strides) through a pickle reader that allows only the
/// globals a tensor checkpoint needs and never runs code; writes files PyTorch loads.
/// </summary>
/// <remarks>
/// PyTorch's <c>torch.save</c>/<c>torch.load</c> are functions on the <c>torch</c> module; C# cannot
/// put methods on a namespace, so they live here as <see cref="Save(object?, string)"/> and
/// <see cref="Load(string)"/>. Loaded values are Python-shaped: dicts are
/// <see cref="OrderedDictionary{TKey, TValue}"/> of object to object?, lists <see cref="List{T}"/>,
/// tuples <c>object?[]</c>, ints <see cref="long"/>, floats <see cref="double"/>. float16 and bfloat16
/// load as float32, int8/int16 as int32. Tensors always load on the CPU (<c>map_location="cpu"</c>).
/// </remarks>
public static class TorchFile
{
    /// <summary>Loads whatever <paramref name="path"/> holds (<c>torch.load(path, weights_only=True)</c>).</summary>
    /// <exception cref="TensorFileException">The file is not a readable PyTorch checkpoint or asks for a disallowed global.</exception>
    public static object? Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return TorchReader.Read(fs, path);
    }

    /// <summary>Loads from a seekable stream; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="TensorFileException">The bytes are not a readable PyTorch checkpoint.</exception>
    public static object? Load(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("TorchFile.Load: the stream must be seekable (a zip archive is read from its end).", nameof(stream));
        return TorchReader.Read(stream, name);
    }

    /// <summary>Loads a state dict (a dict of names to tensors), ready for <see cref="NN.Module.LoadStateDict"/>.</summary>
    /// <exception cref="TensorFileException">The file is unreadable or holds something else.</exception>
    public static OrderedDictionary<string, Tensor> LoadStateDict(string path) => PyValues.ToStateDict(Load(path), path);

    /// <summary>Loads a file holding one tensor (<c>torch.save(t, path)</c>).</summary>
    /// <exception cref="TensorFileException">The file is unreadable or holds something else.</exception>
    public static Tensor LoadTensor(string path) =>
        Load(path) as Tensor ?? throw new TensorFileException(path, "the file does not hold a single tensor");

    /// <summary>Loads an optimizer state saved by <c>torch.save(optimizer.state_dict(), path)</c>, for <see cref="Optimizer.LoadStateDict"/>.</summary>
    /// <exception cref="TensorFileException">The file is unreadable or holds something else.</exception>
    public static OptimizerStateDict LoadOptimizerStateDict(string path) => PyValues.ToOptimizerState(Load(path), path);

    /// <summary>
    /// Saves <paramref name="value"/> in PyTorch's format (<c>torch.save</c>), atomically: a temporary
    /// file in the same folder is flushed to disk and renamed over <paramref name="path"/>, so the old
    /// file survives a crash at any moment. Values may be null, bools, numbers, strings, tensors,
    /// tuples (<c>object?[]</c>, value tuples), lists, dictionaries and <see cref="OptimizerStateDict"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A value of a type that cannot be saved.</exception>
    public static void Save(object? value, string path)
    {
        byte[] bytes = ToBytes(value); // serialise first: a bad value never touches the old file
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes <paramref name="value"/> in PyTorch's format to <paramref name="stream"/>.</summary>
    public static void Save(object? value, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(value));
    }

    internal static byte[] ToBytes(object? value)
    {
        var ms = new MemoryStream();
        TorchWriter.Write(Normalize(value), ms);
        return ms.ToArray();
    }

    private static object? Normalize(object? value) => value is OptimizerStateDict o ? PyValues.FromOptimizerState(o) : value;
}
