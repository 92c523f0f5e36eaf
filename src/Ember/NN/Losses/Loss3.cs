namespace Ember.NN;

/// <summary>
/// The base of the losses of three tensors (PyTorch's <c>_Loss</c> with a three-argument forward):
/// <see cref="MarginRankingLoss"/>, <see cref="CosineEmbeddingLoss"/>, <see cref="TripletMarginLoss"/>
/// and <see cref="GaussianNllLoss"/>. Holds the <see cref="NN.Reduction"/>; prints as PyTorch.
/// </summary>
public abstract class Loss3 : Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>Stores the reduction, refusing <see cref="Reduction.BatchMean"/>.</summary>
    /// <exception cref="ArgumentException">The reduction is BatchMean or unknown.</exception>
    protected Loss3(Reduction reduction, string op)
    {
        F.CheckReduction(reduction, op);
        Reduction = reduction;
    }

    /// <summary>How the per-element losses are reduced (<c>reduction</c>).</summary>
    public Reduction Reduction { get; }
}
