using System.Text.Json;
using Ember.Data;
using Xunit;

namespace Ember.Tests.Data;

/// <summary>
/// default_collate on nested samples, its error messages, and persistent workers' draws, against
/// PyTorch 1.13 (tests/golden/data_porting.py).
/// </summary>
[Collection("DefaultGenerator")]
public class DataPortingGoldenTests
{
    internal static readonly Golden G = Golden.Load("data_porting");

    // The collated batch flattened as the golden script flattens PyTorch's: path -> kind, tensors, strings.
    private static void Flatten(object value, string path, Dictionary<string, string> kinds, Dictionary<string, object> leaves)
    {
        switch (value)
        {
            case Tensor t: kinds[path] = "tensor"; leaves[path] = t; break;
            case string[] s: kinds[path] = "strings"; leaves[path] = s; break;
            case Dictionary<string, object> d:
                kinds[path] = "dict:" + string.Join(",", d.Keys);
                foreach (var (k, v) in d) Flatten(v, $"{path}[\"{k}\"]", kinds, leaves);
                break;
            case object[] a:
                kinds[path] = $"list:{a.Length}";
                for (int i = 0; i < a.Length; i++) Flatten(a[i], $"{path}[{i}]", kinds, leaves);
                break;
            default: throw new InvalidOperationException($"unexpected {value.GetType()} at {path}");
        }
    }

    public static TheoryData<string> Cases => new() { "tuple5", "nested", "lists", "tuple9", "int32" };

    private static object?[] Samples(string name) => name switch
    {
        "tuple5" => Enumerable.Range(0, 3).Select(i => (object?)(Tensor.From(new float[] { i, i + 0.5f }), i, i * 0.25, i % 2 == 0, $"s{i}")).ToArray(),
        "nested" => Enumerable.Range(0, 2).Select(i => (object?)new Dictionary<string, object?>
        {
            ["img"] = Tensor.From(new float[,] { { i, 1 + i }, { 2 + i, 3 + i } }),
            ["meta"] = (i, new[] { i * 1.5, -i * 1.5 }),
            ["name"] = $"n{i}",
            ["flags"] = new[] { true, i > 0 },
        }).ToArray(),
        "lists" => Enumerable.Range(0, 3).Select(i => (object?)new List<Tensor> { Tensor.From(new float[] { i, i }), Tensor.From(new long[] { i }) }).ToArray(),
        "tuple9" => Enumerable.Range(0, 2).Select(i => (object?)(i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7, i + 8)).ToArray(),
        _ => Enumerable.Range(0, 3).Select(i => (object?)Tensor.From(new[] { i, -i })).ToArray(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultCollateMatchesPyTorch(string name)
    {
        var kinds = new Dictionary<string, string>();
        var leaves = new Dictionary<string, object>();
        Flatten(Collate.Default(Samples(name)), $"collate_{name}", kinds, leaves);
        var expectedKinds = G.Meta.GetProperty("kinds").EnumerateObject()
            .Where(p => p.Name == $"collate_{name}" || p.Name.StartsWith($"collate_{name}[", StringComparison.Ordinal))
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(expectedKinds.OrderBy(p => p.Key), kinds.OrderBy(p => p.Key));
        foreach (var (path, leaf) in leaves)
        {
            if (leaf is Tensor t) TensorAssert.Equal(G[path], t);
            else Assert.Equal(G.Meta.GetProperty("strings").GetProperty(path).EnumerateArray().Select(e => e.GetString()), (string[])leaf);
        }
    }

    [Fact]
    public void TypedDefaultCollateGivesTheStructureItsStaticType()
    {
        var nine = Samples("tuple9").Cast<(int, int, int, int, int, int, int, int, int)>().ToArray();
        var batch = Collate.Default<(int, int, int, int, int, int, int, int, int), (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)>(nine);
        TensorAssert.Equal(G["collate_tuple9[8]"], batch.Item9);
        var nested = Samples("nested").Cast<Dictionary<string, object?>>().ToArray();
        var d = Collate.Default<Dictionary<string, object?>, Dictionary<string, object>>(nested);
        var meta = Collate.Default<Dictionary<string, object?>, Dictionary<string, (Tensor, Tensor[])>>(
            nested.Select(s => new Dictionary<string, object?> { ["meta"] = s["meta"] }).ToArray())["meta"];
        TensorAssert.Equal(G["collate_nested[\"meta\"][1][1]"], meta.Item2[1]);
        Assert.Equal(4, d.Count);
        var ex = Assert.Throws<ArgumentException>(() => Collate.Default<(Tensor, long), (Tensor, Tensor, Tensor)>([(Tensor.Ones(1), 1L)]));
        Assert.Contains("cannot be given as ValueTuple`3", ex.Message);
    }

    private static string PyTorchError(string name) => G.Meta.GetProperty("errors").GetProperty(name).GetString()!;

    [Fact]
    public void MismatchedSamplesGetPyTorchsMessagesAndThePlaceInTheSample()
    {
        var shape = Assert.Throws<ArgumentException>(() => Collate.Default([Tensor.Zeros(2), Tensor.Zeros(3)]));
        Assert.StartsWith("RuntimeError: ", PyTorchError("shape"));
        Assert.Contains(PyTorchError("shape")["RuntimeError: ".Length..], shape.Message);

        var nested = Assert.Throws<ArgumentException>(() => Collate.Default([(1, Tensor.Zeros(2, 2)), (2, Tensor.Zeros(2, 3))]));
        Assert.Equal("default_collate: at sample[1]: stack expects each tensor to be equal size, but got [2, 2] at entry 0 and [2, 3] at entry 1. (Parameter 'samples')", nested.Message);

        var size = Assert.Throws<ArgumentException>(() => Collate.Default([new[] { 1, 2 }, new[] { 1 }]));
        Assert.Contains(PyTorchError("list_size")["RuntimeError: ".Length..], size.Message);
        Assert.Contains("sample 0 has 2 elements but sample 1 has 1", size.Message);

        var type = Assert.Throws<ArgumentException>(() => Collate.Default([new object(), new object()]));
        Assert.Contains("batch must contain tensors", PyTorchError("type"));
        Assert.Contains("default_collate: batch must contain tensors, numbers", type.Message);
        Assert.Contains("found Object", type.Message);

        var key = Assert.Throws<ArgumentException>(() => Collate.Default([
            new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }, new Dictionary<string, int> { ["a"] = 1 }]));
        Assert.Contains(PyTorchError("key"), key.Message); // KeyError: 'b'
        Assert.Contains("sample 1 has no key \"b\"", key.Message);

        var kind = Assert.Throws<ArgumentException>(() => Collate.Default([(1, "x"), (2, 3)]));
        Assert.Contains("sample 1[1] is a Int32 but sample 0[1] is a String", kind.Message);
        Assert.Contains("sample 1 is a String but sample 0 is a ValueTuple`2", Assert.Throws<ArgumentException>(() => Collate.Default([(1, 2), "x"])).Message);
    }

    [Fact]
    public void PersistentWorkersDrawTheBaseSeedOnceAsPyTorch()
    {
        Tensor.ManualSeed(0);
        var loader = DataLoader.Create(new FuncDataset<long>(10, i => i), Collate.Default<long, Tensor>, batchSize: 3, shuffle: true,
            numWorkers: 2, persistentWorkers: true);
        var order = Enumerable.Range(0, 3).SelectMany(_ => loader.SelectMany(b => b.ToArray<long>())).ToArray();
        Assert.Equal(G["persistent_order"].ToArray<long>(), order);
        TensorAssert.Equal(G["persistent_after"], Tensor.Rand(3));
    }
}
