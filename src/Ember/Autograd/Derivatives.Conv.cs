using Ember.Backends;
using Ember.Graph;
using Ember.NN;

namespace Ember;

// Convolution rows. A convolution is bilinear in (input, weight), so each gradient is again one of
// the three convolution primitives (forward, transposed, weight gradient) with the same geometry;
// under createGraph they record themselves and differentiate again. The bias gradient sums the
// output gradient over batch and positions.
internal static partial class Derivatives
{
    /// <summary>y = conv(x, w) + b (recorded inputs: x, w, b; saved: x, w; state: the geometry).</summary>
    public static readonly Rule Convolution = new("ConvolutionBackward0", static (c, g) =>
    {
        var geo = c.State<ConvGeometry>();
        return [c.NeedsGrad(0) ? ConvCore.ConvTranspose(g[0], c.Saved(1), null, geo) : null,
                c.NeedsGrad(1) ? ConvCore.WeightGrad(c.Saved(0), g[0], geo) : null,
                c.NeedsGrad(2) ? g[0].Sum([0, 2, 3]) : null];
    });

    /// <summary>
    /// y = convᵀ(x, w) + b (recorded inputs: x, w, b; saved: x, w). The geometry is that of the forward
    /// convolution from y's shape to x's, so x's gradient is that convolution of y's gradient and w's
    /// gradient the weight gradient with the roles of input and output gradient taken by gy and x.
    /// </summary>
    public static readonly Rule ConvTranspose = new("ConvolutionBackward0", static (c, g) =>
    {
        var geo = c.State<ConvGeometry>();
        return [c.NeedsGrad(0) ? ConvCore.Conv(g[0], c.Saved(1), null, geo) : null,
                c.NeedsGrad(1) ? ConvCore.WeightGrad(g[0], c.Saved(0), geo) : null,
                c.NeedsGrad(2) ? g[0].Sum([0, 2, 3]) : null];
    });

    /// <summary>
    /// gw = weight gradient of conv at input x for output gradient gy (recorded inputs: x, gy; saved:
    /// both). Linear in each: the gradient for x is convᵀ(gy, ggw) and for gy is conv(x, ggw).
    /// </summary>
    public static readonly Rule ConvWeightGrad = new("ConvolutionBackwardBackward0", static (c, g) =>
    {
        var geo = c.State<ConvGeometry>();
        return [c.NeedsGrad(0) ? ConvCore.ConvTranspose(c.Saved(1), g[0], null, geo) : null,
                c.NeedsGrad(1) ? ConvCore.Conv(c.Saved(0), g[0], null, geo) : null];
    });
}
