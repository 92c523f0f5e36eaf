using Ember.Backends;
using Ember.Graph;
using Ember.NN;

namespace Ember;

// Pooling rows. Max pooling sends each output gradient to the input element that won its window
// (saved as indices); the second derivative gathers from the same indices. Average pooling is
// linear and its gradient is its adjoint, so the two differentiate into each other.
internal static partial class Derivatives
{
    /// <summary>y, idx = max_pool2d(x) (recorded input: x; saved: the indices; state: x's shape).</summary>
    public static readonly Rule MaxPool2d = new("MaxPool2DWithIndicesBackward0", static (c, g) =>
        [PoolCore.MaxBackward(g[0], c.Saved(0), c.State<int[]>())]);

    /// <summary>y, idx = adaptive_max_pool2d(x) (recorded input: x; saved: the indices; state: x's shape).</summary>
    public static readonly Rule AdaptiveMaxPool2d = new("AdaptiveMaxPool2DBackward0", static (c, g) =>
        [PoolCore.MaxBackward(g[0], c.Saved(0), c.State<int[]>())]);

    /// <summary>gx = the max-pool gradient of gy (recorded input: gy; saved: the indices): its own gradient gathers at them.</summary>
    public static readonly Rule MaxPoolBackward = new("MaxPool2DWithIndicesBackwardBackward0", static (c, g) =>
    {
        var idx = c.Saved(0);
        return [g[0].Flatten(2).Gather(2, idx.Flatten(2)).View(idx.Layout.Shape)];
    });

    /// <summary>y = avg_pool2d(x) (recorded input: x; state: the windows).</summary>
    public static readonly Rule AvgPool2d = new("AvgPool2DBackward0", static (c, g) =>
        [PoolCore.AvgBackward(g[0], c.State<PoolWindows>())]);

    /// <summary>y = adaptive_avg_pool2d(x) (recorded input: x; state: the windows).</summary>
    public static readonly Rule AdaptiveAvgPool2d = new("AdaptiveAvgPool2DBackward0", static (c, g) =>
        [PoolCore.AvgBackward(g[0], c.State<PoolWindows>())]);

    /// <summary>gx = the average-pool gradient of gy (recorded input: gy; state: the windows): its gradient is the pooling itself.</summary>
    public static readonly Rule AvgPoolBackward = new("AvgPool2DBackwardBackward0", static (c, g) =>
        [PoolCore.Avg(g[0], c.State<PoolWindows>(), AvgPool2d)]);
}
