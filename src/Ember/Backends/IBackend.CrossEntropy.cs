namespace Ember.Backends;

// Cross-entropy over class indices as one pass per row, forward and backward, instead of
// log_softmax (a [rows, classes] result), gather, and in the backward a zero-filled [rows, classes]
// gradient scattered into and fed to log_softmax's backward: for a language model's logits those
// full-size passes were most of the loss's time.
internal partial interface IBackend
{
    /// <summary>
    /// For each row i of the contiguous [rows, classes] <paramref name="x"/>: <c>nll[i] = -log_softmax(x[i])[t[i]]</c>,
    /// rounded as log_softmax then a pick would round it ((x[t] - max) - log(Σ exp(x - max))), and
    /// <c>stats[i] = (max, log Σ exp(x - max))</c> for the backward. <paramref name="target"/> holds int64
    /// class indices in [0, classes); float32 or float64.
    /// </summary>
    void CrossEntropyRows(Storage x, Layout xLayout, Storage target, Layout targetLayout, Storage nll, Storage stats);

    /// <summary>
    /// <c>dst[i] = g[i] · (softmax(x[i]) - onehot(t[i]))</c>: the gradient of <see cref="CrossEntropyRows"/>'s
    /// nll with respect to x, from the saved <paramref name="stats"/>; every layout contiguous.
    /// </summary>
    void CrossEntropyRowsBackward(Storage x, Layout xLayout, Storage target, Layout targetLayout, Storage stats, Storage g, Layout gLayout, Storage dst);
}
