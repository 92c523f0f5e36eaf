using System.Text.Json;

namespace Ember.Tests;

/// <summary>
/// Reads the golden files that PyTorch scripts under <c>tests/golden/</c> wrote (see golden_io.py).
/// </summary>
public sealed class Golden
{
    private readonly Dictionary<string, JsonElement> _tensors = new();
    private static readonly Dictionary<string, Golden> Cache = new();

    private Golden(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var p in doc.RootElement.GetProperty("tensors").EnumerateObject())
            _tensors[p.Name] = p.Value.Clone();
        if (doc.RootElement.TryGetProperty("meta", out var meta)) Meta = meta.Clone();
    }

    /// <summary>The file's <c>meta</c> object (what the script recorded beside the tensors: printed forms, case lists); undefined when it has none.</summary>
    public JsonElement Meta { get; }

    /// <summary>Loads <c>golden/NAME.json</c> from the test output folder (cached).</summary>
    public static Golden Load(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var g))
            {
                string path = Path.Combine(AppContext.BaseDirectory, "golden", name + ".json");
                if (!File.Exists(path)) throw new FileNotFoundException($"golden file {path} is missing: run tests/golden/{name}.py", path);
                Cache[name] = g = new Golden(path);
            }
            return g;
        }
    }

    /// <summary>All tensor names in the file.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>True when the file holds <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>The tensor stored under <paramref name="name"/>, with its dtype and shape.</summary>
    public Tensor this[string name]
    {
        get
        {
            if (!_tensors.TryGetValue(name, out var e)) throw new KeyNotFoundException($"golden tensor '{name}' not found");
            string dtype = e.GetProperty("dtype").GetString()!;
            int[] shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            var data = e.GetProperty("data");
            switch (dtype)
            {
                case "float32": return Tensor.From<float>(data.EnumerateArray().Select(x => (float)ReadDouble(x)).ToArray(), shape);
                case "float64": return Tensor.From<double>(data.EnumerateArray().Select(ReadDouble).ToArray(), shape);
                case "int64": return Tensor.From<long>(data.EnumerateArray().Select(x => x.GetInt64()).ToArray(), shape);
                case "int32": return Tensor.From<int>(data.EnumerateArray().Select(x => x.GetInt32()).ToArray(), shape);
                case "uint8": return Tensor.From<byte>(data.EnumerateArray().Select(x => (byte)x.GetInt32()).ToArray(), shape);
                case "bool": return Tensor.From<bool>(data.EnumerateArray().Select(x => x.GetInt32() != 0).ToArray(), shape);
                default: throw new InvalidDataException($"golden tensor '{name}': unknown dtype {dtype}");
            }
        }
    }

    private static double ReadDouble(JsonElement x) => x.ValueKind == JsonValueKind.String
        ? x.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => throw new InvalidDataException($"bad number {s}") }
        : x.GetDouble();
}
