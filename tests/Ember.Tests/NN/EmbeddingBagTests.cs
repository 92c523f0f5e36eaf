using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// EmbeddingBag and ParameterDict against PyTorch (tests/golden/nn_embedding_bag.py): bag values and
/// the gradients of the table and the per-sample weights in float64 and float32, the seeded table,
/// printing, state-dict names, a float64 gradcheck and PyTorch's argument checks.
/// </summary>
[Collection("DefaultGenerator")]
public class EmbeddingBagTests
{
    private static Golden G => Golden.Load("nn_embedding_bag");

    public static TheoryData<string, string> Cases()
    {
        var d = new TheoryData<string, string>();
        foreach (var c in G.Meta.GetProperty("cases").EnumerateObject()) foreach (var tag in new[] { "f64", "f32" }) d.Add(c.Name, tag);
        return d;
    }

    [Theory, MemberData(nameof(Cases))]
    public void BagsAndGradientsMatchPyTorch(string name, string tag)
    {
        string p = $"{name}.{tag}.";
        var o = G.Meta.GetProperty("cases").GetProperty(name);
        string mode = o.GetProperty("mode").GetString()!;
        int? pad = o.TryGetProperty("padding_idx", out var pi) ? pi.GetInt32() : null;
        bool last = o.TryGetProperty("include_last_offset", out var lo) && lo.GetBoolean();
        var w = G[p + "weight"].RequiresGrad_();
        var psw = G.Has(p + "psw") ? G[p + "psw"].RequiresGrad_() : null;
        var y = F.EmbeddingBag(G[p + "input"], w, G.Has(p + "offsets") ? G[p + "offsets"] : null, mode, psw, last, pad);
        double rtol = tag == "f32" ? 1e-5 : 1e-12, atol = tag == "f32" ? 1e-6 : 1e-12;
        TensorAssert.Close(G[p + "value"], y, rtol, atol);
        y.Backward(G[p + "gout"]);
        TensorAssert.Close(G[p + "grad.weight"], w.Grad!, rtol, atol);
        if (psw is not null) TensorAssert.Close(G[p + "grad.psw"], psw.Grad!, rtol, atol);

        // The module gives the same bags from the same table.
        var m = EmbeddingBag.FromPretrained(G[p + "weight"], mode: mode, includeLastOffset: last, paddingIdx: pad);
        TensorAssert.Close(G[p + "value"], m.Forward(G[p + "input"], G.Has(p + "offsets") ? G[p + "offsets"] : null, psw?.Detach()), rtol, atol);
        Assert.False(m.Weight.RequiresGrad);
    }

    [Fact]
    public void TheTableIsDrawnAsPyTorchDrawsIt()
    {
        Tensor.ManualSeed(3);
        var m = new EmbeddingBag(6, 3, paddingIdx: 1);
        TensorAssert.Equal(G["init.weight"], m.Weight.Detach());
        Assert.Equal(["weight"], m.StateDict().Keys);
    }

    [Fact]
    public void GradCheckThroughEveryMode()
    {
        var input = Tensor.From(new long[] { 1, 2, 4, 5, 4, 3, 2, 0, 1 });
        var offsets = Tensor.From(new long[] { 0, 2, 2, 6 });
        Tensor W() => Tensor.Randn([6, 3], new Generator(4), DType.Float64).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(a => F.EmbeddingBag(input, a[0], offsets, "mean", paddingIdx: 3), [W()]));
        Assert.True(Ember.Autograd.GradCheck(a => F.EmbeddingBag(input, a[0], offsets, "max"), [W()]));
        Assert.True(Ember.Autograd.GradCheck(a => F.EmbeddingBag(input, a[0], offsets, "sum", a[1]),
            [W(), Tensor.Rand([9], new Generator(5), DType.Float64).RequiresGrad_()]));
    }

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        var r = G.Meta.GetProperty("repr");
        Assert.Equal(r.GetProperty("EmbeddingBag(10, 3)").GetString(), new EmbeddingBag(10, 3).ToString());
        Assert.Equal(r.GetProperty("EmbeddingBag(10, 3, mode=max, padding_idx=0)").GetString(), new EmbeddingBag(10, 3, "max", true, 0).ToString());
        Assert.Equal(r.GetProperty("EmbeddingBag(10, 3, mode=sum, padding_idx=-1)").GetString(), new EmbeddingBag(10, 3, "sum", paddingIdx: -1).ToString());
        var h = new Holder();
        Assert.Equal(r.GetProperty("Holder").GetString(), h.ToString());
        Assert.Equal(G.Meta.GetProperty("state_dict_keys").EnumerateArray().Select(e => e.GetString()), h.StateDict().Keys);
    }

    private sealed class Holder : Module
    {
        public Linear Lin { get; } = new(2, 2);
        public ParameterDict Params { get; } = new(("alpha", new Parameter(Tensor.Zeros(2, 3))), ("beta", new Parameter(Tensor.Zeros([4], DType.Float64))));
    }

    [Fact]
    public void ParameterDictAddsReplacesAndRemovesInOrder()
    {
        var a = new Parameter(Tensor.Ones(2));
        var b = new Parameter(Tensor.Ones(3));
        var d = new ParameterDict(("a", a), ("b", b));
        Assert.Equal(["a", "b"], d.Keys);
        Assert.Same(b, d["b"]);
        var c = new Parameter(Tensor.Zeros(2));
        d["a"] = c;   // replaced where it was
        Assert.Equal(["a", "b"], d.NamedParameters().Select(x => x.Name));
        Assert.Same(c, d.Parameters().First());
        d.Update([new("z", a)]);
        Assert.Equal(["a", "b", "z"], d.StateDict().Keys);
        Assert.Same(b, d.Pop("b"));
        Assert.Equal(["a", "z"], d.Keys);
        Assert.Equal(["a", "z"], d.NamedParameters().Select(x => x.Name));
        Assert.True(d.ContainsKey("z"));
        Assert.Equal(2, d.Count);
        TensorAssert.Throws<KeyNotFoundException>(() => _ = d["nope"], "ParameterDict", "nope", "a, z");
        d.LoadStateDict(new Dictionary<string, Tensor> { ["a"] = Tensor.Full([2], 5.0), ["z"] = Tensor.Full([2], 7.0) });
        Assert.Equal(5.0, c[0].ToDouble());
        d.Clear();
        Assert.Empty(d.Parameters());
    }

    [Fact]
    public void BadArgumentsNameTheOpAndWhatWasExpected()
    {
        var w = Tensor.Randn(10, 3);
        var x1 = Tensor.From(new long[] { 1, 2, 3, 4 });
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w), "embedding_bag", "offsets has to be a 1D Tensor but got None");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1.View(2, 2), w, Tensor.From(new long[] { 0 })), "embedding_bag", "if input is 2D, then offsets has to be None");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w, Tensor.From(new long[] { 1, 2 })), "embedding_bag", "offsets[0] has to be 0", "got 1");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w, Tensor.From(new long[] { 0, 7 })), "embedding_bag", "can not be greater than input's length 4, but got 7");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w, Tensor.From(new long[] { 0, 2 }), "mean", Tensor.Ones(4)), "embedding_bag", "per_sample_weights is only supported for mode='sum' (got mode='mean')");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w, Tensor.From(new long[] { 0, 2 }), "sum", Tensor.Ones(3)), "embedding_bag", "per_sample_weights ([3])", "same shape as the input ([4])");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1, w, Tensor.From(new long[] { 0 }), "median"), "embedding_bag", "sum, mean or max", "median");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.EmbeddingBag(Tensor.From(new long[] { 1, 12 }), w, Tensor.From(new long[] { 0 })), "embedding_bag", "index 12", "10 embeddings");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1.View(1, 2, 2), w), "embedding_bag", "1D or 2D", "dimension 3");
        TensorAssert.Throws<ArgumentException>(() => F.EmbeddingBag(x1.Double(), w, Tensor.From(new long[] { 0 })), "embedding_bag", "float64");
        TensorAssert.Throws<ArgumentException>(() => new EmbeddingBag(4, 2, paddingIdx: 4), "Padding_idx must be within num_embeddings");
    }
}
