namespace Ember.NN;

/// <summary>The margin ranking loss (<c>nn.MarginRankingLoss</c>); see <see cref="F.MarginRankingLoss"/>. Call with (input1, input2, target).</summary>
/// <param name="margin">The margin (default 0).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class MarginRankingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : Loss3(reduction, "margin_ranking_loss")
{
    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; } = margin;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => F.MarginRankingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>The cosine embedding loss (<c>nn.CosineEmbeddingLoss</c>); see <see cref="F.CosineEmbeddingLoss"/>. Call with (input1, input2, target).</summary>
/// <param name="margin">The margin for dissimilar pairs, in [-1, 1] (default 0).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class CosineEmbeddingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : Loss3(reduction, "cosine_embedding_loss")
{
    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; } = margin;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => F.CosineEmbeddingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>The triplet margin loss (<c>nn.TripletMarginLoss</c>); see <see cref="F.TripletMarginLoss"/>. Call with (anchor, positive, negative).</summary>
public sealed class TripletMarginLoss : Loss3
{
    /// <summary>Creates the loss (<c>nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=False, reduction)</c>).</summary>
    public TripletMarginLoss(double margin = 1.0, double p = 2, double eps = 1e-6, bool swap = false, Reduction reduction = Reduction.Mean)
        : base(reduction, "triplet_margin_loss")
    {
        Margin = margin;
        P = p;
        Eps = eps;
        Swap = swap;
    }

    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; }
    /// <summary>The norm order of the distance (<c>p</c>).</summary>
    public double P { get; }
    /// <summary>Added to the differences before the norm (<c>eps</c>).</summary>
    public double Eps { get; }
    /// <summary>Whether the distance swap is used (<c>swap</c>).</summary>
    public bool Swap { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.TripletMarginLoss(anchor, positive, negative, Margin, P, Eps, Swap, Reduction);
}

/// <summary>The Gaussian negative log-likelihood (<c>nn.GaussianNLLLoss</c>); see <see cref="F.GaussianNllLoss"/>. Call with (input, target, var).</summary>
/// <param name="full">Whether the constant 0.5 log(2π) is added.</param>
/// <param name="eps">The lower clamp of the variance (default 1e-6).</param>
/// <param name="reduction">None, Mean (default) or Sum.</param>
public sealed class GaussianNllLoss(bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean) : Loss3(reduction, "gaussian_nll_loss")
{
    /// <summary>Whether the constant term is included (<c>full</c>).</summary>
    public bool Full { get; } = full;
    /// <summary>The lower clamp of the variance (<c>eps</c>).</summary>
    public double Eps { get; } = eps;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target, Tensor var) => F.GaussianNllLoss(input, target, var, Full, Eps, Reduction);

    /// <inheritdoc/>
    protected internal override string TypeName() => "GaussianNLLLoss";
}

/// <summary>
/// The triplet loss with a distance of your choice (<c>nn.TripletMarginWithDistanceLoss</c>); see
/// <see cref="F.TripletMarginWithDistanceLoss"/>. Call with (anchor, positive, negative). A distance given
/// as a module (or the default <see cref="PairwiseDistance"/>) is registered as the child
/// <c>distance_function</c>, so it prints and moves with the loss, as in PyTorch.
/// </summary>
public sealed class TripletMarginWithDistanceLoss : Loss3
{
    /// <summary>
    /// Creates the loss (<c>nn.TripletMarginWithDistanceLoss(distance_function=None, margin=1.0, swap=False,
    /// reduction)</c>); a null distance is a <see cref="PairwiseDistance"/> module.
    /// </summary>
    public TripletMarginWithDistanceLoss(Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0, bool swap = false, Reduction reduction = Reduction.Mean)
        : base(reduction, "triplet_margin_with_distance_loss")
    {
        if (distanceFunction is null)
        {
            var pd = new PairwiseDistance();
            RegisterModule("distance_function", pd);
            distanceFunction = pd.Call;
        }
        DistanceFunction = distanceFunction;
        Margin = margin;
        Swap = swap;
    }

    /// <summary>Creates the loss with a module as its distance, registered as the child <c>distance_function</c>.</summary>
    public TripletMarginWithDistanceLoss(Module<Tensor, Tensor, Tensor> distanceModule, double margin = 1.0, bool swap = false, Reduction reduction = Reduction.Mean)
        : base(reduction, "triplet_margin_with_distance_loss")
    {
        ArgumentNullException.ThrowIfNull(distanceModule);
        RegisterModule("distance_function", distanceModule);
        DistanceFunction = distanceModule.Call;
        Margin = margin;
        Swap = swap;
    }

    /// <summary>The distance (<c>distance_function</c>).</summary>
    public Func<Tensor, Tensor, Tensor> DistanceFunction { get; }
    /// <summary>The margin (<c>margin</c>).</summary>
    public double Margin { get; }
    /// <summary>Whether the distance swap is used (<c>swap</c>).</summary>
    public bool Swap { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) =>
        F.TripletMarginWithDistanceLoss(anchor, positive, negative, DistanceFunction, Margin, Swap, Reduction);
}
