namespace Ember.NN;

/// <summary>
/// How a loss reduces its per-element values (PyTorch's <c>reduction=</c> string):
/// <c>"none"</c>, <c>"mean"</c> (the default) or <c>"sum"</c>.
/// </summary>
public enum Reduction
{
    /// <summary>No reduction: the loss has the shape of the per-element values.</summary>
    None,
    /// <summary>The mean of the per-element values (weighted mean where a loss takes class weights).</summary>
    Mean,
    /// <summary>The sum of the per-element values.</summary>
    Sum,
}
