namespace Ember.NN;

/// <summary>
/// How a loss reduces its per-element values (PyTorch's <c>reduction=</c> string):
/// <c>"none"</c>, <c>"mean"</c> (the default), <c>"sum"</c>, and for the KL divergence only
/// <c>"batchmean"</c>.
/// </summary>
public enum Reduction
{
    /// <summary>No reduction: the loss has the shape of the per-element values.</summary>
    None,
    /// <summary>The mean of the per-element values (weighted mean where a loss takes class weights).</summary>
    Mean,
    /// <summary>The sum of the per-element values.</summary>
    Sum,
    /// <summary>
    /// The sum divided by the batch size, the input's first dimension (PyTorch's <c>"batchmean"</c>),
    /// which gives the true KL divergence per sample. Only <see cref="F.KlDiv"/> and
    /// <see cref="KlDivLoss"/> accept it; every other loss refuses it, as PyTorch does.
    /// </summary>
    BatchMean,
}
