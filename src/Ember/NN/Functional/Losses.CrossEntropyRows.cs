using Ember.Graph;

namespace Ember.NN;

public static partial class F
{
    /// <summary>
    /// Whether <see cref="CrossEntropyRows"/> serves this cross-entropy: a CPU float [N, C] (or [C])
    /// input and no gradient wanted for a class weight. Other inputs take log_softmax then the pick.
    /// </summary>
    private static bool FusedCrossEntropyApplies(Tensor input, Tensor? weight) =>
        input.Device.Type == DeviceType.Cpu && input.DType is DType.Float32 or DType.Float64 && input.NDim is 1 or 2
        && !(weight is not null && weight.RequiresGrad && Autograd.IsGradEnabled);

    /// <summary>
    /// −log_softmax(input)[i, target[i]] for each row, as one node (CrossEntropyRowsBackward): the values and
    /// their rounding are log_softmax's then the pick's, but the [N, C] log-probabilities are never
    /// materialised, and the backward writes g·(softmax − onehot) in one pass instead of a zero-filled
    /// gradient scattered into and then fed through log_softmax's backward. <paramref name="target"/>
    /// holds valid class indices ([N] int64; ignored targets already replaced by 0).
    /// </summary>
    private static Tensor CrossEntropyRows(Tensor input, Tensor target)
    {
        var x = (input.NDim == 1 ? input.Unsqueeze(0) : input).Contiguous();
        var t = (target.NDim == 0 ? target.Unsqueeze(0) : target).Contiguous();
        int rows = x.Shape[0];
        var nll = Tensor.Alloc([rows], x.DType, x.Device, uninitialized: true, op: "cross_entropy");
        var stats = Tensor.Alloc([rows, 2], x.DType, x.Device, uninitialized: true, op: "cross_entropy");
        x.Backend.CrossEntropyRows(x.Storage, x.Layout, t.Storage, t.Layout, nll.Storage, stats.Storage);
        if (Autograd.Recording(x)) Derivatives.CrossEntropyRows.Record(nll, [x], saved: [x, t, stats]);
        return input.NDim == 1 ? nll.Squeeze(0) : nll;
    }

    /// <summary>The backward of <see cref="CrossEntropyRows"/>: g[i]·(softmax(x[i]) − onehot(t[i])).</summary>
    internal static Tensor CrossEntropyRowsBackward(Tensor x, Tensor t, Tensor stats, Tensor g)
    {
        if (Autograd.IsGradEnabled)
        {
            // Recorded (createGraph): the same gradient in differentiable ops, so it can be differentiated again.
            var gi = g.Unsqueeze(1);
            return x.Softmax(1) * gi - Tensor.ZerosLike(x).Scatter(1, t.Unsqueeze(1), gi);
        }
        var gc = g.Contiguous();
        var dst = Tensor.Alloc(x.Layout.Shape, x.DType, x.Device, uninitialized: true, op: "cross_entropy_backward");
        x.Backend.CrossEntropyRowsBackward(x.Storage, x.Layout, t.Storage, t.Layout, stats.Storage, gc.Storage, gc.Layout, dst.Storage);
        return dst;
    }
}
