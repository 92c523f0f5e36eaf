using System.Text.Json;
using Ember.Printing;
using Xunit;

namespace Ember.Tests;

/// <summary>ToString() against PyTorch's repr() (golden/printing.json, written by golden/printing.py).</summary>
public class PrintingGoldenTests
{
    private static readonly Lazy<Dictionary<string, (Tensor Input, string Repr)>> Cases = new(Load);

    private static Dictionary<string, (Tensor, string)> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "golden", "printing.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var r = new Dictionary<string, (Tensor, string)>();
        foreach (var p in doc.RootElement.GetProperty("cases").EnumerateObject())
            r[p.Name] = (Decode(p.Value.GetProperty("input")), p.Value.GetProperty("repr").GetString()!);
        return r;
    }

    // golden_io's tensor encoding (the same as Golden.cs reads).
    private static Tensor Decode(JsonElement e)
    {
        string dtype = e.GetProperty("dtype").GetString()!;
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().ToArray();
        static double D(JsonElement x) => x.ValueKind == JsonValueKind.String
            ? x.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, _ => double.NegativeInfinity }
            : x.GetDouble();
        return dtype switch
        {
            "float32" => Tensor.From<float>(data.Select(x => (float)D(x)).ToArray(), shape),
            "float64" => Tensor.From<double>(data.Select(D).ToArray(), shape),
            "int64" => Tensor.From<long>(data.Select(x => x.GetInt64()).ToArray(), shape),
            "int32" => Tensor.From<int>(data.Select(x => x.GetInt32()).ToArray(), shape),
            "uint8" => Tensor.From<byte>(data.Select(x => (byte)x.GetInt32()).ToArray(), shape),
            "bool" => Tensor.From<bool>(data.Select(x => x.GetInt32() != 0).ToArray(), shape),
            _ => throw new InvalidDataException(dtype),
        };
    }

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var n in Cases.Value.Keys) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ReprMatchesPyTorch(string name)
    {
        var (t, repr) = Cases.Value[name];
        Assert.Equal(repr, t.ToString(PrintOptions.Default));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void NonContiguousViewPrintsTheSame(string name)
    {
        var (t, repr) = Cases.Value[name];
        Assert.Equal(repr, TestViews.NonContiguous(t).ToString(PrintOptions.Default));
    }
}

/// <summary>Options, suffixes and the debugger view.</summary>
public class PrintingOptionsTests
{
    private static Tensor F(params float[] v) => Tensor.From(v);

    [Fact]
    public void OptionsFollowSetPrintOptions()
    {
        // Expected strings are from PyTorch 1.13 with the same set_printoptions.
        Assert.Equal("tensor([    0.0000,     1.0000])", F(1e-5f, 1f).ToString(PrintOptions.Default with { SciMode = false }));
        Assert.Equal("tensor([1.5000e+00, 2.0000e+00])", F(1.5f, 2f).ToString(PrintOptions.Default with { SciMode = true }));
        Assert.Equal("tensor([1.0000e+00, 2.0000e+00])", F(1f, 2f).ToString(PrintOptions.Default with { SciMode = true }));
        var ten = Tensor.From(Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        Assert.Equal("tensor([0, 1, 2,  ..., 7, 8, 9])", ten.ToString(PrintOptions.Default with { Threshold = 5 }));
        Assert.Equal("tensor([1.12, 2.00])", F(1.12345f, 2f).ToString(PrintOptions.Short));
        var big = Tensor.Zeros([1001], DType.Int64);
        Assert.DoesNotContain("...", big.ToString(PrintOptions.Full));
    }

    [Fact]
    public void DeviceSuffixComesBeforeDType()
    {
        Assert.Equal("tensor([1., 2.], device='cuda:0')", TensorPrinter.Repr(F(1, 2), PrintOptions.Default, Device.Cuda(0)));
        Assert.Equal("tensor([1., 2.], device='cuda:1', dtype=torch.float64)",
            TensorPrinter.Repr(F(1, 2).Double(), PrintOptions.Default, Device.Cuda(1)));
        Assert.Equal("tensor([], device='cuda:0', size=(0, 2))",
            TensorPrinter.Repr(Tensor.Zeros(0, 2), PrintOptions.Default, Device.Cuda(0)));
    }

    [Fact]
    public void PlainToStringUsesCurrentOptions()
    {
        Assert.Equal(PrintOptions.Default, PrintOptions.Current);
        Assert.Equal("tensor([[0.4000, 0.7000]])", Tensor.From(new float[,] { { 0.4f, 0.7f } }).ToString());
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => PrintOptions.Current = PrintOptions.Default with { Precision = -1 }, "PrintOptions.Current", "Precision", "-1");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2).ToString(PrintOptions.Default with { EdgeItems = -2 }), "ToString", "EdgeItems", "-2");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2).ToString(PrintOptions.Default with { LineWidth = 0 }), "ToString", "LineWidth");
        Assert.Equal(PrintOptions.Default, PrintOptions.Current);
    }

    [Fact]
    public void DebuggerDisplayShowsShapeDTypeAndDevice()
    {
        var prop = typeof(Tensor).GetProperty("DebuggerDisplay", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        Assert.Equal("Tensor [2, 3] torch.float64 cpu", prop.GetValue(Tensor.Zeros([2, 3], DType.Float64)));
    }
}
