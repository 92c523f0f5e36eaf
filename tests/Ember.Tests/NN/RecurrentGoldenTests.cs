using System.Text.Json;
using Ember.NN;
using Ember.Serialization;
using Ember.Tests.Serialization;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The recurrent layers and cells against tests/golden/nn_recurrent.py: for each seeded construction,
/// PyTorch's parameter names, order and initial values, the output, final states and every gradient;
/// a state dict written by torch.save; the printed forms.
/// </summary>
[Collection("DefaultGenerator")]
public class RecurrentGoldenTests
{
    private static Golden G => Golden.Load("nn_recurrent");

    private static readonly JsonElement Meta = Golden.Load("nn_recurrent").Meta;

    // The same constructions as the script's, case by case.
    private static readonly Dictionary<string, Func<Module>> Makers = new()
    {
        ["rnn_tanh"] = () => new RNN(4, 5),
        ["rnn_relu_2layer_h0"] = () => new RNN(4, 5, numLayers: 2, nonlinearity: "relu"),
        ["rnn_bidir_batchfirst"] = () => new RNN(4, 5, bidirectional: true, batchFirst: true),
        ["rnn_unbatched_nobias"] = () => new RNN(4, 5, bias: false),
        ["lstm_basic"] = () => new LSTM(4, 5),
        ["lstm_2layer_bidir_h0"] = () => new LSTM(4, 5, numLayers: 2, bidirectional: true),
        ["lstm_proj_2layer_h0"] = () => new LSTM(4, 6, numLayers: 2, projSize: 3),
        ["lstm_proj_bidir_batchfirst"] = () => new LSTM(4, 6, bidirectional: true, batchFirst: true, projSize: 3),
        ["lstm_unbatched_h0"] = () => new LSTM(4, 5, numLayers: 2),
        ["lstm_nobias_2layer"] = () => new LSTM(4, 5, numLayers: 2, bias: false),
        ["lstm_dropout_train"] = () => new LSTM(4, 5, numLayers: 3, dropout: 0.5),
        ["gru_basic"] = () => new GRU(4, 5),
        ["gru_2layer_bidir_h0"] = () => new GRU(4, 5, numLayers: 2, bidirectional: true),
        ["gru_batchfirst_nobias"] = () => new GRU(4, 5, bias: false, batchFirst: true),
        ["gru_unbatched_bidir_h0"] = () => new GRU(4, 5, bidirectional: true),
        ["gru_dropout_train"] = () => new GRU(4, 5, numLayers: 2, dropout: 0.3, bidirectional: true),
        ["lstm_float64"] = () => new LSTM(3, 4, numLayers: 2, bidirectional: true, projSize: 2, dtype: DType.Float64),
        ["gru_float64"] = () => new GRU(3, 4, numLayers: 2, dtype: DType.Float64),
        ["rnncell_tanh_h0"] = () => new RNNCell(4, 5),
        ["rnncell_relu_nobias"] = () => new RNNCell(4, 5, bias: false, nonlinearity: "relu"),
        ["lstmcell_h0"] = () => new LSTMCell(4, 5),
        ["lstmcell_unbatched"] = () => new LSTMCell(4, 5),
        ["grucell_h0"] = () => new GRUCell(4, 5),
        ["grucell_unbatched_nobias_h0"] = () => new GRUCell(4, 5, bias: false),
    };

    public static TheoryData<string> Cases => new(Makers.Keys);

    [Fact]
    public void EveryCaseOfTheScriptIsRun()
    {
        var scripted = Meta.GetProperty("cases").EnumerateObject().Select(p => p.Name).Where(n => n != "statedict").Order();
        Assert.Equal(scripted, Makers.Keys.Order());
    }

    [Theory, MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var g = G;
        var meta = Meta.GetProperty("cases").GetProperty(name);
        Tensor.ManualSeed(meta.GetProperty("seed").GetInt32());
        var m = Makers[name]();

        var names = meta.GetProperty("params").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(names, m.NamedParameters().Select(p => p.Name).ToArray());
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Equal(g[$"{name}_p_{n}"], p.Detach());
        Assert.Equal(meta.GetProperty("repr").GetString(), m.ToString());

        Tensor x = g[name + "_x"].RequiresGrad_();
        Tensor? h0 = g.Has(name + "_h0") ? g[name + "_h0"].RequiresGrad_() : null;
        Tensor? c0 = g.Has(name + "_c0") ? g[name + "_c0"].RequiresGrad_() : null;
        if (meta.TryGetProperty("dropout_seed", out var ds)) Tensor.ManualSeed(ds.GetInt32());
        else m.Eval();

        var outputs = new Dictionary<string, Tensor>();
        switch (m)
        {
            case RNN r: (outputs["y"], outputs["hn"]) = r.Call(x, h0); break;
            case GRU r: (outputs["y"], outputs["hn"]) = r.Call(x, h0); break;
            case LSTM r:
            {
                var (y, (h, c)) = r.Call(x, h0 is null ? null : (h0, c0!));
                (outputs["y"], outputs["hn"], outputs["cn"]) = (y, h, c);
                break;
            }
            case RNNCell r: outputs["y"] = r.Call(x, h0); break;
            case GRUCell r: outputs["y"] = r.Call(x, h0); break;
            case LSTMCell r: (outputs["y"], outputs["cn"]) = r.Call(x, h0 is null ? null : (h0, c0!)); break;
            default: throw new InvalidOperationException(m.GetType().Name);
        }

        Tensor loss = Tensor.Zeros([], x.DType);
        foreach (var (k, t) in outputs)
        {
            TensorAssert.Close(g[$"{name}_{k}"], t.Detach());
            loss = loss + (t * g[$"{name}_g{k}"]).Sum();
        }
        Assert.Equal(outputs.Keys.Order(), new[] { "y", "hn", "cn" }.Where(k => g.Has($"{name}_{k}")).Order());
        loss.Backward();
        TensorAssert.Close(g[name + "_gx"], x.Grad!);
        if (h0 is not null) TensorAssert.Close(g[name + "_gh0"], h0.Grad!);
        if (c0 is not null) TensorAssert.Close(g[name + "_gc0"], c0.Grad!);
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Close(g[$"{name}_g_{n}"], p.Grad!);
    }

    [Fact]
    public void AStateDictSavedByPyTorchLoadsAndGivesPyTorchsOutput()
    {
        var g = G;
        var sd = TorchFile.LoadStateDict(Fixtures.Path_("lstm_state.pt"));
        var names = Meta.GetProperty("cases").GetProperty("statedict").GetProperty("params").EnumerateArray().Select(e => e.GetString()!);
        Assert.Equal(names, sd.Keys);
        var lstm = new LSTM(4, 6, numLayers: 2, bidirectional: true, projSize: 3);
        var result = lstm.LoadStateDict(sd);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        var (y, (h, c)) = lstm.Call(g["statedict_x"]);
        TensorAssert.Close(g["statedict_y"], y.Detach());
        TensorAssert.Close(g["statedict_hn"], h.Detach());
        TensorAssert.Close(g["statedict_cn"], c.Detach());
        Assert.Equal(sd.Keys, lstm.StateDict().Keys);
    }

    [Fact]
    public void AStateDictWrittenByEmberLoadsBackWithPyTorchsLayout()
    {
        var g = G;
        var source = new LSTM(4, 6, numLayers: 2, bidirectional: true, projSize: 3);
        source.LoadStateDict(TorchFile.LoadStateDict(Fixtures.Path_("lstm_state.pt")));
        string path = Path.Combine(Fixtures.TempDir(), "lstm.pt");
        TorchFile.Save(source.StateDict(), path);
        var back = TorchFile.LoadStateDict(path);
        Assert.Equal(source.StateDict().Keys, back.Keys);
        var copy = new LSTM(4, 6, numLayers: 2, bidirectional: true, projSize: 3);
        copy.LoadStateDict(back);
        TensorAssert.Close(g["statedict_y"], copy.Call(g["statedict_x"]).Output.Detach());
    }

    [Fact]
    public void ModulesPrintLikePyTorch()
    {
        string Repr(string key) => Meta.GetProperty("repr").GetProperty(key).GetString()!;
        Assert.Equal(Repr("lstm_full"), new LSTM(10, 20, 2, batchFirst: true, dropout: 0.5, bidirectional: true, projSize: 5, bias: false).ToString());
        Assert.Equal(Repr("rnn_relu"), new RNN(10, 20, nonlinearity: "relu").ToString());
        Assert.Equal(Repr("gru"), new GRU(3, 4, numLayers: 3).ToString());
        Assert.Equal(Repr("grucell_nobias"), new GRUCell(3, 4, bias: false).ToString());
        Assert.Equal(Repr("rnncell_relu"), new RNNCell(3, 4, nonlinearity: "relu").ToString());
        Assert.Equal(Repr("lstmcell"), new LSTMCell(3, 4).ToString());
    }
}
