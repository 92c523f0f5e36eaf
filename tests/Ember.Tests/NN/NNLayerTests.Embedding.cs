using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

public partial class NNLayerTests
{
    [Theory]
    [InlineData("emb", null)]
    [InlineData("emb_pad0", 0)]
    [InlineData("emb_padm1", -1)]
    public void EmbeddingStartsFromPyTorchsTableAndSkipsThePaddingRow(string name, int? pad)
    {
        Tensor.ManualSeed(3);
        var m = new Embedding(10, 3, pad);
        TensorAssert.Equal(G[name + "_w0"], m.Weight.Detach());
        Assert.Equal(ExpectedText(name), m.ToString());
        var y = m.Call(G["emb_idx"]);
        y.Backward(G[name + "_gy"]);
        TensorAssert.Equal(G[name + "_y"], y.Detach());
        Close(G[name + "_gw"], m.Weight.Grad!, "f32");
    }

    [Fact]
    public void EmbeddingInFloat64DrawsPyTorchsTable()
    {
        Tensor.ManualSeed(3);
        TensorAssert.Equal(G["emb_f64_w0"], new Embedding(10, 3, dtype: DType.Float64).Weight.Detach());
    }

    [Fact]
    public void FunctionalEmbeddingAndFromPretrainedShareTheLookup()
    {
        var w = Tensor.Randn(5, 2);
        var idx = Tensor.From(new long[] { 4, 0, 4 });
        TensorAssert.Equal(w[4], F.Embedding(idx, w)[0]);
        var e = Embedding.FromPretrained(w);
        Assert.False(e.Weight.RequiresGrad);
        TensorAssert.Equal(F.Embedding(idx, w), e.Call(idx));
        TensorAssert.Throws<ArgumentException>(() => F.Embedding(Tensor.Ones(2), w), "indices", "Long, Int", "float32");
        TensorAssert.Throws<ArgumentException>(() => new Embedding(4, 2, paddingIdx: 4), "Padding_idx must be within num_embeddings");
    }

    [Theory]
    [InlineData("bil", "f32")]
    [InlineData("bil", "f64")]
    [InlineData("bil_nobias", "f32")]
    [InlineData("bil_nobias", "f64")]
    [InlineData("bil_3d", "f32")]
    [InlineData("bil_3d", "f64")]
    public void BilinearMatchesPyTorch(string name, string dn)
    {
        string k = $"{name}_{dn}";
        Tensor.ManualSeed(4);
        var m = new Bilinear(3, 4, 2, bias: name != "bil_nobias", dtype: Dt(dn));
        TensorAssert.Equal(G[k + "_w0"], m.Weight.Detach());
        if (m.Bias is not null) TensorAssert.Equal(G[k + "_b0"], m.Bias.Detach());
        Assert.Equal(ExpectedText(name), m.ToString());
        var x1 = G[k + "_x1"].RequiresGrad_();
        var x2 = G[k + "_x2"].RequiresGrad_();
        var y = m.Call(x1, x2);
        y.Backward(G[k + "_gy"]);
        Close(G[k + "_y"], y.Detach(), dn);
        Close(G[k + "_gx1"], x1.Grad!, dn);
        Close(G[k + "_gx2"], x2.Grad!, dn);
        Close(G[k + "_gw"], m.Weight.Grad!, dn);
        if (m.Bias is not null) Close(G[k + "_gb"], m.Bias.Grad!, dn);
    }

    [Fact]
    public void BilinearRefusesMismatchedInputs()
    {
        var m = new Bilinear(3, 4, 2);
        TensorAssert.Throws<ArgumentException>(() => m.Call(Tensor.Randn(5, 3), Tensor.Randn(6, 4)), "batch dimensions do not match");
        TensorAssert.Throws<ArgumentException>(() => m.Call(Tensor.Randn(5, 2), Tensor.Randn(5, 4)), "input1 size does not match weight size");
    }

    [Fact]
    public void IdentityFlattenAndUnflattenReshapeAsPyTorch()
    {
        var x = Tensor.Randn(2, 3, 4, 5);
        Assert.Same(x, new Identity().Call(x));
        Assert.Equal(new[] { 2, 60 }, new Flatten().Call(x).Shape.ToArray());
        Assert.Equal(new[] { 24, 5 }, new Flatten(0, 2).Call(x).Shape.ToArray());
        Assert.Equal(new[] { 2, 2, 5 }, new Unflatten(1, 2, 5).Call(Tensor.Randn(2, 10)).Shape.ToArray());
        Assert.Equal(ExpectedText("identity"), new Identity().ToString());
        Assert.Equal(ExpectedText("flatten"), new Flatten().ToString());
        Assert.Equal(ExpectedText("flatten_0_2"), new Flatten(0, 2).ToString());
        Assert.Equal(ExpectedText("unflatten"), new Unflatten(1, 2, 5).ToString());
    }

    [Fact]
    public void AModelOfTheseLayersPrintsAsPyTorch()
    {
        var seq = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new GELU(), new Dropout(0.1), new Linear(8, 3), new LogSoftmax(dim: 1));
        Assert.Equal(ExpectedText("seq"), seq.ToString());
        var y = seq.Call(Tensor.Randn(5, 4));
        TensorAssert.Close(Tensor.Ones(5), y.Exp().Sum(1), 1e-5, 1e-6);
    }
}
