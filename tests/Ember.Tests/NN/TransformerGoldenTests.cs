using System.Text.Json;
using Ember.NN;
using Ember.Serialization;
using Ember.Tests.Serialization;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The Transformer layers against tests/golden/nn_transformer.py: for each case PyTorch's parameter names,
/// order and initial values after the same seed, its state dict keys, its printed form, the output (eval
/// mode, or training mode with PyTorch's dropout draws) and the gradients of the inputs and every
/// parameter; a state dict written by torch.save.
/// </summary>
[Collection("DefaultGenerator")]
public class TransformerGoldenTests
{
    private static Golden G => Golden.Load("nn_transformer");

    private static JsonElement Cases => G.Meta.GetProperty("cases");

    public static TheoryData<string> AllCases => new(Cases.EnumerateObject().Select(p => p.Name).Where(n => n != "statedict"));

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static Func<Tensor, Tensor>? Callable(string activation) => activation == "callable:tanh" ? x => x.Tanh() : null;

    /// <summary>The script's activation modules ("module:..."), as PyTorch's <c>activation=nn.GELU(approximate="tanh")</c> etc.</summary>
    private static Module<Tensor, Tensor>? ActivationModule(string activation) => activation switch
    {
        "module:gelu_tanh" => new GELU("tanh"),
        "module:prelu" => new PReLU(),
        "module:relu" => new ReLU(),
        _ => null,
    };

    private static TransformerEncoderLayer EncoderLayer(JsonElement c, DType dtype)
    {
        var (d, h, ff, drop, act, eps, bf, nf) = LayerArgs(c);
        return ActivationModule(act) is { } module ? new TransformerEncoderLayer(d, h, module, ff, drop, eps, bf, nf, dtype)
            : Callable(act) is { } fn ? new TransformerEncoderLayer(d, h, fn, ff, drop, eps, bf, nf, dtype)
            : new TransformerEncoderLayer(d, h, ff, drop, act, eps, bf, nf, dtype);
    }

    private static TransformerDecoderLayer DecoderLayer(JsonElement c, DType dtype)
    {
        var (d, h, ff, drop, act, eps, bf, nf) = LayerArgs(c);
        return ActivationModule(act) is { } module ? new TransformerDecoderLayer(d, h, module, ff, drop, eps, bf, nf, dtype)
            : Callable(act) is { } fn ? new TransformerDecoderLayer(d, h, fn, ff, drop, eps, bf, nf, dtype)
            : new TransformerDecoderLayer(d, h, ff, drop, act, eps, bf, nf, dtype);
    }

    private static (int D, int H, int Ff, double Dropout, string Act, double Eps, bool Bf, bool Nf) LayerArgs(JsonElement c)
    {
        double Num(string n, double dflt) => c.TryGetProperty(n, out var e) ? e.GetDouble() : dflt;
        bool Bool(string n) => c.TryGetProperty(n, out var e) && e.GetBoolean();
        return (c.GetProperty("d_model").GetInt32(), c.GetProperty("nhead").GetInt32(), (int)Num("dim_feedforward", 2048), Num("dropout", 0.1),
            c.TryGetProperty("activation", out var a) ? a.GetString()! : "relu", Num("layer_norm_eps", 1e-5), Bool("batch_first"), Bool("norm_first"));
    }

    /// <summary>Builds the case's module as the script did (after the caller seeds the generator).</summary>
    internal static Module Make(JsonElement meta, DType dtype)
    {
        var c = meta.GetProperty("ctor");
        string kind = meta.GetProperty("kind").GetString()!;
        int Layers() => meta.GetProperty("num_layers").GetInt32();
        LayerNorm? Norm() => meta.GetProperty("final_norm").GetBoolean() ? new LayerNorm(c.GetProperty("d_model").GetInt32(), dtype: dtype) : null;
        switch (kind)
        {
            case "encoder_layer": return EncoderLayer(c, dtype);
            case "decoder_layer": return DecoderLayer(c, dtype);
            case "encoder": { var layer = EncoderLayer(c, dtype); return new TransformerEncoder(layer, Layers(), Norm()); }
            case "decoder": { var layer = DecoderLayer(c, dtype); return new TransformerDecoder(layer, Layers(), Norm()); }
            default:
                var (d, h, ff, drop, act, eps, bf, nf) = LayerArgs(c);
                if (ActivationModule(act) is { } module)
                    return new Transformer(module, d, h, c.GetProperty("num_encoder_layers").GetInt32(), c.GetProperty("num_decoder_layers").GetInt32(), ff, drop,
                        layerNormEps: eps, batchFirst: bf, normFirst: nf, dtype: dtype);
                return new Transformer(d, h, c.GetProperty("num_encoder_layers").GetInt32(), c.GetProperty("num_decoder_layers").GetInt32(), ff, drop, act,
                    layerNormEps: eps, batchFirst: bf, normFirst: nf, dtype: dtype);
        }
    }

    private static Tensor Run(Module m, string name, Func<string, Tensor?> get, Func<string, Tensor> causalOr) => m switch
    {
        TransformerEncoderLayer l => l.Call(get("src")!, causalOr("src_mask"), get("src_key_padding_mask")),
        TransformerDecoderLayer l => l.Call(get("tgt")!, get("memory")!, causalOr("tgt_mask"), get("memory_mask"), get("tgt_key_padding_mask"), get("memory_key_padding_mask")),
        TransformerEncoder e => e.Call(get("src")!, causalOr("mask"), get("src_key_padding_mask")),
        TransformerDecoder d => d.Call(get("tgt")!, get("memory")!, causalOr("tgt_mask"), get("memory_mask"), get("tgt_key_padding_mask"), get("memory_key_padding_mask")),
        Transformer t => t.Call(get("src")!, get("tgt")!, causalOr("src_mask"), causalOr("tgt_mask"), get("memory_mask"),
            get("src_key_padding_mask"), get("tgt_key_padding_mask"), get("memory_key_padding_mask")),
        _ => throw new InvalidOperationException(name),
    };

    [Theory, MemberData(nameof(AllCases))]
    public void MatchesPyTorch(string name)
    {
        var g = G;
        var meta = Cases.GetProperty(name);
        string first = g.Has(name + "_src") ? "_src" : "_tgt";
        var dtype = g[name + first].DType;
        Tensor.ManualSeed(meta.GetProperty("seed").GetInt32());
        var m = Make(meta, dtype);

        Assert.Equal(Strings(meta.GetProperty("params")), m.NamedParameters().Select(p => p.Name).ToArray());
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Equal(g[$"{name}_p_{n}"], p.Detach());
        Assert.Equal(Strings(meta.GetProperty("state_dict")), m.StateDict().Keys.ToArray());
        Assert.Equal(meta.GetProperty("repr").GetString(), m.ToString());

        m.Train(meta.GetProperty("train").GetBoolean());
        bool noGrad = meta.GetProperty("no_grad").GetBoolean();
        var inputs = new Dictionary<string, Tensor>();
        foreach (var k in new[] { "src", "tgt", "memory" })
            if (g.Has($"{name}_{k}")) inputs[k] = noGrad ? g[$"{name}_{k}"] : g[$"{name}_{k}"].RequiresGrad_();
        var causal = Strings(meta.GetProperty("causal"));
        Tensor? Get(string k) => inputs.TryGetValue(k, out var t) ? t : g.Has($"{name}_{k}") ? g[$"{name}_{k}"] : null;
        // The masks made by generate_square_subsequent_mask are made by Ember's, and checked to be PyTorch's.
        Tensor CausalOr(string k)
        {
            var stored = Get(k);
            if (!causal.Contains(k)) return stored!;
            var mine = Transformer.GenerateSquareSubsequentMask(stored!.Shape[0], dtype: stored.DType);
            TensorAssert.Equal(stored, mine);
            return mine;
        }
        if (meta.TryGetProperty("dropout_seed", out var ds)) Tensor.ManualSeed(ds.GetInt32());

        Tensor y;
        if (noGrad)
        {
            using (Ember.Autograd.NoGrad()) y = Run(m, name, Get, CausalOr);
            TensorAssert.Close(g[name + "_y"], y);
            return;
        }
        y = Run(m, name, Get, k => Get(k) is null ? null! : CausalOr(k));
        TensorAssert.Close(g[name + "_y"], y.Detach());
        (y * g[name + "_gy"]).Sum().Backward();
        foreach (var (k, t) in inputs) GradClose(g[$"{name}_g_{k}"], t.Grad!);
        foreach (var (n, p) in m.NamedParameters()) GradClose(g[$"{name}_g_{n}"], p.Grad!);
    }

    // A gradient of a stack of layers sums many terms that cancel, so its small elements carry rounding
    // noise of the size of the tensor's large ones: PyTorch's own float32 gradients of the "transformer"
    // case differ from its float64 ones by up to 3e-7 of the tensor's largest element (1e-1 relative in
    // the smallest). Elements are compared to 1e-5 (float64: 1e-10) of their own size plus of that scale.
    private static void GradClose(Tensor expected, Tensor actual)
    {
        double scale = expected.Abs().Max().Double().Item<double>();
        double rtol = expected.DType == DType.Float64 ? 1e-10 : 1e-5;
        TensorAssert.Close(expected, actual, rtol, rtol * scale + (expected.DType == DType.Float64 ? 1e-12 : 1e-6));
    }

    [Fact]
    public void GenerateSquareSubsequentMaskIsPyTorchs()
    {
        var mask = Transformer.GenerateSquareSubsequentMask(4);
        TensorAssert.Equal(G["square_subsequent_mask_4"], mask);
        Assert.Equal(DType.Float32, mask.DType);
        Assert.Equal(DType.Float64, Transformer.GenerateSquareSubsequentMask(3, dtype: DType.Float64).DType);
    }

    [Fact]
    public void AStateDictSavedByPyTorchLoadsAndGivesPyTorchsOutput()
    {
        var g = G;
        var meta = Cases.GetProperty("statedict");
        var sd = TorchFile.LoadStateDict(Fixtures.Path_("transformer_state.pt"));
        Assert.Equal(Strings(meta.GetProperty("state_dict")), sd.Keys.ToArray());
        var c = meta.GetProperty("ctor");
        Transformer Build() => new(c.GetProperty("d_model").GetInt32(), c.GetProperty("nhead").GetInt32(), c.GetProperty("num_encoder_layers").GetInt32(),
            c.GetProperty("num_decoder_layers").GetInt32(), c.GetProperty("dim_feedforward").GetInt32());
        var m = Build();
        var result = m.LoadStateDict(sd);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(sd.Keys, m.StateDict().Keys);
        m.Eval();
        var mask = Transformer.GenerateSquareSubsequentMask(4);
        TensorAssert.Close(g["statedict_y"], m.Call(g["statedict_src"], g["statedict_tgt"], tgtMask: mask).Detach());

        // And back: Ember's state dict written with torch.save's layout gives the same model.
        string path = Path.Combine(Fixtures.TempDir(), "transformer_state.pt");
        TorchFile.Save(m.StateDict(), path);
        var copy = Build();
        copy.LoadStateDict(TorchFile.LoadStateDict(path));
        copy.Eval();
        TensorAssert.Close(g["statedict_y"], copy.Call(g["statedict_src"], g["statedict_tgt"], tgtIsCausal: true).Detach());
    }
}
