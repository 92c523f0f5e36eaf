using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The CTC loss against PyTorch (tests/golden/nn_ctc.py): values, the gradient PyTorch gives
/// log_probs and the gradient through log_softmax, per reduction, in float64 and float32; the module;
/// PyTorch's argument checks. The float64 gradcheck is in GradCases.Losses.cs.
/// </summary>
public class CtcLossTests
{
    private static Golden G => Golden.Load("nn_ctc");

    private static readonly string[] CaseNames = ["padded", "concat_blank_last", "blank_mid", "zero_inf", "inf", "unbatched"];
    private static readonly (string Name, Reduction Reduction)[] Reductions = [("none", Reduction.None), ("mean", Reduction.Mean), ("sum", Reduction.Sum)];

    public static TheoryData<string, string, string> Cases()
    {
        var d = new TheoryData<string, string, string>();
        foreach (var c in CaseNames) foreach (var tag in new[] { "f64", "f32" }) foreach (var (r, _) in Reductions) d.Add(c, tag, r);
        return d;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ValueAndGradientsMatchPyTorch(string name, string tag, string red)
    {
        string p = $"{name}.{tag}.";
        var meta = G.Meta.GetProperty(name);
        int blank = meta.GetProperty("blank").GetInt32();
        bool zeroInf = meta.GetProperty("zero_infinity").GetBoolean();
        var reduction = Reductions.Single(r => r.Name == red).Reduction;
        double rtol = tag == "f32" ? 1e-4 : 1e-9, atol = tag == "f32" ? 1e-5 : 1e-11;
        Tensor gout = red == "none" ? G[p + "gout"] : Tensor.Ones([], G[p + "log_probs"].DType);

        var lp = G[p + "log_probs"].RequiresGrad_();
        var loss = F.CtcLoss(lp, G[p + "targets"], G[p + "input_lengths"], G[p + "target_lengths"], blank, reduction, zeroInf);
        TensorAssert.Close(G[p + red + ".value"], loss, rtol, atol);
        if (name == "inf" && red != "none") return;   // inf loss: PyTorch's gradient is NaN where the sample is impossible, checked below for none
        loss.Backward(gout);
        TensorAssert.Close(G[p + red + ".grad"], lp.Grad!, rtol, atol);

        var z = G[p + "logits"].RequiresGrad_();
        var loss2 = F.CtcLoss(z.LogSoftmax(-1), G[p + "targets"], G[p + "input_lengths"], G[p + "target_lengths"], blank, reduction, zeroInf);
        loss2.Backward(gout);
        TensorAssert.Close(G[p + red + ".grad_logits"], z.Grad!, rtol, atol);
    }

    [Fact]
    public void LengthsAsArraysAndTheModuleGiveTheSameLoss()
    {
        const string p = "padded.f64.";
        var lp = G[p + "log_probs"];
        int[] il = G[p + "input_lengths"].ToArray<long>().Select(v => (int)v).ToArray();
        int[] tl = G[p + "target_lengths"].ToArray<long>().Select(v => (int)v).ToArray();
        TensorAssert.Close(G[p + "mean.value"], F.CtcLoss(lp, G[p + "targets"], il, tl));
        TensorAssert.Close(G[p + "sum.value"], new CtcLoss(reduction: Reduction.Sum).Forward(lp, G[p + "targets"], il, tl));
        TensorAssert.Close(G[p + "none.value"], new CtcLoss(reduction: Reduction.None).Call(lp, G[p + "targets"], G[p + "input_lengths"], G[p + "target_lengths"]));
        Assert.Equal("CTCLoss()", new CtcLoss(3, zeroInfinity: true).ToString());
        Assert.Empty(new CtcLoss().StateDict());
    }

    [Fact]
    public void AnEmptyTargetOverNoFramesCostsNothing()
    {
        var lp = Tensor.Randn(3, 2, 4).LogSoftmax(2);
        var loss = F.CtcLoss(lp, Tensor.From(new long[] { 1 }), new[] { 0, 0 }, new[] { 0, 1 }, reduction: Reduction.None);
        TensorAssert.Close(Tensor.From(new float[] { 0, float.PositiveInfinity }), loss);
    }

    [Fact]
    public void BadArgumentsNameTheOpAndWhatWasExpected()
    {
        var lp = Tensor.Randn(3, 2, 4).LogSoftmax(2);
        var tg = Tensor.From(new long[] { 1, 2, 1, 1 }).View(2, 2);
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, new[] { 4, 3 }, new[] { 1, 2 }), "ctc_loss", "Expected input_lengths to have value at most 3", "got value 4");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, new[] { 3, 3 }, new[] { 1, 3 }), "ctc_loss", "size at least 3", "[2, 2]");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, new[] { 3, 3 }, new[] { 1, 2 }, blank: 4), "ctc_loss", "blank must be in label range [0, 4)");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, Tensor.From(new long[] { 1, 2 }), new[] { 3, 3 }, new[] { 1, 2 }), "ctc_loss", "sum of target_lengths (3)", "[2]");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, new[] { 3, 3, 3 }, new[] { 1, 2 }), "ctc_loss", "input_lengths must be of size batch_size (2)");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, Tensor.From(new[] { 3.0, 3.0 }), Tensor.From(new long[] { 1, 2 })), "ctc_loss", "input_lengths must be integral", "float64");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg, new[] { 3, -1 }, new[] { 1, 2 }), "ctc_loss", "got value -1");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, Tensor.From(new long[] { 1, 2, 1, 5 }).View(2, 2), new[] { 3, 3 }, new[] { 1, 2 }), "ctc_loss", "label 5", "[0, 4)");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp, tg.Double(), new[] { 3, 3 }, new[] { 1, 2 }), "ctc_loss", "targets must be integral");
        TensorAssert.Throws<ArgumentException>(() => F.CtcLoss(lp[0, 0], tg, new[] { 3, 3 }, new[] { 1, 2 }), "ctc_loss", "[T, N, C]", "[4]");
        TensorAssert.Throws<ArgumentException>(() => new CtcLoss(reduction: Reduction.BatchMean), "ctc_loss", "batchmean");
    }
}
