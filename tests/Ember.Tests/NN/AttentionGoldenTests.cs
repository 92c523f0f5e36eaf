using System.Text.Json;
using Ember.NN;
using Ember.Serialization;
using Ember.Tests.Serialization;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// F.ScaledDotProductAttention and nn.MultiheadAttention against tests/golden/nn_attention.py: for each
/// case the output, the returned weights and every gradient (inputs and parameters); for the module,
/// PyTorch's parameter names, order and initial values after the same seed; state dicts written by
/// torch.save; the printed forms.
/// </summary>
[Collection("DefaultGenerator")]
public class AttentionGoldenTests
{
    private static Golden G => Golden.Load("nn_attention");

    private static readonly JsonElement Meta = Golden.Load("nn_attention").Meta;

    public static TheoryData<string> SdpaCases => new(Meta.GetProperty("sdpa").EnumerateObject().Select(p => p.Name));

    public static TheoryData<string> MhaCases => new(Meta.GetProperty("cases").EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith("statedict", StringComparison.Ordinal)));

    [Theory, MemberData(nameof(SdpaCases))]
    public void ScaledDotProductAttentionMatchesPyTorch(string name)
    {
        var g = G;
        var meta = Meta.GetProperty("sdpa").GetProperty(name);
        string p = "sdpa_" + name;
        Tensor q = g[p + "_q"].RequiresGrad_(), k = g[p + "_k"].RequiresGrad_(), v = g[p + "_v"].RequiresGrad_();
        Tensor? mask = g.Has(p + "_mask") ? g[p + "_mask"] : null;
        double dropout = meta.TryGetProperty("dropout_p", out var dp) ? dp.GetDouble() : 0;
        bool causal = meta.TryGetProperty("is_causal", out var c) && c.GetBoolean();
        double? scale = meta.TryGetProperty("scale", out var s) ? s.GetDouble() : null;
        if (meta.TryGetProperty("dropout_seed", out var ds)) Tensor.ManualSeed(ds.GetInt32());

        var y = F.ScaledDotProductAttention(q, k, v, mask, dropout, causal, scale);
        TensorAssert.Close(g[p + "_y"], y.Detach());
        (y * g[p + "_gy"]).Sum().Backward();
        TensorAssert.Close(g[p + "_gq"], q.Grad!);
        TensorAssert.Close(g[p + "_gk"], k.Grad!);
        TensorAssert.Close(g[p + "_gv"], v.Grad!);
    }

    private static MultiheadAttention Make(JsonElement ctor, DType? dtype = null)
    {
        int? Int(string n) => ctor.TryGetProperty(n, out var e) ? e.GetInt32() : null;
        bool Bool(string n) => ctor.TryGetProperty(n, out var e) && e.GetBoolean();
        return new MultiheadAttention(Int("embed_dim")!.Value, Int("num_heads")!.Value,
            dropout: ctor.TryGetProperty("dropout", out var d) ? d.GetDouble() : 0,
            bias: !ctor.TryGetProperty("bias", out var b) || b.GetBoolean(),
            addBiasKv: Bool("add_bias_kv"), addZeroAttn: Bool("add_zero_attn"),
            kdim: Int("kdim"), vdim: Int("vdim"), batchFirst: Bool("batch_first"), dtype: dtype);
    }

    [Theory, MemberData(nameof(MhaCases))]
    public void MultiheadAttentionMatchesPyTorch(string name)
    {
        var g = G;
        var meta = Meta.GetProperty("cases").GetProperty(name);
        Tensor.ManualSeed(meta.GetProperty("seed").GetInt32());
        var dtype = g[name + "_q"].DType;
        var m = Make(meta.GetProperty("ctor"), dtype);

        var names = meta.GetProperty("params").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(names, m.NamedParameters().Select(p => p.Name).ToArray());
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Equal(g[$"{name}_p_{n}"], p.Detach());
        Assert.Equal(meta.GetProperty("repr").GetString(), m.ToString());

        string inputs = meta.GetProperty("inputs").GetString()!;
        Tensor q = g[name + "_q"].RequiresGrad_();
        Tensor k = inputs == "self" ? q : g[name + "_k"].RequiresGrad_();
        Tensor v = inputs == "separate" ? g[name + "_v"].RequiresGrad_() : k;
        Tensor? kpm = g.Has(name + "_kpm") ? g[name + "_kpm"] : null;
        Tensor? am = g.Has(name + "_am") ? g[name + "_am"] : null;
        bool needWeights = meta.GetProperty("need_weights").GetBoolean();
        if (meta.TryGetProperty("dropout_seed", out var ds)) Tensor.ManualSeed(ds.GetInt32());

        var (y, w) = m.Call(q, k, v, kpm, needWeights, am, meta.GetProperty("average").GetBoolean());
        TensorAssert.Close(g[name + "_y"], y.Detach());
        Tensor loss = (y * g[name + "_gy"]).Sum();
        if (needWeights)
        {
            TensorAssert.Close(g[name + "_w"], w!.Detach());
            loss = loss + (w * g[name + "_gw"]).Sum();
        }
        else Assert.Null(w);
        loss.Backward();
        TensorAssert.Close(g[name + "_gq"], q.Grad!);
        if (inputs != "self") TensorAssert.Close(g[name + "_gk"], k.Grad!);
        if (inputs == "separate") TensorAssert.Close(g[name + "_gv"], v.Grad!);
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Close(g[$"{name}_g_{n}"], p.Grad!);
    }

    [Theory, InlineData("statedict", "mha_state.pt"), InlineData("statedict_kvdim", "mha_kvdim_state.pt")]
    public void AStateDictSavedByPyTorchLoadsAndGivesPyTorchsOutput(string name, string file)
    {
        var g = G;
        var meta = Meta.GetProperty("cases").GetProperty(name);
        var sd = TorchFile.LoadStateDict(Fixtures.Path_(file));
        Assert.Equal(meta.GetProperty("params").EnumerateArray().Select(e => e.GetString()!), sd.Keys);
        var m = Make(meta.GetProperty("ctor"));
        var result = m.LoadStateDict(sd);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(sd.Keys, m.StateDict().Keys);
        var (y, w) = m.Call(g[name + "_q"], g[name + "_k"], g[name + "_v"]);
        TensorAssert.Close(g[name + "_y"], y.Detach());
        TensorAssert.Close(g[name + "_w"], w!.Detach());

        // And back: Ember's state dict written with torch.save's layout gives the same module.
        string path = Path.Combine(Fixtures.TempDir(), file);
        TorchFile.Save(m.StateDict(), path);
        var copy = Make(meta.GetProperty("ctor"));
        copy.LoadStateDict(TorchFile.LoadStateDict(path));
        TensorAssert.Close(g[name + "_y"], copy.Call(g[name + "_q"], g[name + "_k"], g[name + "_v"]).Output.Detach());
    }

    [Fact]
    public void PrintsLikePyTorch()
    {
        string Repr(string key) => Meta.GetProperty("repr").GetProperty(key).GetString()!;
        Assert.Equal(Repr("mha"), new MultiheadAttention(8, 2).ToString());
        Assert.Equal(Repr("mha_nobias_kdim"), new MultiheadAttention(8, 2, bias: false, kdim: 3).ToString());
    }
}
