using Ember.Graph;

namespace Ember;

internal static partial class Derivatives
{
    /// <summary>atan x (saved: x): grad / (1 + x²).</summary>
    public static readonly Rule Atan = new("AtanBackward0", static (c, g) => [g[0] / (c.Saved(0).Pow(2) + 1.0)]);

    /// <summary>tan x (saved: the result): grad · (1 + tan² x).</summary>
    public static readonly Rule Tan = new("TanBackward0", static (c, g) => [g[0] * (c.Saved(0).Pow(2) + 1.0)]);
}
