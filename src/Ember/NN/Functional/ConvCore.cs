using Ember.Backends;

namespace Ember.NN;

/// <summary>
/// The three convolution primitives on 4-D tensors, each recording its derivative row: the forward
/// convolution, the transposed convolution (the forward's input gradient) and the weight gradient.
/// Each one's derivatives are the other two, so gradients of any order stay on these kernels and run
/// on any device. Arguments are validated by the public functions in <see cref="F"/>; here the
/// geometry is trusted and operands are made contiguous for the kernels.
/// </summary>
internal static class ConvCore
{
    /// <summary>y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C/G, KH, KW]) + b.</summary>
    public static Tensor Conv(Tensor x, Tensor w, Tensor? b, ConvGeometry g)
    {
        var (xc, wc, bc) = Dense(x, w, b);
        var y = Tensor.Alloc([g.N, g.O, g.OH, g.OW], x.DType, x.Device, uninitialized: true);
        x.Backend.ConvForward(xc.Storage, xc.Layout, wc.Storage, wc.Layout, bc?.Storage, bc?.Layout, y.Storage, y.Layout, g);
        if (Autograd.Recording([x, w, b])) Derivatives.Convolution.Record(y, [x, w, b], saved: [x, w], state: g);
        return y;
    }

    /// <summary>
    /// y [N, C, H, W] = convᵀ(x [N, O, OH, OW], w [O, C/G, KH, KW]) + b: the transposed convolution,
    /// described by the geometry of the forward convolution it inverts.
    /// </summary>
    public static Tensor ConvTranspose(Tensor x, Tensor w, Tensor? b, ConvGeometry g)
    {
        var (xc, wc, bc) = Dense(x, w, b);
        var y = Tensor.Alloc([g.N, g.C, g.H, g.W], x.DType, x.Device, uninitialized: true);
        x.Backend.ConvTranspose(xc.Storage, xc.Layout, wc.Storage, wc.Layout, bc?.Storage, bc?.Layout, y.Storage, y.Layout, g);
        if (Autograd.Recording([x, w, b])) Derivatives.ConvTranspose.Record(y, [x, w, b], saved: [x, w], state: g);
        return y;
    }

    /// <summary>gw [O, C/G, KH, KW]: the weight gradient of <see cref="Conv"/> at input x [N, C, H, W] for output gradient gy [N, O, OH, OW].</summary>
    public static Tensor WeightGrad(Tensor x, Tensor gy, ConvGeometry g)
    {
        var (xc, gc, _) = Dense(x, gy, null);
        var gw = Tensor.Alloc([g.O, g.Cg, g.KH, g.KW], x.DType, x.Device, uninitialized: true);
        x.Backend.ConvWeightGrad(xc.Storage, xc.Layout, gc.Storage, gc.Layout, gw.Storage, gw.Layout, g);
        if (Autograd.Recording(x, gy)) Derivatives.ConvWeightGrad.Record(gw, [x, gy], saved: [x, gy], state: g);
        return gw;
    }

    /// <summary>Contiguous copies where needed, made without recording: the primitive records its own node over the originals.</summary>
    internal static (Tensor A, Tensor B, Tensor? C) Dense(Tensor a, Tensor b, Tensor? c)
    {
        using var _ = Autograd.NoGrad();
        return (a.Contiguous(), b.Contiguous(), c?.Contiguous());
    }
}
