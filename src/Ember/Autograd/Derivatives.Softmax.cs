using Ember.Graph;

namespace Ember;

// Softmax and log-softmax: fused primitives (numerical stability), whose rows are PyTorch's
// _softmax_backward_data and _log_softmax_backward_data written in tensor operations, so they run on
// any device and can be differentiated again.
internal static partial class Derivatives
{
    /// <summary>y = softmax(x, dim) (saved: y; state: dim): y * (g - sum(g * y, dim)).</summary>
    public static readonly Rule Softmax = new("SoftmaxBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        int dim = c.State<int>();
        return [y * (g[0] - (g[0] * y).Sum(dim, keepDim: true))];
    });

    /// <summary>y = log_softmax(x, dim) (saved: y; state: dim): g - exp(y) * sum(g, dim).</summary>
    public static readonly Rule LogSoftmax = new("LogSoftmaxBackward0", static (c, g) =>
    {
        var y = c.Saved(0);
        int dim = c.State<int>();
        // Not recorded (no createGraph): the fused kernel, one result instead of three input-sized temporaries.
        if (!Autograd.IsGradEnabled && y.DType is DType.Float32 or DType.Float64 && g[0].DType == y.DType && Tensor.SameShape(g[0].Layout.Shape, y.Layout.Shape))
            return [Tensor.LogSoftmaxBackward(y, g[0], dim)];
        return [g[0] - y.Exp() * g[0].Sum(dim, keepDim: true)];
    });
}
