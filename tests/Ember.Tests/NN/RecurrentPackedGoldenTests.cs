using System.Text.Json;
using Ember.NN;
using Xunit;
using static Ember.NN.Utils.Rnn;

namespace Ember.Tests.NN;

/// <summary>
/// Packed sequences against tests/golden/nn_recurrent_packed.py: the packing of padded batches (sorted
/// and unsorted), RNN, LSTM and GRU run on them (outputs, final states, gradients to the padded input,
/// the initial states and every parameter), and the utilities with their gradients.
/// </summary>
[Collection("DefaultGenerator")]
public class RecurrentPackedGoldenTests
{
    private static Golden G => Golden.Load("nn_recurrent_packed");

    private static readonly JsonElement Meta = Golden.Load("nn_recurrent_packed").Meta;

    private static readonly Dictionary<string, Func<Module>> Makers = new()
    {
        ["rnn_sorted"] = () => new RNN(4, 5),
        ["rnn_unsorted_bidir_2layer_h0"] = () => new RNN(4, 5, numLayers: 2, bidirectional: true, nonlinearity: "relu"),
        ["lstm_sorted_batchfirst"] = () => new LSTM(4, 5, batchFirst: true),
        ["lstm_unsorted_bidir_2layer_h0"] = () => new LSTM(4, 5, numLayers: 2, bidirectional: true),
        ["lstm_proj_unsorted_batchfirst"] = () => new LSTM(4, 6, numLayers: 2, projSize: 3, batchFirst: true),
        ["gru_sorted_2layer"] = () => new GRU(4, 5, numLayers: 2),
        ["gru_unsorted_bidir_2layer_h0"] = () => new GRU(4, 5, numLayers: 2, bidirectional: true),
        ["lstm_float64_unsorted_bidir"] = () => new LSTM(3, 4, numLayers: 2, bidirectional: true, dtype: DType.Float64),
    };

    public static TheoryData<string> Cases => new(Makers.Keys);

    [Fact]
    public void EveryCaseOfTheScriptIsRun() =>
        Assert.Equal(Meta.GetProperty("cases").EnumerateObject().Select(p => p.Name).Order(), Makers.Keys.Order());

    [Theory, MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var g = G;
        var meta = Meta.GetProperty("cases").GetProperty(name);
        Tensor.ManualSeed(meta.GetProperty("seed").GetInt32());
        var m = Makers[name]();
        m.Eval();
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Equal(g[$"{name}_p_{n}"], p.Detach());

        long[] lengths = meta.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        bool batchFirst = meta.GetProperty("batch_first").GetBoolean();
        bool enforceSorted = meta.GetProperty("enforce_sorted").GetBoolean();
        Tensor x = g[name + "_x"].RequiresGrad_();
        Tensor? h0 = g.Has(name + "_h0") ? g[name + "_h0"].RequiresGrad_() : null;
        Tensor? c0 = g.Has(name + "_c0") ? g[name + "_c0"].RequiresGrad_() : null;

        var packed = PackPaddedSequence(x, Tensor.From(lengths), batchFirst, enforceSorted);
        TensorAssert.Equal(g[name + "_data"], packed.Data.Detach());
        TensorAssert.Equal(g[name + "_batch_sizes"], packed.BatchSizes);
        Assert.Equal(g.Has(name + "_sorted"), packed.SortedIndices is not null);
        if (packed.SortedIndices is not null)
        {
            TensorAssert.Equal(g[name + "_sorted"], packed.SortedIndices);
            TensorAssert.Equal(g[name + "_unsorted"], packed.UnsortedIndices!);
        }

        PackedSequence y;
        var outputs = new Dictionary<string, Tensor>();
        switch (m)
        {
            case RNN r: (y, outputs["hn"]) = r.Call(packed, h0); break;
            case GRU r: (y, outputs["hn"]) = r.Call(packed, h0); break;
            case LSTM r:
            {
                (y, var (h, c)) = r.Call(packed, h0 is null ? null : (h0, c0!));
                (outputs["hn"], outputs["cn"]) = (h, c);
                break;
            }
            default: throw new InvalidOperationException(m.GetType().Name);
        }
        TensorAssert.Close(g[name + "_y"], y.Data.Detach());
        Assert.Same(packed.BatchSizes, y.BatchSizes);
        var (ypad, ylen) = PadPackedSequence(y, batchFirst);
        TensorAssert.Equal(g[name + "_ylen"], ylen);
        outputs["ypad"] = ypad;

        Tensor loss = Tensor.Zeros([], x.DType);
        foreach (var (k, t) in outputs)
        {
            TensorAssert.Close(g[$"{name}_{k}"], t.Detach());
            loss = loss + (t * g[$"{name}_g{k}"]).Sum();
        }
        loss.Backward();
        TensorAssert.Close(g[name + "_gx"], x.Grad!);
        if (h0 is not null) TensorAssert.Close(g[name + "_gh0"], h0.Grad!);
        if (c0 is not null) TensorAssert.Close(g[name + "_gc0"], c0.Grad!);
        foreach (var (n, p) in m.NamedParameters()) TensorAssert.Close(g[$"{name}_g_{n}"], p.Grad!);
    }

    public static TheoryData<string> Utilities => new("pad", "pad_batchfirst_value", "pack_unsorted", "roundtrip_total");

    [Theory, MemberData(nameof(Utilities))]
    public void UtilitiesMatchPyTorchWithGradients(string name)
    {
        var g = G;
        var seqs = Enumerable.Range(0, 3).Select(i => g[$"seq_{i}"].RequiresGrad_()).ToArray();
        Tensor result = name switch
        {
            "pad" => PadSequence(seqs),
            "pad_batchfirst_value" => PadSequence(seqs, batchFirst: true, paddingValue: -1.5),
            "pack_unsorted" => PackSequence(seqs, enforceSorted: false).Data,
            _ => PadPackedSequence(PackSequence(seqs, enforceSorted: false), batchFirst: true, paddingValue: 2.0, totalLength: 6).Output,
        };
        TensorAssert.Equal(g[name + "_out"], result.Detach());
        (result * g[name + "_g"]).Sum().Backward();
        for (int i = 0; i < 3; i++) TensorAssert.Equal(g[$"{name}_gseq_{i}"], seqs[i].Grad!);
        if (name == "pack_unsorted")
        {
            var p = PackSequence(seqs, enforceSorted: false);
            TensorAssert.Equal(g["pack_unsorted_batch_sizes"], p.BatchSizes);
            TensorAssert.Equal(g["pack_unsorted_sorted"], p.SortedIndices!);
        }
    }
}
