using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The Transformer layers beyond the golden values: float64 gradcheck through inputs and parameters, the
/// deep copies of TransformerEncoder/Decoder, causal flags, training versus evaluation, and the error
/// messages (PyTorch 1.13's texts, recorded by tests/golden/nn_transformer.py).
/// </summary>
[Collection("DefaultGenerator")]
public class TransformerTests
{
    private static Tensor Leaf(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64).RequiresGrad_();

    private static string PyTorchError(string key) =>
        Golden.Load("nn_transformer").Meta.GetProperty("errors").GetProperty(key).GetString()!;

    // Non-zero biases and non-unit norms, so their gradients are not checked at a special point only.
    private static void Perturb(Module m)
    {
        using (Ember.Autograd.NoGrad()) foreach (var p in m.Parameters()) p.Add_(Tensor.RandnLike(p) * 0.1);
    }

    [Theory]
    [InlineData(false, "relu", false)]
    [InlineData(true, "gelu", true)]
    public void EncoderLayerPassesGradcheckThroughInputsAndParameters(bool normFirst, string activation, bool batchFirst)
    {
        Tensor.ManualSeed(4);
        var m = new TransformerEncoderLayer(4, 2, 6, activation: activation, normFirst: normFirst, batchFirst: batchFirst, dtype: DType.Float64);
        m.Eval();
        Perturb(m);
        var src = batchFirst ? Leaf(21, 2, 3, 4) : Leaf(21, 3, 2, 4);   // seq 3, batch 2
        var kpm = Tensor.From(new[] { false, false, true, false, false, false }, [2, 3]);
        var mask = Transformer.GenerateSquareSubsequentMask(3, dtype: DType.Float64);
        Tensor[] all = [src, .. m.Parameters()];
        Assert.True(Ember.Autograd.GradCheck(_ => m.Call(src, mask, kpm), all));
        // Second order through the input (the layer is composed of ops that are differentiable twice).
        Assert.True(Ember.Autograd.GradGradCheck(x => m.Call(x[0], mask, kpm), [src]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecoderLayerPassesGradcheckThroughInputsAndParameters(bool normFirst)
    {
        Tensor.ManualSeed(5);
        var m = new TransformerDecoderLayer(4, 2, 6, activation: "gelu", normFirst: normFirst, dtype: DType.Float64);
        m.Eval();
        Perturb(m);
        var tgt = Leaf(22, 3, 2, 4);
        var memory = Leaf(23, 4, 2, 4);
        var memoryKpm = Tensor.From(new[] { false, false, false, true, false, false, true, true }, [2, 4]);
        Tensor[] all = [tgt, memory, .. m.Parameters()];
        Assert.True(Ember.Autograd.GradCheck(_ => m.Call(tgt, memory, memoryKeyPaddingMask: memoryKpm, tgtIsCausal: true), all));
    }

    [Fact]
    public void StackedLayersAreIndependentCopiesOfTheGivenLayerAndDrawNothing()
    {
        Tensor.ManualSeed(6);
        var layer = new TransformerEncoderLayer(8, 2, 16);
        var before = Generator.Default.GetState();
        var encoder = new TransformerEncoder(layer, 3);
        Assert.Equal(before, Generator.Default.GetState());

        var layers = encoder.Layers.Cast<TransformerEncoderLayer>().ToArray();
        Assert.Equal(3, layers.Length);
        foreach (var l in layers)
        {
            Assert.NotSame(layer, l);
            foreach (var ((_, a), (_, b)) in layer.NamedParameters().Zip(l.NamedParameters()))
            {
                Assert.NotSame(a, b);
                TensorAssert.Equal(a.Detach(), b.Detach());
            }
        }
        using (Ember.Autograd.NoGrad()) layers[0].Linear1.Weight.Fill_(1);
        Assert.NotEqual(1f, layers[1].Linear1.Weight[0, 0].Item<float>());
        Assert.NotEqual(1f, layer.Linear1.Weight[0, 0].Item<float>());
        Assert.Equal(3 * layer.Parameters().Count(), encoder.Parameters().Count());

        // The copies keep the layer's settings, dtype and training mode.
        var dec = new TransformerDecoderLayer(6, 3, 5, dropout: 0.2, activation: "gelu", batchFirst: true, normFirst: true, dtype: DType.Float64);
        dec.Eval();
        var copy = (TransformerDecoderLayer)new TransformerDecoder(dec, 1).Layers[0];
        Assert.True(copy.BatchFirst && copy.NormFirst && !copy.Training && copy.ActivationName == "gelu" && copy.DropoutP == 0.2);
        Assert.Equal(DType.Float64, copy.Linear2.Weight.DType);
    }

    [Fact]
    public void CausalFlagsApplyTheSquareSubsequentMask()
    {
        Tensor.ManualSeed(7);
        var model = new Transformer(8, 2, 1, 2, 16, batchFirst: true);
        model.Eval();
        var src = Tensor.Randn(2, 5, 8);
        var tgt = Tensor.Randn(2, 4, 8);
        var explicitMasks = model.Call(src, tgt, Transformer.GenerateSquareSubsequentMask(5), Transformer.GenerateSquareSubsequentMask(4));
        var flags = model.Call(src, tgt, srcIsCausal: true, tgtIsCausal: true);
        TensorAssert.Close(explicitMasks, flags);

        // With a causal target mask, a later target token does not change earlier outputs.
        var tgt2 = tgt.Clone();
        tgt2[.., 3] = Tensor.Randn(2, 8);
        var y2 = model.Call(src, tgt2, tgtIsCausal: true);
        TensorAssert.Close(model.Call(src, tgt, tgtIsCausal: true)[.., 0..3], y2[.., 0..3]);
        Assert.True((flags[.., 3] - y2[.., 3]).Abs().Max().Item<float>() > 1e-3f);
    }

    [Fact]
    public void DropoutActsInTrainingModeOnly()
    {
        Tensor.ManualSeed(8);
        var m = new TransformerEncoderLayer(8, 2, 16, dropout: 0.5);
        var x = Tensor.Randn(4, 2, 8);
        var a = m.Call(x);
        var b = m.Call(x);
        Assert.True((a - b).Abs().Max().Item<float>() > 1e-3f);
        m.Eval();
        TensorAssert.Equal(m.Call(x), m.Call(x));
    }

    [Fact]
    public void UnbatchedInputGivesTheBatchedResultOfOneSequence()
    {
        Tensor.ManualSeed(9);
        var m = new Transformer(8, 2, 1, 1, 16);
        m.Eval();
        var src = Tensor.Randn(5, 8);
        var tgt = Tensor.Randn(3, 8);
        TensorAssert.Close(m.Call(src.Unsqueeze(1), tgt.Unsqueeze(1), tgtIsCausal: true).Squeeze(1), m.Call(src, tgt, tgtIsCausal: true));
    }

    [Fact]
    public void BadInputGetsPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => new TransformerEncoderLayer(10, 3), "TransformerEncoderLayer", PyTorchError("divisible"), "d_model=10", "nhead=3");
        TensorAssert.Throws<ArgumentException>(() => new TransformerDecoderLayer(10, 4), "TransformerDecoderLayer", PyTorchError("divisible"));
        TensorAssert.Throws<ArgumentException>(() => new Transformer(10, 3), "Transformer", PyTorchError("divisible"));
        TensorAssert.Throws<ArgumentException>(() => new TransformerEncoderLayer(8, 2, activation: "tanh"), "TransformerEncoderLayer", PyTorchError("activation"));
        TensorAssert.Throws<ArgumentException>(() => new Transformer(8, 2, activation: "swish"), "activation should be relu/gelu, not swish");
        TensorAssert.Throws<ArgumentException>(() => new TransformerEncoderLayer(8, 2, dropout: 1.5), "dropout probability has to be between 0 and 1, but got 1.5");

        var model = new Transformer(8, 2, 1, 1, 16);
        TensorAssert.Throws<ArgumentException>(() => model.Call(Tensor.Randn(5, 2, 8), Tensor.Randn(4, 3, 8)), "Transformer", PyTorchError("batch"), "[5, 2, 8]", "[4, 3, 8]");
        TensorAssert.Throws<ArgumentException>(() => model.Call(Tensor.Randn(5, 2, 8), Tensor.Randn(4, 2, 6)), "Transformer", PyTorchError("feature"), "[4, 2, 6]");
        var bf = new Transformer(8, 2, 1, 1, 16, batchFirst: true);
        TensorAssert.Throws<ArgumentException>(() => bf.Call(Tensor.Randn(2, 5, 8), Tensor.Randn(3, 5, 8)), PyTorchError("batch"), "batch_first=True");

        var enc = new TransformerEncoderLayer(8, 2, 16);
        TensorAssert.Throws<ArgumentException>(() => enc.Call(Tensor.Randn(5, 2, 6)), "TransformerEncoderLayer", "d_model (8)", "[5, 2, 6]");
        TensorAssert.Throws<ArgumentException>(() => enc.Call(Tensor.Randn(8)), "TransformerEncoderLayer", "2-D", "3-D", "1-D");
        TensorAssert.Throws<ArgumentException>(() => enc.Call(Tensor.Randn(5, 2, 8), Tensor.Zeros([4, 4], DType.Bool)), "attn_mask", "(5, 5)");
        TensorAssert.Throws<ArgumentException>(() => enc.Call(Tensor.Randn(5, 2, 8), srcKeyPaddingMask: Tensor.Zeros([2, 4], DType.Bool)), "key_padding_mask", "(2, 5)");
        TensorAssert.Throws<ArgumentException>(() => new TransformerEncoder(enc, 1).Call(Tensor.Randn(5, 2, 8), srcKeyPaddingMask: Tensor.Zeros([2, 5], DType.Int64)),
            "TransformerEncoder", "only bool and floating types of key_padding_mask are supported", "int64");

        var dec = new TransformerDecoderLayer(8, 2, 16);
        TensorAssert.Throws<ArgumentException>(() => dec.Call(Tensor.Randn(4, 2, 8), Tensor.Randn(5, 3, 8)), "TransformerDecoderLayer", "same batch size", "[4, 2, 8]", "[5, 3, 8]");
        TensorAssert.Throws<ArgumentException>(() => dec.Call(Tensor.Randn(4, 2, 8), Tensor.Randn(5, 8)), "TransformerDecoderLayer", "both be batched");
        TensorAssert.Throws<ArgumentException>(() => dec.Call(Tensor.Randn(4, 2, 8), Tensor.Randn(5, 2, 7)), "memory", "d_model (8)");
        TensorAssert.Throws<ArgumentException>(() => Transformer.GenerateSquareSubsequentMask(-1), "sz must be non-negative");
    }

    [Fact]
    public void ACustomEncoderIsUsedAndReinitialisedAsInPyTorch()
    {
        Tensor.ManualSeed(11);
        var encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16), 1);
        var before = ((TransformerEncoderLayer)encoder.Layers[0]).Linear1.Weight.Clone();
        var model = new Transformer(8, 2, numDecoderLayers: 1, dimFeedforward: 16, customEncoder: encoder);
        Assert.Same(encoder, model.Encoder);
        Assert.Single(model.Decoder.Layers);
        // _reset_parameters re-draws every matrix, the custom encoder's included.
        Assert.True((before - ((TransformerEncoderLayer)encoder.Layers[0]).Linear1.Weight).Abs().Max().Item<float>() > 1e-3f);
        Assert.Equal(["encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.0.self_attn.in_proj_bias"], model.StateDict().Keys.Take(2));
        Assert.DoesNotContain(model.StateDict().Keys, k => k.StartsWith("encoder.norm", StringComparison.Ordinal));
    }

    [Fact]
    public void CallableActivationIsUsed()
    {
        Tensor.ManualSeed(10);
        var byName = new TransformerEncoderLayer(8, 2, 16, activation: "gelu");
        var byFunction = new TransformerEncoderLayer(8, 2, x => F.Gelu(x), 16);
        Assert.Null(byFunction.ActivationName);
        byFunction.LoadStateDict(byName.StateDict());
        byName.Eval();
        byFunction.Eval();
        var x = Tensor.Randn(3, 2, 8);
        TensorAssert.Equal(byName.Call(x), byFunction.Call(x));
    }

    [Fact]
    public void ActivationModuleIsAChildCopiedIntoEveryLayerAndConverted()
    {
        Tensor.ManualSeed(11);
        var prelu = new PReLU();
        var layer = new TransformerEncoderLayer(8, 2, prelu, 16);
        Assert.Same(prelu, layer.ActivationModule);
        Assert.Null(layer.ActivationName);
        Assert.Equal(("activation", (Module)prelu), layer.NamedChildren().Last());
        Assert.Equal("activation.weight", layer.NamedParameters().Last().Name);
        Assert.EndsWith("(activation): PReLU(num_parameters=1)\n)", layer.ToString(), StringComparison.Ordinal);

        // The stack's layers hold copies: their own parameter, and the module's forward hooks carried over, as deepcopy does.
        int calls = 0;
        prelu.RegisterForwardHook((_, _, _) => { calls++; return null; });
        var encoder = new TransformerEncoder(layer, 2);
        var copies = encoder.Layers.Cast<TransformerEncoderLayer>().Select(l => (PReLU)l.ActivationModule!).ToArray();
        Assert.All(copies, c => Assert.NotSame(prelu, c));
        Assert.NotSame(copies[0].Weight, copies[1].Weight);
        Assert.Equal(["layers.0.activation.weight", "layers.1.activation.weight"],
            encoder.NamedParameters().Select(p => p.Name).Where(n => n.EndsWith("activation.weight", StringComparison.Ordinal)));
        using (Ember.Autograd.NoGrad()) copies[0].Weight.Fill_(0.5);
        Assert.Equal(0.25f, copies[1].Weight[0].Item<float>());
        Assert.Equal(0.25f, prelu.Weight[0].Item<float>());
        encoder.Eval();
        var x = Tensor.Randn(3, 2, 8);
        encoder.Call(x);
        Assert.Equal(2, calls);

        // The module moves with the layer, and the layer's function runs it.
        encoder.Double();
        Assert.All(copies, c => Assert.Equal(DType.Float64, c.Weight.DType));
        var y = encoder.Call(x.Double());
        Assert.Equal(DType.Float64, y.DType);
        Assert.Equal(4, calls);
    }
}
