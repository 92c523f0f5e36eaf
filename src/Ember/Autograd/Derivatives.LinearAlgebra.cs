using Ember.Graph;

namespace Ember;

// Linear-algebra rows of the derivative table (PyTorch's tools/autograd/derivatives.yaml:
// mm -> mm_mat1_backward / mm_mat2_backward, bmm, mv, dot). Every formula is itself a matrix product
// of the incoming gradient with a transposed operand, so under createGraph it is recorded (as the
// product and the transpose view) and differentiates again.
internal static partial class Derivatives
{
    /// <summary>
    /// z = a.Mm(b), [n, m] · [m, p] (recorded inputs: a, b; saved: a, b). As PyTorch's
    /// mm_mat1_backward / mm_mat2_backward, an operand stored column-major (a transposed view, such as
    /// a linear layer's <c>weight.T</c>) gets its gradient column-major too, computed as the transpose
    /// of the product the other way round: the transpose view's backward then hands a row-major
    /// gradient to the weight, with no strided copy.
    /// </summary>
    public static readonly Rule Mm = new("MmBackward0", static (c, g) =>
    {
        Tensor a = c.Saved(0), b = c.Saved(1);
        Tensor? ga = null, gb = null;
        if (c.NeedsGrad(0)) ga = IsColumnMajor(a) ? b.Mm(g[0].T).T : g[0].Mm(b.T);
        if (c.NeedsGrad(1)) gb = IsColumnMajor(b) ? g[0].T.Mm(a).T : a.T.Mm(g[0]);
        return [ga, gb];
    });

    /// <summary>
    /// z = x·Wᵀ + b, a linear layer's addmm (recorded inputs: b, x, W; saved: x, W): b gets the rows'
    /// sum, x gets g·W, W gets gᵀ·x, row-major as the weight is (PyTorch's AddmmBackward0 with mat2 = Wᵀ,
    /// whose column-major gradient the transpose hands back row-major).
    /// </summary>
    public static readonly Rule Addmm = new("AddmmBackward0", static (c, g) =>
    {
        Tensor x = c.Saved(0), w = c.Saved(1);
        return [c.NeedsGrad(0) ? g[0].Sum(0) : null,
                c.NeedsGrad(1) ? g[0].Mm(w) : null,
                c.NeedsGrad(2) ? g[0].T.Mm(x) : null];
    });

    /// <summary>A matrix laid out column by column (PyTorch's test: strides (1, rows)).</summary>
    private static bool IsColumnMajor(Tensor t) => t.Layout.Strides[0] == 1 && t.Layout.Strides[1] == t.Layout.Shape[0] && t.Layout.Shape[1] > 1;

    /// <summary>z = a.Bmm(b), [B, n, m] · [B, m, p] (recorded inputs: a, b; saved: a, b).</summary>
    public static readonly Rule Bmm = new("BmmBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0].Bmm(c.Saved(1).MT) : null,
         c.NeedsGrad(1) ? c.Saved(0).MT.Bmm(g[0]) : null]);

    /// <summary>z = m.Mv(v), [n, k] · [k] (recorded inputs: m, v; saved: m, v). PyTorch: grad.ger(vec), self.t().mv(grad).</summary>
    public static readonly Rule Mv = new("MvBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0].Outer(c.Saved(1)) : null,
         c.NeedsGrad(1) ? c.Saved(0).T.Mv(g[0]) : null]);

    /// <summary>z = a.Dot(b), a 0-d result (recorded inputs: a, b; saved: a, b).</summary>
    public static readonly Rule Dot = new("DotBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] * c.Saved(1) : null,
         c.NeedsGrad(1) ? g[0] * c.Saved(0) : null]);

    /// <summary>
    /// z = a.Outer(b), [n] ⊗ [m] (recorded inputs: a, b; saved: a, b). PyTorch builds outer from a
    /// reshape and a multiply, so its node is a <c>MulBackward0</c>; Ember computes it in one kernel
    /// and records this rule under the same name. Outer promotes mixed dtypes, so the other operand is
    /// cast to the gradient's dtype before the (non-promoting) matrix-vector product.
    /// </summary>
    public static readonly Rule Outer = new("MulBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0].Mv(CastForLinalg(c.Saved(1), g[0].DType)) : null,
         c.NeedsGrad(1) ? g[0].T.Mv(CastForLinalg(c.Saved(0), g[0].DType)) : null]);

    /// <summary>
    /// z = Tensor.MatMul(a, b) for the forms PyTorch lowers through views (1-D · N-D, N-D · 1-D with
    /// N &gt; 2, and batched with broadcast batch dims); the 1-D · 1-D, 2-D · 1-D and 2-D · 2-D forms
    /// record <see cref="Dot"/>, <see cref="Mv"/> and <see cref="Mm"/> as PyTorch does. A 1-D operand
    /// is treated as a row (first) or column (second) vector and its added dim removed again; the
    /// gradients come back in the broadcast batch shape and the engine sums them to each input's shape.
    /// The node name is that of PyTorch's (nested-tensor) <c>matmul_backward</c>: PyTorch's dense
    /// matmul shows a view node (<c>UnsafeViewBackward0</c>, <c>SqueezeBackward3</c>) above an mm/bmm.
    /// </summary>
    public static readonly Rule MatMul = new("MatmulBackward0", static (c, g) =>
    {
        Tensor a = c.Saved(0), b = c.Saved(1);
        bool aVec = a.NDim == 1, bVec = b.NDim == 1;
        var am = aVec ? a.Unsqueeze(0) : a;        // [.., m, k]
        var bm = bVec ? b.Unsqueeze(1) : b;        // [.., k, n]
        var gm = g[0];
        if (aVec) gm = gm.Unsqueeze(bVec ? 0 : -2); // put back the row dim of a row-vector a
        if (bVec) gm = gm.Unsqueeze(-1);           // and the column dim of a column-vector b
        Tensor? ga = null, gb = null;
        if (c.NeedsGrad(0))
        {
            ga = gm.MatMul(bm.MT);                 // [batch.., m, k]
            if (aVec) ga = ga.Squeeze(-2);         // [batch.., k]: the engine sums the batch dims away
        }
        if (c.NeedsGrad(1))
        {
            gb = am.MT.MatMul(gm);                 // [batch.., k, n]
            if (bVec) gb = gb.Squeeze(-1);         // [batch.., k]
        }
        return [ga, gb];
    });

    private static Tensor CastForLinalg(Tensor t, DType dtype) => t.DType == dtype ? t : t.To(dtype);
}
