using Ember.Serialization.Import;

namespace Ember.Serialization;

public static partial class Onnx
{
    /// <summary>The largest model file <see cref="Load(string, long)"/> reads unless told otherwise (protobuf's own limit is 2 GiB).</summary>
    public const long DefaultMaxModelBytes = int.MaxValue;

    /// <summary>The most elements a tensor may have, in the file or made while running (ConstantOfShape, Expand, Tile, Range, Pad): 2^28, 1 GiB of float32.</summary>
    public const long MaxTensorElements = 1L << 28;

    /// <summary>The oldest opset <see cref="Load(string, long)"/> reads: 13, where Softmax took its per-axis meaning and Squeeze/Unsqueeze/ReduceSum take axes as inputs.</summary>
    public const int MinImportOpset = 13;

    /// <summary>The newest opset <see cref="Load(string, long)"/> reads.</summary>
    public const int MaxImportOpset = 21;

    /// <summary>The ONNX operators <see cref="Load(string, long)"/> supports, sorted.</summary>
    public static IReadOnlyList<string> SupportedImportOperators => ImportOps.Supported.ToArray();

    /// <summary>
    /// Loads an ONNX model as a runnable module (<c>onnx.load(path)</c> + <c>onnxruntime.InferenceSession(path)</c>):
    /// the file is read whole (at most <paramref name="maxBytes"/>), checked — every tensor's declared size against
    /// its data, every name defined once, every node reading defined values, no cycles — and each node turned into
    /// Ember ops. External tensor data is read only from files inside the model's folder. See docs/graph-mode.md.
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="maxBytes">The largest file accepted; a larger one is refused before it is read.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed ONNX model (the message says what is wrong).</exception>
    /// <exception cref="NotSupportedException">The model uses an operator, opset, IR version, element type or feature Ember does not load (named in the message).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static OnnxModule Load(string path, long maxBytes = DefaultMaxModelBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Onnx.Load: no file {path}.", path);
        byte[] bytes;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (f.Length > maxBytes)
                throw new InvalidDataException($"Onnx.Load: {path} has {f.Length} bytes, more than the limit of {maxBytes} (maxBytes).");
            bytes = ReadBounded(f, maxBytes, path);
        }
        return new OnnxModule(OnnxProgram.Read(bytes, Path.GetDirectoryName(Path.GetFullPath(path))));
    }

    /// <summary>Loads an ONNX model from a stream (read to its end, at most <paramref name="maxBytes"/>); external tensor data is refused, as there is no folder to read it from.</summary>
    /// <inheritdoc cref="Load(string, long)"/>
    public static OnnxModule Load(Stream stream, long maxBytes = DefaultMaxModelBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(ReadBounded(stream, maxBytes, "the stream"));
    }

    // Reads to the end in chunks, never holding more than maxBytes: a file that grows while being read, or an
    // endless stream, is refused rather than buffered.
    private static byte[] ReadBounded(Stream stream, long maxBytes, string what)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new InvalidDataException($"Onnx.Load: {what} holds more than the limit of {maxBytes} bytes (maxBytes).");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Loads an ONNX model from its bytes; external tensor data is refused.</summary>
    /// <inheritdoc cref="Load(string, long)"/>
    public static OnnxModule Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new OnnxModule(OnnxProgram.Read(bytes, null));
    }
}
