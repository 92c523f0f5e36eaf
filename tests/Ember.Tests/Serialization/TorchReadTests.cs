using Ember.NN;
using Ember.Optim;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>Files written by PyTorch's torch.save, read by Ember (tests/golden/serialization.py made them).</summary>
public class TorchReadTests
{
    private static readonly Golden G = Golden.Load("serialization");

    [Fact]
    public void LeNetStateDictLoadsEveryTensorByPyTorchsKey()
    {
        var sd = TorchFile.LoadStateDict(Fixtures.Path_("lenet.pt"));
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" }, sd.Keys);
        Assert.Equal([6, 1, 5, 5], (int[])sd["conv1.weight"].Shape);
        Assert.Equal([120, 400], (int[])sd["fc1.weight"].Shape);
        foreach (var k in new[] { "conv1.weight", "conv1.bias", "conv2.bias", "fc3.weight", "fc3.bias" })
            TensorAssert.Equal(G["lenet." + k], sd[k]);
    }

    [Theory]
    [InlineData("float32")] [InlineData("float64")] [InlineData("float16")] [InlineData("bfloat16")]
    [InlineData("int64")] [InlineData("int32")] [InlineData("int16")] [InlineData("int8")]
    [InlineData("uint8")] [InlineData("bool")] [InlineData("scalar")] [InlineData("empty")]
    public void EveryDTypeLoadsWithItsValues(string key)
    {
        var d = (OrderedDictionary<object, object?>)TorchFile.Load(Fixtures.Path_("dtypes.pt"))!;
        TensorAssert.Equal(G["dtypes." + key], (Tensor)d[key]!);
    }

    [Theory]
    [InlineData("base")] [InlineData("row")] [InlineData("col")] [InlineData("t")] [InlineData("strided")]
    [InlineData("narrow")] [InlineData("expanded")] [InlineData("other")]
    public void ViewsKeepTheirStridesOffsetsAndValues(string key)
    {
        var sd = TorchFile.LoadStateDict(Fixtures.Path_("views.pt"));
        var t = sd[key];
        TensorAssert.Equal(G["views." + key], t.Contiguous());
        var stride = G["views." + key + ".stride"].ToArray<long>();
        Assert.Equal(t.NDim == 0 ? [0L] : stride, t.NDim == 0 ? [0L] : t.Stride().Select(s => (long)s).ToArray());
        Assert.Equal(G["views." + key + ".offset"].ToArray<long>()[0], t.StorageOffset());
    }

    [Fact]
    public void ViewsOfOneStorageShareItAfterLoading()
    {
        var sd = TorchFile.LoadStateDict(Fixtures.Path_("views.pt"));
        foreach (var k in new[] { "row", "col", "t", "strided", "narrow" }) Assert.True(sd["base"].SharesStorageWith(sd[k]), k);
        Assert.False(sd["base"].SharesStorageWith(sd["other"]));
        sd["base"][1, 2] = Tensor.Scalar(100f);                   // writes through, as in PyTorch
        Assert.Equal(100f, sd["row"][2].Item<float>());
        Assert.Equal(100f, sd["col"][1].Item<float>());
    }

    [Fact]
    public void SingleTensorAndParameterFiles()
    {
        var t = TorchFile.LoadTensor(Fixtures.Path_("tensor.pt"));
        TensorAssert.Equal(Tensor.Linspace(-1, 1, 5, dtype: DType.Float64), t);
        var p = TorchFile.Load(Fixtures.Path_("param.pt"));
        var param = Assert.IsType<Parameter>(p);
        Assert.True(param.RequiresGrad);
        TensorAssert.Equal(Tensor.From(new float[,] { { 1, 2 } }), param.Detach());
        TensorAssert.Throws<TensorFileException>(() => TorchFile.LoadTensor(Fixtures.Path_("views.pt")), "views.pt", "does not hold a single tensor");
        TensorAssert.Throws<TensorFileException>(() => TorchFile.LoadStateDict(Fixtures.Path_("adam.pt")), "adam.pt", "'state' holds a dict, not a tensor");
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void OptimizerStateFromPyTorchContinuesAsPyTorchDid(string name)
    {
        var model = new Linear(3, 2);
        model.LoadStateDict(TorchFile.LoadStateDict(Fixtures.Path_(name + "_model.pt")));
        Optimizer opt = name == "adam" ? new Adam(model.Parameters(), lr: 0.5) : new Sgd(model.Parameters(), lr: 0.5, momentum: 0.1);
        var state = TorchFile.LoadOptimizerStateDict(Fixtures.Path_(name + ".pt"));
        opt.LoadStateDict(state);
        var w = model.Parameters().First();
        foreach (var (k, v) in opt.State[w]) if (v is Tensor t) TensorAssert.Equal(G[$"{name}.state.0.{k}"], t);
        opt.ZeroGrad();
        (model.Forward(G[name + ".x"]) - G[name + ".y"]).Pow(2).Sum().Backward();
        opt.Step();
        TensorAssert.Close(G[name + ".next.weight"], model.Parameters().First().Detach());
        TensorAssert.Close(G[name + ".next.bias"], model.Parameters().Last().Detach());
    }

    [Fact]
    public void OptimizerOptionsTakeEmbersTypes()
    {
        var s = TorchFile.LoadOptimizerStateDict(Fixtures.Path_("adam.pt"));
        var g = s.ParamGroups[0];
        Assert.Equal(0.01, g["lr"]);
        Assert.Equal((0.8, 0.99), g["betas"]);
        Assert.Equal(new long[] { 0, 1 }, g["params"]);
        Assert.False(g.ContainsKey("foreach")); // None options are left out
    }
}

/// <summary>Archives marked big-endian (PyTorch 2's byteorder record) are byte-swapped on load.</summary>
public class TorchByteOrderTests
{
    [Fact]
    public void BigEndianArchivesAreSwapped()
    {
        using var z = new System.IO.Compression.ZipArchive(File.OpenRead(Fixtures.Path_("tensor.pt")));
        var ms = new MemoryStream();
        var w = new Ember.Serialization.Torch.StoredZipWriter(ms);
        foreach (var e in z.Entries)
        {
            using var s = e.Open();
            var b = new MemoryStream();
            s.CopyTo(b);
            var bytes = b.ToArray();
            if (e.FullName.Contains("/data/", StringComparison.Ordinal))
                for (int i = 0; i < bytes.Length; i += 8) bytes.AsSpan(i, 8).Reverse(); // float64 elements
            w.Add(e.FullName, bytes);
            if (e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)) w.Add(e.FullName[..^"data.pkl".Length] + "byteorder", "big"u8);
        }
        w.Finish();
        ms.Position = 0;
        TensorAssert.Equal(Tensor.Linspace(-1, 1, 5, dtype: DType.Float64), (Tensor)TorchFile.Load(ms)!);
    }
}
