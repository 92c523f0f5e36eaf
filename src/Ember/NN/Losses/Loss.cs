namespace Ember.NN;

/// <summary>
/// The base of the loss modules (PyTorch's <c>_Loss</c>): a module of (input, target) that holds its
/// <see cref="NN.Reduction"/>. Losses have no parameters; print as PyTorch, e.g. <c>MSELoss()</c>.
/// </summary>
public abstract class Loss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Stores the reduction, refusing <see cref="Reduction.BatchMean"/> unless the loss accepts it.</summary>
    /// <exception cref="ArgumentException">The reduction is not accepted by this loss.</exception>
    protected Loss(Reduction reduction, string op, bool allowBatchMean = false)
    {
        F.CheckReduction(reduction, op, allowBatchMean);
        Reduction = reduction;
    }

    /// <summary>How the per-element losses are reduced (<c>reduction</c>).</summary>
    public Reduction Reduction { get; }
}

/// <summary>
/// A loss with optional class or element weights (PyTorch's <c>_WeightedLoss</c>). The weight is a
/// buffer named <c>weight</c>, so it is in the state dict when set and moves with the module.
/// </summary>
public abstract class WeightedLoss : Loss
{
    /// <summary>Stores the weight and the reduction.</summary>
    protected WeightedLoss(Tensor? weight, Reduction reduction, string op) : base(reduction, op)
    {
        Weight = weight;
    }

    /// <summary>The weight (<c>weight</c>), or null.</summary>
    [Buffer] public Tensor? Weight { get; }
}
