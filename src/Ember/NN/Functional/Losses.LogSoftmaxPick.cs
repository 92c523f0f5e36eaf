using Ember.Graph;

namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// The node that nll_loss over a log_softmax records when it can (<see cref="LogSoftmaxPick"/>): the
    /// log-probabilities come from log_softmax along the class dim of a CPU float [N, C] (or [C]) input, and
    /// nothing else watches their gradient (no hook, no RetainGrad, the node not yet freed).
    /// </summary>
    private static RuleNode? LogSoftmaxPickSource(Tensor logp, int classDim)
    {
        if (!Autograd.IsGradEnabled || logp.Device.Type != DeviceType.Cpu || logp.DType is not (DType.Float32 or DType.Float64)) return null;
        if (logp.NDim is not (1 or 2) || classDim != logp.NDim - 1 || !logp.Layout.IsContiguous || logp.RetainsGrad) return null;
        if (logp.GradFn is not RuleNode { Rule: var rule } node || !ReferenceEquals(rule, Derivatives.LogSoftmax)) return null;
        if (node.IsReleased || node.PreHooks is not null || node.RetainGradHooks is not null || node.State is not int dim || dim != classDim) return null;
        return node;
    }

    /// <summary>
    /// −logp[i, target[i]] per row, where logp = log_softmax(x) (<paramref name="source"/> is its node),
    /// recorded as one node whose input is x: its backward writes g[i]·(exp(logp[i]) − onehot(target[i]))
    /// in one pass, instead of a zero-filled [N, C] gradient scattered into and then read again by
    /// log_softmax's backward. A gradient reaching logp by another path still goes through log_softmax's
    /// own node, and the two add up at x (both are linear in their gradient). The values are the gather's,
    /// and the gradient rounds as the composed one: exp(y)·g, minus g at the target.
    /// </summary>
    private static Tensor LogSoftmaxPick(Tensor logp, Tensor target, RuleNode source)
    {
        var y = logp.NDim == 1 ? logp.Unsqueeze(0) : logp;
        var t = (target.NDim == 0 ? target.Unsqueeze(0) : target).Contiguous();
        Tensor picked;
        using (Autograd.NoGrad()) picked = -y.Gather(1, t.Unsqueeze(1)).Squeeze(1);
        var node = new RuleNode(Derivatives.LogSoftmaxPick, [new InputInfo(picked.Shape.ToArray(), picked.DType, picked.Device)])
        {
            NextEdges = [source.NextEdges[0]],
            InputInfos = [new InputInfo(logp.Shape.ToArray(), logp.DType, logp.Device)],
        };
        node.Save([logp, t], [picked]);
        picked.SetGradFn(node, 0);
        return logp.NDim == 1 ? picked.Squeeze(0) : picked;
    }

    /// <summary>The backward of <see cref="LogSoftmaxPick"/>: g[i]·exp(y[i]), minus g[i] at target[i].</summary>
    internal static Tensor LogSoftmaxPickBackward(Tensor logp, Tensor t, Tensor g)
    {
        // An unbatched [C] input was picked as one row: its gradient goes back as [C].
        if (logp.NDim == 1) return LogSoftmaxPickBackward(logp.Unsqueeze(0), t, g.Reshape(1)).Squeeze(0);
        var y = logp;
        if (Autograd.IsGradEnabled)
        {
            // Recorded (createGraph): the same gradient in differentiable ops (through y, to x).
            var gi = g.Unsqueeze(1);
            return y.Exp() * gi - Tensor.ZerosLike(y).Scatter(1, t.Unsqueeze(1), gi);
        }
        // The cross-entropy kernel with a zero max and log-sum-exp: exp((y - 0) - 0) = exp(y), then as there.
        var gc = g.Contiguous();
        var stats = Tensor.Zeros([y.Shape[0], 2], y.DType, y.Device);
        var dst = Tensor.Alloc(y.Layout.Shape, y.DType, y.Device, uninitialized: true, op: "nll_loss_backward");
        y.Backend.CrossEntropyRowsBackward(y.Storage, y.Layout, t.Storage, t.Layout, stats.Storage, gc.Storage, gc.Layout, dst.Storage);
        return dst;
    }
}
