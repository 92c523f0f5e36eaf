using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// Attention beyond the golden values: float64 gradcheck (and gradgradcheck) of scaled dot-product
/// attention and of MultiheadAttention through its inputs and parameters, the masks' meaning, and the
/// error messages (PyTorch's texts, checked against torch 1.13 or, for F.scaled_dot_product_attention,
/// PyTorch 2's validate_sdpa_input).
/// </summary>
public class AttentionTests
{
    private static Tensor Leaf(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64).RequiresGrad_();

    [Fact]
    public void ScaledDotProductAttentionPassesGradcheckAndGradgradcheck()
    {
        var boolMask = Tensor.From(new[] { true, false, true, true, true, true, false, true, true, true, true, false }, [3, 4]);
        var floatMask = Tensor.Randn([2, 1, 3, 4], new Generator(9), DType.Float64);
        Func<Tensor[], Tensor>[] fns =
        [
            a => F.ScaledDotProductAttention(a[0], a[1], a[2]),
            a => F.ScaledDotProductAttention(a[0], a[1], a[2], boolMask),
            a => F.ScaledDotProductAttention(a[0], a[1], a[2], floatMask, scale: 0.7),
            a => F.ScaledDotProductAttention(a[0], a[1].Narrow(2, 0, 3), a[2].Narrow(1, 0, 3), isCausal: true),
        ];
        foreach (var fn in fns)
        {
            Tensor[] inputs() => [Leaf(1, 2, 2, 3, 5), Leaf(2, 2, 2, 4, 5), Leaf(3, 2, 4, 2)];
            Assert.True(Ember.Autograd.GradCheck(fn, inputs()));
            Assert.True(Ember.Autograd.GradGradCheck(fn, inputs()));
        }
        // A float mask is differentiable too (an additive bias learned by a model).
        Assert.True(Ember.Autograd.GradCheck(a => F.ScaledDotProductAttention(a[0], a[1], a[2], a[3]), [Leaf(4, 3, 5), Leaf(5, 4, 5), Leaf(6, 4, 2), Leaf(7, 3, 4)]));
    }

    [Theory]
    [InlineData(false, false, false, "separate")]
    [InlineData(true, true, true, "self")]
    [InlineData(false, true, false, "kdim")]
    public void MultiheadAttentionPassesGradcheckThroughInputsAndParameters(bool batchFirst, bool addBiasKv, bool addZeroAttn, string inputs)
    {
        Tensor.ManualSeed(3);
        bool kdim = inputs == "kdim";
        var m = new MultiheadAttention(4, 2, addBiasKv: addBiasKv, addZeroAttn: addZeroAttn, kdim: kdim ? 3 : null, vdim: kdim ? 2 : null,
            batchFirst: batchFirst, dtype: DType.Float64);
        // Non-zero biases, so their gradients are not checked at a special point only.
        using (Ember.Autograd.NoGrad()) foreach (var p in m.Parameters()) p.Add_(Tensor.RandnLike(p) * 0.1);
        var kpm = Tensor.From(new[] { false, false, true, false, true, false }, [2, 3]);
        var q = Leaf(11, 2, 2, 4);
        var k = inputs == "self" ? q : Leaf(12, 3, 2, kdim ? 3 : 4);
        var v = inputs == "self" ? q : Leaf(13, 3, 2, kdim ? 2 : 4);
        if (inputs == "self") kpm = kpm.Narrow(1, 0, 2);
        Tensor[] all = [q, .. inputs == "self" ? Array.Empty<Tensor>() : [k, v], .. m.Parameters()];
        Tensor Run(Tensor[] _)
        {
            var (y, w) = m.Forward(q, k, v, kpm);
            return Tensor.Cat([y.Reshape(-1), w!.Reshape(-1)]);
        }
        Assert.True(Ember.Autograd.GradCheck(Run, all));
    }

    [Fact]
    public void BoolMasksMeanOppositeThingsInSdpaAndMultiheadAttentionAsInPyTorch()
    {
        // F.scaled_dot_product_attention: true = take part. nn.MultiheadAttention: true = left out.
        var q = Tensor.Randn(1, 2, 4);
        var k = Tensor.Randn(1, 3, 4);
        var v = Tensor.Eye(3).Unsqueeze(0);
        var keepFirst = Tensor.From(new[] { true, false, false }, [1, 3]);
        var y = F.ScaledDotProductAttention(q, k, v, keepFirst);
        TensorAssert.Close(Tensor.From(new float[] { 1, 0, 0, 1, 0, 0 }, [1, 2, 3]), y);

        var m = new MultiheadAttention(4, 1);
        var (_, w) = m.Forward(q[0].Unsqueeze(1), k[0].Unsqueeze(1), k[0].Unsqueeze(1), keyPaddingMask: keepFirst);
        TensorAssert.Close(Tensor.Zeros(1, 2), w![0, .., 0].Unsqueeze(0));
    }

    [Fact]
    public void DropoutActsInTrainingModeOnly()
    {
        Tensor.ManualSeed(5);
        var m = new MultiheadAttention(8, 2, dropout: 0.5);
        var x = Tensor.Randn(4, 3, 8);
        var (_, wTrain) = m.Call(x, x, x);
        m.Eval();
        var (yEval, wEval) = m.Call(x, x, x);
        var reference = new MultiheadAttention(8, 2);
        reference.LoadStateDict(m.StateDict());
        var (yRef, wRef) = reference.Call(x, x, x);
        TensorAssert.Close(yRef, yEval);
        TensorAssert.Close(wRef!, wEval!);
        Assert.True((wTrain! - wEval!).Abs().Max().Item<float>() > 0.1f);
    }

    [Fact]
    public void CausalAttentionIgnoresLaterKeys()
    {
        var q = Tensor.Randn(3, 4);
        var k = Tensor.Randn(3, 4);
        var v = Tensor.Randn(3, 2);
        var y = F.ScaledDotProductAttention(q, k, v, isCausal: true);
        var k2 = k.Clone();
        var v2 = v.Clone();
        k2[2] = Tensor.Randn(4);
        v2[2] = Tensor.Randn(2);
        TensorAssert.Close(y[0..2], F.ScaledDotProductAttention(q, k2, v2, isCausal: true)[0..2]);
        TensorAssert.Close(v[0], y[0]);
    }

    [Fact]
    public void ScaledDotProductAttentionRejectsBadInput()
    {
        var q = Tensor.Randn(2, 3, 4);
        var k = Tensor.Randn(2, 5, 4);
        var v = Tensor.Randn(2, 5, 6);
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k.Double(), v), "scaled_dot_product_attention", "same dtype", "torch.float64");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(Tensor.Randn(4), k, v), "at least 2 dimensional", "query.dim: 1");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, Tensor.Randn(2, 5, 3), v), "embedding size", "[2, 3, 4]", "[2, 5, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, Tensor.Randn(2, 4, 6)), "sequence length", "[2, 4, 6]");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, Tensor.Zeros([3, 5], DType.Int64)), "attn_mask dtype", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, Tensor.Zeros(3, 4)), "attn_mask of shape [3, 4]", "[2, 3, 5]");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, Tensor.Zeros(3, 5), isCausal: true), "Explicit attn_mask should not be set when is_causal=True");
        TensorAssert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, k, v, dropoutP: 1.5), "dropout probability", "1.5");
    }

    [Fact]
    public void MultiheadAttentionRejectsBadInputWithPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => new MultiheadAttention(10, 3), "embed_dim must be divisible by num_heads");
        TensorAssert.Throws<ArgumentException>(() => new MultiheadAttention(0, 1), "embed_dim and num_heads must be greater than 0");
        var m = new MultiheadAttention(8, 2);
        var q = Tensor.Randn(4, 2, 8);
        var k = Tensor.Randn(5, 2, 8);
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, k, attnMask: Tensor.Zeros([4, 4], DType.Bool)), "The shape of the 2D attn_mask is [4, 4], but should be (4, 5).");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, k, attnMask: Tensor.Zeros([3, 4, 5], DType.Bool)), "The shape of the 3D attn_mask is [3, 4, 5], but should be (4, 4, 5).");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, k, Tensor.Zeros([2, 4], DType.Bool)), "expecting key_padding_mask shape of (2, 5), but got [2, 4]");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, k, Tensor.Zeros([2, 5], DType.Int64)), "only bool and floating types of key_padding_mask are supported");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, k, attnMask: Tensor.Zeros([4, 5], DType.Int64)), "only bool and floating types of attn_mask are supported");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(Tensor.Randn(4, 2, 6), k, k), "was expecting embedding dimension of 8, but got 6");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k, Tensor.Randn(4, 2, 8)), "key shape [5, 2, 8] does not match value shape [4, 2, 8]");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, k[0], k[0]), "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 2-D tensors respectively");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q[0], k[0], k[0], attnMask: Tensor.Zeros(3, 4, 5)), "Expected `attn_mask` shape to be [2, 2, 2] but got [3, 4, 5]");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q.Unsqueeze(0), k, k), "query should be unbatched 2D or batched 3D tensor but received 4-D query tensor");
        TensorAssert.Throws<ArgumentException>(() => m.Forward(q, Tensor.Randn(5, 3, 8), Tensor.Randn(5, 3, 8)), "same batch size", "2 and 3");
        var kv = new MultiheadAttention(8, 2, kdim: 3, vdim: 5);
        TensorAssert.Throws<ArgumentException>(() => kv.Forward(q, Tensor.Randn(5, 2, 3), Tensor.Randn(6, 2, 5)), "key's sequence and batch dims [5, 2] do not match value's [6, 2]");
        TensorAssert.Throws<ArgumentException>(() => kv.Forward(q, Tensor.Randn(5, 2, 4), Tensor.Randn(5, 2, 5)), "kdim", "[5, 2, 4]");
    }
}
