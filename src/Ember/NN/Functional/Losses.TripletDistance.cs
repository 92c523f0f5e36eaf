namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// The triplet loss with any distance (<c>F.triplet_margin_with_distance_loss</c>):
    /// max(d(a, p) - d(a, n) + margin, 0), d being <paramref name="distanceFunction"/> (pairwise
    /// Euclidean distance, <see cref="PairwiseDistance"/>, when null); with <paramref name="swap"/>,
    /// d(a, n) is replaced by min(d(a, n), d(p, n)). As in PyTorch, the shapes are whatever the distance accepts.
    /// </summary>
    public static Tensor TripletMarginWithDistanceLoss(Tensor anchor, Tensor positive, Tensor negative,
        Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0, bool swap = false, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        CheckReduction(reduction, "triplet_margin_with_distance_loss");
        var d = distanceFunction ?? ((a, b) => PairwiseDistance(a, b));
        var positiveDist = d(anchor, positive);
        var negativeDist = d(anchor, negative);
        if (swap) negativeDist = Tensor.Minimum(negativeDist, d(positive, negative));
        var output = (positiveDist - negativeDist + margin).ClampMin(0.0);
        return reduction switch
        {
            Reduction.Mean => output.Mean(),
            Reduction.Sum => output.Sum(),
            _ => output,
        };
    }
}
