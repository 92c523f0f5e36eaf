using Ember.Backends;
using Ember.Graph;

namespace Ember.NN;

/// <summary>
/// The pooling primitives on 4-D tensors [N, C, H, W], each recording its derivative row. Average
/// pooling and its gradient are adjoint linear maps, so each is the other's derivative; max pooling's
/// gradient scatters to the saved indices and that scatter's derivative gathers from them. Arguments
/// are validated by the public functions in <see cref="F"/>.
/// </summary>
internal static class PoolCore
{
    /// <summary>The windowed maximum and its int64 positions within each plane; <paramref name="rule"/> names the node (fixed or adaptive).</summary>
    public static (Tensor Output, Tensor Indices) Max(Tensor x, PoolWindows p, Rule rule)
    {
        var xc = ConvCore.Dense(x, x, null).A;
        int[] outShape = [x.Layout.Shape[0], x.Layout.Shape[1], p.OH, p.OW];
        var y = Tensor.Alloc(outShape, x.DType, x.Device, uninitialized: true);
        var idx = Tensor.Alloc(outShape, DType.Int64, x.Device, uninitialized: true);
        x.Backend.MaxPool2d(xc.Storage, xc.Layout, y.Storage, y.Layout, idx.Storage, idx.Layout, p);
        if (Autograd.Recording(x)) rule.Record(y, [x], saved: [idx], state: x.Layout.Shape);
        return (y, idx);
    }

    /// <summary>The gradient of <see cref="Max"/>: gy [N, C, OH, OW] summed into zeros of <paramref name="inputShape"/> at <paramref name="indices"/>.</summary>
    public static Tensor MaxBackward(Tensor gy, Tensor indices, int[] inputShape)
    {
        var (gc, ic, _) = ConvCore.Dense(gy, indices, null);
        var gx = Tensor.Alloc(inputShape, gy.DType, gy.Device, uninitialized: true);
        int planes = inputShape[0] * inputShape[1];
        gy.Backend.MaxPool2dBackward(gc.Storage, gc.Layout, ic.Storage, ic.Layout, gx.Storage, gx.Layout,
            planes, inputShape[2] * inputShape[3], gy.Layout.Shape[2] * gy.Layout.Shape[3]);
        if (Autograd.Recording(gy)) Derivatives.MaxPoolBackward.Record(gx, [gy], saved: [indices]);
        return gx;
    }

    /// <summary>The windowed average; <paramref name="rule"/> names the node (fixed or adaptive).</summary>
    public static Tensor Avg(Tensor x, PoolWindows p, Rule rule)
    {
        var xc = ConvCore.Dense(x, x, null).A;
        var y = Tensor.Alloc([x.Layout.Shape[0], x.Layout.Shape[1], p.OH, p.OW], x.DType, x.Device, uninitialized: true);
        x.Backend.AvgPool2d(xc.Storage, xc.Layout, y.Storage, y.Layout, p);
        if (Autograd.Recording(x)) rule.Record(y, [x], state: p);
        return y;
    }

    /// <summary>The gradient of <see cref="Avg"/> for gy [N, C, OH, OW].</summary>
    public static Tensor AvgBackward(Tensor gy, PoolWindows p)
    {
        var gc = ConvCore.Dense(gy, gy, null).A;
        var gx = Tensor.Alloc([gy.Layout.Shape[0], gy.Layout.Shape[1], p.H, p.W], gy.DType, gy.Device, uninitialized: true);
        gy.Backend.AvgPool2dBackward(gc.Storage, gc.Layout, gx.Storage, gx.Layout, p);
        if (Autograd.Recording(gy)) Derivatives.AvgPoolBackward.Record(gx, [gy], state: p);
        return gx;
    }
}
