namespace Ember.Backends;

// Softmax and log-softmax as one fused kernel each: numerically stable (the row's maximum is
// subtracted before exponentiating) and one pass family per row instead of five separate kernels.
internal partial interface IBackend
{
    /// <summary>
    /// <c>dst = softmax(src)</c> (or <c>log_softmax</c> when <paramref name="log"/>) along
    /// <paramref name="axis"/>. Both layouts are contiguous with the same shape; float32 or float64.
    /// A row holding NaN gives NaN; a row of all -inf gives NaN, as PyTorch.
    /// </summary>
    void Softmax(Storage src, Layout srcLayout, int axis, bool log, Storage dst, Layout dstLayout);

    /// <summary>
    /// <c>dst = g - exp(y) * sum(g, axis)</c>, log-softmax's gradient from its output <paramref name="y"/>
    /// and the incoming gradient <paramref name="g"/>; every layout contiguous with the same shape,
    /// float32 or float64. Rounds as the composed ops do: the sum as <c>Sum(axis)</c>, then exp(y)·s, then g − that.
    /// </summary>
    void LogSoftmaxBackward(Storage y, Layout yLayout, Storage g, Layout gLayout, int axis, Storage dst, Layout dstLayout);
}
