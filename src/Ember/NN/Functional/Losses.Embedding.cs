namespace Ember.NN;

// The losses on pairs and triplets of embeddings, with a ±1 target that says whether they should be
// alike: margin ranking, hinge embedding, cosine embedding, soft margin and triplet margin. All are
// composites of differentiable ops, in the form of PyTorch 1.13's ATen code, so their gradients
// (and second derivatives) come from the ops they are made of.
public static partial class F
{
    /// <summary>
    /// The margin ranking loss (<c>F.margin_ranking_loss</c>): max(0, -y (x1 - x2) + margin) per
    /// element, for a target y of 1 (x1 should rank higher) or -1 (x2 should). The three tensors must
    /// have the same number of dims, and broadcast, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException">The dims differ, the shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor MarginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        const string op = "margin_ranking_loss";
        CheckThreeInputs(input1, input2, target, reduction, op);
        if (input1.NDim != input2.NDim || input1.NDim != target.NDim)
            throw new ArgumentException($"{op}: All input tensors should have same dimension but got sizes: input1: {input1.Shape}, input2: {input2.Shape}, target: {target.Shape}.");
        BroadcastAll(op, input1, input2, target);
        return Reduce((-target * (input1 - input2) + margin).ClampMin(0), reduction);
    }

    /// <summary>
    /// The hinge embedding loss (<c>F.hinge_embedding_loss</c>): x where the target is 1, and
    /// max(0, margin - x) where it is -1 (x is typically a distance between two embeddings). As in
    /// PyTorch, a target that is neither gives the sum of both terms.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor HingeEmbeddingLoss(Tensor input, Tensor target, double margin = 1.0, Reduction reduction = Reduction.Mean)
    {
        const string op = "hinge_embedding_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        var marginClamp = (margin - input).ClampMin(0);
        var loss = Tensor.Where(target.Ne(1), marginClamp, 0.0) + Tensor.Where(target.Ne(-1), input, 0.0);
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// The two-class soft margin loss (<c>F.soft_margin_loss</c>): log(1 + exp(-y x)) per element, for
    /// targets y of 1 or -1 (computed as PyTorch does, log1p(exp(-y x))).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor SoftMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "soft_margin_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        return Reduce((-input * target).Exp().Log1p(), reduction);
    }

    /// <summary>
    /// The cosine embedding loss (<c>F.cosine_embedding_loss</c>): with c the cosine similarity of
    /// x1 and x2 along their last dim, 1 - c where the target is 1 and max(0, c - margin) where it is
    /// -1. Inputs [N, D] take a target [N]; inputs [D] a 0-d target. As in PyTorch, each squared
    /// magnitude gets 1e-12 added before the square root, so zero vectors give c = 0, not NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The target is not 0-d or 1-d, the inputs' dims do not fit it, the shapes do not broadcast, or reduction is BatchMean.</exception>
    public static Tensor CosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        const string op = "cosine_embedding_loss";
        CheckThreeInputs(input1, input2, target, reduction, op);
        int td = target.NDim;
        if (td > 1)
            throw new ArgumentException($"{op}: 0D or 1D target tensor expected, multi-target not supported (got a target of size {target.Shape}).", nameof(target));
        if (td == 1 && (input1.NDim != 2 || input2.NDim != 2))
            throw new ArgumentException($"{op}: 1D target tensor expects 2D input tensors, but found inputs with sizes {input1.Shape} and {input2.Shape}.");
        if (td == 0 && (input1.NDim != 1 || input2.NDim != 1))
            throw new ArgumentException($"{op}: 0D target tensor expects 1D input tensors, but found inputs with sizes {input1.Shape} and {input2.Shape}.");
        Dims.Broadcast(input1.Shape.AsSpan(), input2.Shape.AsSpan(), op);
        const double epsilon = 1e-12;
        var prodSum = (input1 * input2).Sum(td);
        var mag1 = (input1 * input1).Sum(td) + epsilon;
        var mag2 = (input2 * input2).Sum(td) + epsilon;
        var cos = prodSum / (mag1 * mag2).Sqrt();
        Dims.Broadcast(cos.Shape.AsSpan(), target.Shape.AsSpan(), op);
        var loss = Tensor.Where(target.Eq(1), 1 - cos, 0.0) + Tensor.Where(target.Eq(-1), (cos - margin).ClampMin(0), 0.0);
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// The triplet margin loss (<c>F.triplet_margin_loss</c>): max(0, margin + d(a, p) - d(a, n)) with
    /// d the <see cref="PairwiseDistance"/> of norm <paramref name="p"/> (and <paramref name="eps"/>
    /// added to the difference, as PyTorch). With <paramref name="swap"/>, d(a, n) is replaced by
    /// min(d(a, n), d(p, n)) (the distance swap of Balntas et al.). The three inputs must have the same
    /// number of dims.
    /// </summary>
    /// <exception cref="ArgumentException">The dims differ, the shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor TripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, double margin = 1.0, double p = 2, double eps = 1e-6,
        bool swap = false, Reduction reduction = Reduction.Mean)
    {
        const string op = "triplet_margin_loss";
        CheckThreeInputs(anchor, positive, negative, reduction, op);
        if (anchor.NDim != positive.NDim || positive.NDim != negative.NDim)
            throw new ArgumentException($"{op}: All inputs should have same dimension but got {anchor.NDim}D, {positive.NDim}D and {negative.NDim}D inputs (sizes {anchor.Shape}, {positive.Shape} and {negative.Shape}).");
        BroadcastAll(op, anchor, positive, negative);
        var dPos = PairwiseDistance(anchor, positive, p, eps);
        var dNeg = PairwiseDistance(anchor, negative, p, eps);
        if (swap) dNeg = Tensor.Minimum(dNeg, PairwiseDistance(positive, negative, p, eps));
        return Reduce((margin + dPos - dNeg).ClampMin(0), reduction);
    }

    /// <summary>The checks of the losses of three tensors: present, a floating first input, a valid reduction.</summary>
    private static void CheckThreeInputs(Tensor a, Tensor b, Tensor c, Reduction reduction, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        CheckReduction(reduction, op);
        CheckFloatingInput(a, op);
    }

    /// <summary>Checks that three shapes broadcast together (PyTorch's message on the first pair that does not).</summary>
    private static void BroadcastAll(string op, Tensor a, Tensor b, Tensor c)
    {
        var ab = Dims.Broadcast(a.Shape.AsSpan(), b.Shape.AsSpan(), op);
        Dims.Broadcast(ab, c.Shape.AsSpan(), op);
    }
}
