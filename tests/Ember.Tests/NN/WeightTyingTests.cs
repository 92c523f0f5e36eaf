using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>Weight tying as PyTorch does it (<c>decoder.weight = encoder.weight</c>), against tests/golden/nn_weight_tying.py.</summary>
[Collection("DefaultGenerator")] // seeds the default generator and draws initial weights from it
public class WeightTyingTests
{
    private static readonly Golden G = Golden.Load("nn_weight_tying");

    private sealed class TiedLM : Module<Tensor, Tensor>
    {
        public TiedLM()
        {
            Encoder = new Embedding(10, 6);
            Decoder = new Linear(6, 10);
            Decoder.Weight = Encoder.Weight;
        }

        public Embedding Encoder { get; }
        public Linear Decoder { get; }

        public override Tensor Forward(Tensor x) => Decoder.Forward(Encoder.Forward(x).Tanh());
    }

    [Fact]
    public void TiedWeightsTrainAsOneLikePyTorch()
    {
        Tensor.ManualSeed(0);
        var m = new TiedLM();
        Assert.Same(m.Encoder.Weight, m.Decoder.Weight);
        Assert.Equal(["encoder.weight", "decoder.bias"], m.NamedParameters().Select(p => p.Name));
        Assert.Equal(2, m.Parameters().Count());
        Assert.Equal(["encoder.weight", "decoder.weight", "decoder.bias"], m.StateDict().Keys);
        // The same seed gives PyTorch's weights: the decoder's own weight was drawn and then dropped, as there.
        TensorAssert.Equal(G["init.encoder.weight"], m.Encoder.Weight.Detach());
        TensorAssert.Equal(G["init.decoder.bias"], m.Decoder.Bias!.Detach());

        var tokens = G["tokens"];
        var input = tokens[.., ..^1];
        var target = tokens[.., 1..].Reshape(-1);
        var opt = new Sgd(m.Parameters(), lr: 0.5, momentum: 0.9);
        for (int s = 0; s < 3; s++)
        {
            opt.ZeroGrad();
            var loss = F.CrossEntropy(m.Forward(input).Reshape(-1, 10), target);
            loss.Backward();
            // Both uses' gradients land in the one tensor.
            if (s == 0) TensorAssert.Close(G["grad0.encoder.weight"], m.Encoder.Weight.Grad!, 1e-5, 1e-6);
            opt.Step();
            TensorAssert.Close(G[$"loss{s}"], loss.Detach(), 1e-5, 1e-6);
            TensorAssert.Close(G[$"after{s}.encoder.weight"], m.Encoder.Weight.Detach(), 1e-5, 1e-6);
            TensorAssert.Close(G[$"after{s}.decoder.bias"], m.Decoder.Bias!.Detach(), 1e-5, 1e-6);
            Assert.Same(m.Encoder.Weight, m.Decoder.Weight);
        }
    }

    [Fact]
    public void LoadStateDictFillsTheTiedTensorUnderBothNames()
    {
        Tensor.ManualSeed(0);
        var trained = new TiedLM();
        using (Ember.Autograd.NoGrad()) trained.Encoder.Weight.Add_(1.0);
        Tensor.ManualSeed(1);
        var fresh = new TiedLM();
        var r = fresh.LoadStateDict(trained.StateDict());
        Assert.Empty(r.MissingKeys);
        Assert.Empty(r.UnexpectedKeys);
        TensorAssert.Equal(trained.Encoder.Weight.Detach(), fresh.Decoder.Weight.Detach());
        Assert.Same(fresh.Encoder.Weight, fresh.Decoder.Weight);
    }

    [Fact]
    public void SetParameterReplacesRegistersAndRefuses()
    {
        var emb = new Embedding(4, 3);
        var lin = new Linear(3, 4);
        lin.SetParameter("weight", emb.Weight);
        Assert.Same(emb.Weight, lin.Weight);
        lin.SetParameter("bias", null);
        Assert.Null(lin.Bias);
        Assert.Equal(["weight"], lin.NamedParameters().Select(p => p.Name));
        var extra = new Parameter(Tensor.Ones(2));
        lin.SetParameter("scale", extra);
        Assert.Equal(["weight", "scale"], lin.NamedParameters().Select(p => p.Name));
        var other = new Parameter(Tensor.Zeros(2));
        lin.SetParameter("scale", other);
        Assert.Same(other, lin.NamedParameters().Last().Parameter);

        Assert.Equal("Linear.SetParameter: 'weight' can't be null in this module.", Assert.Throws<ArgumentException>(() => lin.SetParameter("weight", null)).Message);
        Assert.Throws<ArgumentNullException>(() => lin.Weight = null!);
        var bn = new BatchNorm1d(3);
        Assert.Equal("BatchNorm1d.SetParameter: 'running_mean' is a buffer, not a parameter.", Assert.Throws<ArgumentException>(() => bn.SetParameter("running_mean", extra)).Message);
        var seq = new Sequential(new Linear(2, 2));
        Assert.Contains("can't contain \".\"", Assert.Throws<ArgumentException>(() => seq.SetParameter("0.weight", extra)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecurrentLayersRunWithAReplacedWeight()
    {
        Tensor.ManualSeed(3);
        var lstm = new LSTM(2, 3);
        Tensor.ManualSeed(3);
        var zeroedInPlace = new LSTM(2, 3);
        using (Ember.Autograd.NoGrad()) zeroedInPlace.AllWeights[0][1].Zero_();
        var x = Tensor.Randn(4, 1, 2);

        var zero = new Parameter(Tensor.Zeros(12, 3));
        lstm.SetParameter("weight_hh_l0", zero);
        Assert.Same(zero, lstm.AllWeights[0][1]);
        Assert.Same(zero, lstm.NamedParameters().Single(p => p.Name == "weight_hh_l0").Parameter);
        var (y, _) = lstm.Forward(x);
        TensorAssert.Equal(zeroedInPlace.Forward(x).Output.Detach(), y.Detach());
        y.Sum().Backward();
        Assert.NotNull(zero.Grad);
        Assert.Throws<ArgumentException>(() => lstm.SetParameter("weight_hh_l0", null));
    }
}
