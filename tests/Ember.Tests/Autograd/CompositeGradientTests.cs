using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Gradients of whole expressions (several derivative rows chained, broadcasting, views, index ops,
/// second order) against PyTorch's values for the same inputs (tests/golden/grad_composite.py), in
/// float64 and float32. Each test names the expression it mirrors; inputs come from the golden file.
/// </summary>
public class AutogradCompositeGradientTests
{
    private static Golden G => Golden.Load("grad_composite");

    /// <summary>A constant input of expression <paramref name="expr"/>.</summary>
    private static Tensor In(string expr, string tag, string name) => G[$"{expr}.{tag}.{name}"];

    /// <summary>An input that requires grad (a fresh leaf per test).</summary>
    private static Tensor Leaf(string expr, string tag, string name) => In(expr, tag, name).RequiresGrad_();

    private static void Check(string expr, string tag, string name, Tensor? actual, bool secondOrder = false)
    {
        Assert.NotNull(actual);
        var expected = In(expr, tag, name);
        if (tag == "f32") TensorAssert.Close(expected, actual, rtol: secondOrder ? 5e-4 : 1e-4, atol: secondOrder ? 5e-5 : 1e-5);
        else TensorAssert.Close(expected, actual, rtol: 1e-9, atol: 1e-11);
    }

    private static Tensor[] Grads(Tensor output, params Tensor[] inputs) =>
        Ember.Autograd.Grad([output], inputs).Select(g => g!).ToArray();

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: Mm; Clamp, Sub, Pow (pointwise); Sum (reductions).
    public void TwoLayerNet(string t)
    {
        const string e = "mlp2";
        Tensor x = In(e, t, "x"), y = In(e, t, "y"), w1 = Leaf(e, t, "w1"), w2 = Leaf(e, t, "w2");
        var loss = (x.Mm(w1).Clamp(min: 0).Mm(w2) - y).Pow(2).Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, w1, w2);
        Check(e, t, "grad_w1", g[0]);
        Check(e, t, "grad_w2", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: Mul, Add, Sigmoid (pointwise); Sum (reductions).
    public void SigmoidOfBroadcastAffine(string t)
    {
        const string e = "sigmoid";
        Tensor a = Leaf(e, t, "a"), b = Leaf(e, t, "b"), c = Leaf(e, t, "c");
        var loss = (a * b + c).Sigmoid().Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, a, b, c);
        Check(e, t, "grad_a", g[0]);
        Check(e, t, "grad_b", g[1]);
        Check(e, t, "grad_c", g[2]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: MatMul; Tanh, Pow (pointwise); Mean, Sum (reductions).
    public void TanhOfBatchedMatMulMeanSquared(string t)
    {
        const string e = "tanh_matmul";
        Tensor a = Leaf(e, t, "a"), b = Leaf(e, t, "b");
        var loss = a.MatMul(b).Tanh().Mean(1).Pow(2).Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, a, b);
        Check(e, t, "grad_a", g[0]);
        Check(e, t, "grad_b", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: T (views); Div, Abs, Add, Exp, Log1p (pointwise); Sum (reductions).
    public void DivByAbsExpLog1p(string t)
    {
        const string e = "div_abs";
        Tensor aT = Leaf(e, t, "a_t"), b = Leaf(e, t, "b");
        var loss = (aT.T / (b.Abs() + 1)).Exp().Log1p().Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, aT, b);
        Check(e, t, "grad_a_t", g[0]);
        Check(e, t, "grad_b", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: LogSumExp, Sum (reductions); Sub, Exp, Mul (pointwise).
    public void SoftmaxByHandWeighted(string t)
    {
        const string e = "softmax";
        Tensor x = Leaf(e, t, "x"), w = Leaf(e, t, "w");
        var loss = ((x - x.LogSumExp(1, keepDim: true)).Exp() * w).Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, x, w);
        Check(e, t, "grad_x", g[0]);
        Check(e, t, "grad_w", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: Permute, slicing, Reshape (views); Mul; Sum (reductions).
    public void PermuteSliceReshapeTimesWeights(string t)
    {
        const string e = "permute_slice";
        Tensor x = Leaf(e, t, "x"), w = Leaf(e, t, "w");
        var loss = (x.Permute(1, 0)[1.., ..2].Reshape(-1) * w).Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, x, w);
        Check(e, t, "grad_x", g[0]);
        Check(e, t, "grad_w", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: IndexSelect, Gather (index ops); Cat, Stack (joining); Mul, Add for accumulation (pointwise); Sum (reductions).
    public void IndexSelectCatStackGather(string t)
    {
        const string e = "gather_chain";
        Tensor x = Leaf(e, t, "x"), z = Leaf(e, t, "z");
        Tensor idx = In(e, t, "idx"), gidx = In(e, t, "gidx"), wts = In(e, t, "wts");
        var yy = Tensor.Cat([x.IndexSelect(0, idx), z], 0);   // index 2 twice: its gradient rows accumulate
        var s = Tensor.Stack([yy, yy * yy], 1);
        var loss = (s.Gather(2, gidx) * wts).Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, x, z);
        Check(e, t, "grad_x", g[0]);
        Check(e, t, "grad_z", g[1]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: linear algebra and Mul only: passes on the grad-linalg branch alone.
    public void MatMulMulMvDotChain(string t)
    {
        const string e = "matmul_chain";
        var names = new[] { "a", "b", "c", "v", "u", "w" };
        var x = names.Select(n => Leaf(e, t, n)).ToArray();
        // ([2,3,4] @ [4,5]) * [5] -> [2,3,5] @ [5] -> [2,3] mv [3] -> [2] dot [2]
        var loss = (x[0].MatMul(x[1]) * x[2]).MatMul(x[3]).Mv(x[4]).Dot(x[5]);
        Check(e, t, "loss", loss);
        var g = Grads(loss, x);
        for (int i = 0; i < names.Length; i++) Check(e, t, "grad_" + names[i], g[i]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: linear algebra and Mul only: passes on the grad-linalg branch alone.
    public void BmmTimesOuterMatMulMvDot(string t)
    {
        const string e = "bmm_outer";
        // PyTorch's leaf is n_t and the expression uses n_t.transpose(1, 2); here the leaf itself is
        // that transposed (non-contiguous) view, and its gradient is compared transposed back.
        var m = Leaf(e, t, "m");
        var n = In(e, t, "n_t").MT.RequiresGrad_();
        Tensor p = Leaf(e, t, "p"), q = Leaf(e, t, "q"), r = Leaf(e, t, "r"), s = Leaf(e, t, "s"), w = Leaf(e, t, "w");
        var loss = (Tensor.Bmm(m, n) * Tensor.Outer(p, q)).MatMul(r).Mv(s).Dot(w);
        Check(e, t, "loss", loss);
        var g = Grads(loss, m, n, p, q, r, s, w);
        Check(e, t, "grad_m", g[0]);
        Check(e, t, "grad_n_t", g[1].MT);
        Check(e, t, "grad_p", g[2]);
        Check(e, t, "grad_q", g[3]);
        Check(e, t, "grad_r", g[4]);
        Check(e, t, "grad_s", g[5]);
        Check(e, t, "grad_w", g[6]);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: linear algebra and Mul only (second order): passes on the grad-linalg branch alone.
    public void MixedHessianVectorProductOfBilinearForm(string t)
    {
        const string e = "hvp_bilinear";
        Tensor x = In(e, t, "x"), u1 = In(e, t, "u1"), u2 = In(e, t, "u2"), v = In(e, t, "v");
        Tensor w1 = Leaf(e, t, "w1"), w2 = Leaf(e, t, "w2");
        var f = x.Mm(w1).Mv(u1).Dot(x.Mm(w2).Mv(u2));
        Check(e, t, "f", f);
        var g1 = Ember.Autograd.Grad(f, w1, createGraph: true)!;
        Assert.True(g1.RequiresGrad, "the first gradient, built with createGraph, depends on w2 and must require grad");
        var h2 = Ember.Autograd.Grad(g1, w2, gradOutput: v);
        Check(e, t, "g1", g1);
        Check(e, t, "h2", h2, secondOrder: true);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: second order through MatMul (T/MT views in its formulas), Tanh, Pow, Mul, Add (pointwise), Mean, Sum (reductions).
    public void HessianVectorProductOfSmallMlp(string t)
    {
        const string e = "hvp_mlp";
        Tensor x = In(e, t, "x"), v1 = In(e, t, "v1"), v2 = In(e, t, "v2");
        Tensor w1 = Leaf(e, t, "w1"), w2 = Leaf(e, t, "w2");
        var loss = x.MatMul(w1).Tanh().MatMul(w2).Pow(2).Mean();
        Check(e, t, "loss", loss);
        var g = Ember.Autograd.Grad([loss], [w1, w2], createGraph: true);
        var gv = (g[0]! * v1).Sum() + (g[1]! * v2).Sum();
        var h = Grads(gv, w1, w2);
        Check(e, t, "g1", g[0]);
        Check(e, t, "g2", g[1]);
        Check(e, t, "h1", h[0], secondOrder: true);
        Check(e, t, "h2", h[1], secondOrder: true);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: second order through MatMul (T view), Tanh (pointwise); Norm over a dim, Mean, Sum (reductions); Sub, Pow.
    public void GradientPenalty(string t)
    {
        const string e = "grad_penalty";
        Tensor x = Leaf(e, t, "x"), w = Leaf(e, t, "w");
        var o = x.MatMul(w).Tanh().Sum();
        Check(e, t, "o", o);
        var gx = Ember.Autograd.Grad(o, x, createGraph: true)!;
        var gp = (gx.Norm(2, 1) - 1).Pow(2).Mean();
        var gw = Ember.Autograd.Grad(gp, w);
        Check(e, t, "gx", gx);
        Check(e, t, "gp", gp);
        Check(e, t, "grad_w", gw, secondOrder: true);
    }

    [Theory, InlineData("f64"), InlineData("f32")]
    // Needs: MatMul; Tanh (pointwise); Sum (reductions).
    public void EmptyBatch(string t)
    {
        const string e = "empty";
        Tensor a = Leaf(e, t, "a"), b = Leaf(e, t, "b");
        var loss = a.MatMul(b).Tanh().Sum();
        Check(e, t, "loss", loss);
        var g = Grads(loss, a, b);
        Check(e, t, "grad_a", g[0]);
        Check(e, t, "grad_b", g[1]);
    }
}
