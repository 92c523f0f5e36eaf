using System.Reflection;
using System.Text.Json;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// The everyday Tensor API a port reaches for (issue 15, item 2): closeness and equality against
/// PyTorch (tests/golden/tensor_api.py), finfo/iinfo, assert_close's messages, the new_* factories,
/// x.data, iteration, and the torch.* static forms.
/// </summary>
public class TensorApiTests
{
    private static readonly Golden G = Golden.Load("tensor_api");

    public static TheoryData<string> IsCloseCases() => [.. G.Meta.GetProperty("isclose").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(IsCloseCases))]
    public void IsCloseAndAllCloseMatchPyTorch(string name)
    {
        var c = G.Meta.GetProperty("isclose").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        double rtol = c.GetProperty("rtol").ValueKind == JsonValueKind.Null ? 1e-5 : c.GetProperty("rtol").GetDouble();
        double atol = c.GetProperty("atol").ValueKind == JsonValueKind.Null ? 1e-8 : c.GetProperty("atol").GetDouble();
        bool equalNan = c.GetProperty("equal_nan").GetBoolean();
        Tensor a = G[$"isclose.{name}.a"], b = G[$"isclose.{name}.b"];
        TensorAssert.Equal(G[$"isclose.{name}.out"], Tensor.IsClose(a, b, rtol, atol, equalNan));
        TensorAssert.Equal(G[$"isclose.{name}.out"], a.IsClose(b, rtol, atol, equalNan));
        Assert.Equal(c.GetProperty("allclose").GetBoolean(), Tensor.AllClose(a, b, rtol, atol, equalNan));
        Assert.Equal(c.GetProperty("allclose").GetBoolean(), a.AllClose(b, rtol, atol, equalNan));
    }

    [Fact]
    public void AllCloseIsTrueForCloseTensors()
    {
        var a = Tensor.From(new float[] { 1f, 2f, float.PositiveInfinity });
        Assert.True(a.AllClose(Tensor.From(new float[] { 1f, 2.000001f, float.PositiveInfinity })));
        Assert.True(Tensor.AllClose(Tensor.From(new[] { float.NaN }), Tensor.From(new[] { float.NaN }), equalNan: true));
    }

    [Fact]
    public void EqualMatchesPyTorch()
    {
        foreach (var c in G.Meta.GetProperty("equal").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            Tensor a = G[$"equal.{name}.a"], b = G[$"equal.{name}.b"];
            Assert.True(c.GetProperty("equal").GetBoolean() == Tensor.Equal(a, b), name);
            Assert.True(c.GetProperty("equal").GetBoolean() == a.Equal(b), name);
        }
    }

    [Fact]
    public void IsCloseRefusesMixedDTypesAndNegativeTolerances()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.IsClose(Tensor.From(new long[] { 1 }), Tensor.From(new float[] { 1 })),
            "isclose", "Long did not match Float", "int64", "float32");
        TensorAssert.Throws<ArgumentException>(() => Tensor.IsClose(Tensor.Ones(2), Tensor.Ones(2), rtol: -1), "rtol must be greater than or equal to zero, but got -1.0");
        TensorAssert.Throws<ArgumentException>(() => Tensor.IsClose(Tensor.Ones(2), Tensor.Ones(2), atol: -0.5), "atol must be greater than or equal to zero, but got -0.5");
        TensorAssert.Throws<ArgumentException>(() => Tensor.IsClose(Tensor.Ones(2), Tensor.Ones(3)), "isclose");
    }

    [Fact]
    public void FInfoAndIInfoMatchPyTorch()
    {
        foreach (var (name, dtype) in new[] { ("float32", DType.Float32), ("float64", DType.Float64) })
        {
            var want = G.Meta.GetProperty("finfo").GetProperty(name);
            var fi = Tensor.FInfo(dtype);
            Assert.Equal(want.GetProperty("bits").GetInt32(), fi.Bits);
            Assert.Equal(want.GetProperty("eps").GetDouble(), fi.Eps);
            Assert.Equal(want.GetProperty("max").GetDouble(), fi.Max);
            Assert.Equal(want.GetProperty("min").GetDouble(), fi.Min);
            Assert.Equal(want.GetProperty("tiny").GetDouble(), fi.Tiny);
            Assert.Equal(want.GetProperty("smallest_normal").GetDouble(), fi.SmallestNormal);
            Assert.Equal(want.GetProperty("resolution").GetDouble(), fi.Resolution);
        }
        // eps is the gap above 1 in the dtype itself.
        Assert.Equal(1f + (float)Tensor.FInfo().Eps, MathF.BitIncrement(1f));
        foreach (var (name, dtype) in new[] { ("int64", DType.Int64), ("int32", DType.Int32), ("uint8", DType.UInt8) })
        {
            var want = G.Meta.GetProperty("iinfo").GetProperty(name);
            var ii = Tensor.IInfo(dtype);
            Assert.Equal(want.GetProperty("bits").GetInt32(), ii.Bits);
            Assert.Equal(want.GetProperty("max").GetInt64(), ii.Max);
            Assert.Equal(want.GetProperty("min").GetInt64(), ii.Min);
        }
        TensorAssert.Throws<ArgumentException>(() => Tensor.FInfo(DType.Int64), "finfo", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.IInfo(DType.Float32), "iinfo", "torch.float32");
    }

    public static TheoryData<string> AssertCloseCases() => [.. G.Meta.GetProperty("assert_close").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(AssertCloseCases))]
    public void AssertCloseGivesPyTorchsVerdictAndMessage(string name)
    {
        var c = G.Meta.GetProperty("assert_close").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        Tensor actual = G[$"assert_close.{name}.actual"], expected = G[$"assert_close.{name}.expected"];
        var message = c.GetProperty("message");
        if (message.ValueKind == JsonValueKind.Null)
            Testing.AssertClose(actual, expected);
        else
            Assert.Equal(message.GetString(), Assert.Throws<TensorAssertionException>(() => Testing.AssertClose(actual, expected)).Message);
    }

    [Fact]
    public void AssertCloseOptions()
    {
        var a = Tensor.From(new[] { 1.0f, 2.0f });
        Testing.AssertClose(a, Tensor.From(new[] { 1.0, 2.0 }), checkDtype: false);
        Testing.AssertClose(a, Tensor.From(new[] { 1.1f, 2.0f }), rtol: 0.2, atol: 0);
        Assert.Equal("custom", Assert.Throws<TensorAssertionException>(() => Testing.AssertClose(a, a * 2, msg: "custom")).Message);
        TensorAssert.Throws<ArgumentException>(() => Testing.AssertClose(a, a, rtol: 0.1), "both 'rtol' and 'atol' must be either specified or omitted, but got no atol");
        var scalar = Assert.Throws<TensorAssertionException>(() => Testing.AssertClose(Tensor.Scalar(1.0f), Tensor.Scalar(2.0f))).Message;
        Assert.Equal("Tensor-likes are not close!\n\nAbsolute difference: 1.0 (up to 1e-05 allowed)\nRelative difference: 0.5 (up to 1.3e-06 allowed)", scalar);
    }

    [Fact]
    public void NewFactoriesTakeDTypeAndDeviceFromTheTensor()
    {
        var x = Tensor.Ones([2], DType.Float64);
        var z = x.NewZeros(2, 3);
        Assert.Equal(DType.Float64, z.DType);
        Assert.Equal([2, 3], z.Shape.ToArray());
        Assert.Equal(0.0, z.Sum().ToDouble());
        Assert.Equal(6.0, x.NewOnes(2, 3).Sum().ToDouble());
        var full = x.NewFull([2], 7);   // an int value, but the tensor's dtype: new_full does not follow the value's kind
        Assert.Equal(DType.Float64, full.DType);
        Assert.Equal(14.0, full.Sum().ToDouble());
        Assert.Equal(DType.Int64, x.NewZeros([1], DType.Int64).DType);
        Assert.Equal(DType.Float64, x.NewEmpty(4).DType);
        var t = Tensor.Zeros([1], DType.Float32).NewTensor(new double[] { 1.5, 2.5 });
        Assert.Equal(DType.Float32, t.DType);
        TensorAssert.Equal(Tensor.From(new[] { 1.5f, 2.5f }), t);
        Assert.Equal(DType.Int32, Tensor.Zeros([1], DType.Int32).NewTensor(3).DType);
        Assert.Equal(0, Tensor.Zeros([1], DType.Int32).NewTensor(3).NDim);
    }

    [Fact]
    public void FromValuesFollowsTorchTensorsDTypeRules()
    {
        Assert.Equal(DType.Float32, Tensor.FromValues(new[] { 1.0, 2.0 }).DType);
        Assert.Equal(DType.Float64, Tensor.From(new[] { 1.0, 2.0 }).DType);
        Assert.Equal(DType.Int64, Tensor.FromValues(new[] { 1, 2 }).DType);
        Assert.Equal(DType.Bool, Tensor.FromValues(new[] { true }).DType);
        Assert.Equal(DType.Float64, Tensor.FromValues(new[,] { { 1.0f } }, DType.Float64).DType);
        var saved = DTypes.DefaultFloat;
        try
        {
            DTypes.DefaultFloat = DType.Float64;
            Assert.Equal(DType.Float64, Tensor.FromValues(new[] { 1.0f }).DType);
        }
        finally { DTypes.DefaultFloat = saved; }
    }

    [Fact]
    public void DataIsADetachedAliasAndSettingItKeepsTheObject()
    {
        var w = Tensor.Ones(3).RequiresGrad_();
        var d = w.Data;
        Assert.False(d.RequiresGrad);
        Assert.True(d.SharesStorageWith(w));
        d.Mul_(2);                                   // p.data.mul_(2): not recorded
        Assert.Null(w.GradFn);
        Assert.Equal(6.0, w.Sum().ToDouble());

        var replacement = Tensor.Zeros(2, 2);
        w.Data = replacement;                        // p.data = t: the same object, t's storage and shape
        Assert.True(w.RequiresGrad);
        Assert.True(w.SharesStorageWith(replacement));
        Assert.Equal([2, 2], w.Shape.ToArray());
        w.Sum().Backward();
        Assert.Equal([2, 2], w.Grad!.Shape.ToArray());
        Assert.Throws<ArgumentNullException>(() => w.Data = null);
    }

    [Fact]
    public void ForeachWalksTheFirstDimension()
    {
        var m = Tensor.Arange(6).Reshape(3, 2);
        var rows = new List<Tensor>();
        foreach (var row in m) rows.Add(row);
        Assert.Equal(3, rows.Count);
        TensorAssert.Equal(Tensor.From(new long[] { 4, 5 }), rows[2]);
        Assert.True(rows[1].SharesStorageWith(m));
        Assert.Empty(EnumerateAll(Tensor.Zeros(0, 4)));
        TensorAssert.Throws<InvalidOperationException>(() => { foreach (var _ in Tensor.Scalar(1.0)) { } }, "iteration over a 0-d tensor");
    }

    private static List<Tensor> EnumerateAll(Tensor t)
    {
        var list = new List<Tensor>();
        foreach (var x in t) list.Add(x);
        return list;
    }

    [Fact]
    public void ScalarShortcutsAndDevicePredicates()
    {
        Assert.Equal(2.5, Tensor.Scalar(2.5f).ToDouble());
        Assert.Equal(-2, Tensor.Scalar(-2.7).ToInt64());
        Assert.Equal(7, Tensor.From(new long[] { 7 }).ToInt64());
        TensorAssert.Throws<InvalidOperationException>(() => Tensor.Ones(2).ToDouble(), "item", "2 elements");
        Assert.False(Tensor.Ones(1).IsCuda);
        Assert.True(Tensor.Ones(1).IsCpu);
    }

    [Fact]
    public void StaticFormsForwardToTheInstanceMethods()
    {
        var x = Tensor.Arange(0, 24, dtype: DType.Float32).Reshape(2, 3, 4);
        TensorAssert.Equal(x.Flatten(1), Tensor.Flatten(x, 1));
        TensorAssert.Equal(x.Sum(), Tensor.Sum(x));
        TensorAssert.Equal(x.Sum(1, keepDim: true), Tensor.Sum(x, 1, keepDim: true));
        TensorAssert.Equal(x.Softmax(-1), Tensor.Softmax(x, -1));
        TensorAssert.Equal(x.Max(2).Indices, Tensor.Max(x, 2).Indices);
        TensorAssert.Equal(x.Transpose(0, 2), Tensor.Transpose(x, 0, 2));
        Assert.Equal(3, Tensor.Unbind(x, 1).Length);
    }

    [Fact]
    public void EveryOverloadOfAGeneratedStaticFormHasItsTwin()
    {
        // tools/GenerateStaticForms.cs writes the twins; a new instance overload of one of those names
        // without a twin means the generator was not rerun.
        var t = typeof(Tensor);
        var generated = t.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.IsDefined(typeof(System.CodeDom.Compiler.GeneratedCodeAttribute))).Select(m => m.Name).ToHashSet();
        Assert.True(generated.Count > 50, $"only {generated.Count} generated static forms");
        var missing = new List<string>();
        foreach (var m in t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => generated.Contains(m.Name) && !m.IsGenericMethod))
        {
            var types = new[] { t }.Concat(m.GetParameters().Select(p => p.ParameterType)).ToArray();
            if (t.GetMethod(m.Name, BindingFlags.Public | BindingFlags.Static, types) is null) missing.Add(m.ToString()!);
        }
        Assert.True(missing.Count == 0, "run `dotnet run tools/GenerateStaticForms.cs`; missing static forms: " + string.Join("; ", missing));
    }
}
