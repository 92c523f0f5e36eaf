namespace Ember.Backends;

/// <summary>
/// The sizes of one 2-D convolution as kernels see it: input [N, C, H, W], weight
/// [O, C/Groups, KH, KW], output [N, O, OH, OW]. <see cref="PH"/> and <see cref="PW"/> are the
/// padding before the first row and column only; the output size is given rather than derived, so
/// asymmetric padding ("same" with an even kernel) and transposed convolutions with output padding
/// need no other field. A 1-D convolution is the 2-D one with H = KH = 1.
/// </summary>
internal sealed record ConvGeometry(
    int N, int C, int H, int W, int O, int OH, int OW,
    int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups)
{
    /// <summary>Input channels per group.</summary>
    public int Cg => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int Og => O / Groups;

    /// <summary>Rows of the unfolded (im2col) matrix of one group: Cg · KH · KW.</summary>
    public int ColRows => Cg * KH * KW;

    /// <summary>Output positions per channel: OH · OW.</summary>
    public int OutPlane => OH * OW;

    /// <summary>Input positions per channel: H · W.</summary>
    public int InPlane => H * W;

    /// <summary>A 1x1 kernel with unit stride and no padding: the input already is its unfolded matrix.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 && OH == H && OW == W;
}

// Convolution: forward and its two backward passes. Every layout is contiguous (offsets allowed);
// the frontend makes them so. The transposed convolution is the input gradient of the forward
// one, so it needs no kernel of its own. All storages share one floating dtype.
internal partial interface IBackend
{
    /// <summary>
    /// y = conv(x, w) + bias for the geometry <paramref name="g"/>: x is the input [N, C, H, W], w the
    /// weight [O, C/G, KH, KW], <paramref name="bias"/> [O] or null, y [N, O, OH, OW] (overwritten).
    /// </summary>
    void ConvForward(Storage x, Layout xLayout, Storage w, Layout wLayout, Storage? bias, Layout? biasLayout,
        Storage y, Layout yLayout, ConvGeometry g);

    /// <summary>
    /// The gradient of <see cref="ConvForward"/> with respect to its input, which is also the
    /// transposed convolution: gx [N, C, H, W] (overwritten) = convᵀ(gy [N, O, OH, OW], w), plus
    /// <paramref name="bias"/> [C] when given (used by conv_transpose).
    /// </summary>
    void ConvTranspose(Storage gy, Layout gyLayout, Storage w, Layout wLayout, Storage? bias, Layout? biasLayout,
        Storage gx, Layout gxLayout, ConvGeometry g);

    /// <summary>
    /// The gradient of <see cref="ConvForward"/> with respect to its weight: gw [O, C/G, KH, KW]
    /// (overwritten) = Σ over the batch and output positions of gy [N, O, OH, OW] times the matching
    /// input patches of x [N, C, H, W].
    /// </summary>
    void ConvWeightGrad(Storage x, Layout xLayout, Storage gy, Layout gyLayout, Storage gw, Layout gwLayout, ConvGeometry g);
}
