using Ember.Graph;

namespace Ember;

// Pointwise rows of the derivative table.
internal static partial class Derivatives
{
    /// <summary>z = a * b (recorded inputs: a, b).</summary>
    public static readonly Rule Mul = new("MulBackward0", static (c, g) =>
        [c.NeedsGrad(0) ? g[0] * c.Saved(1) : null, c.NeedsGrad(1) ? g[0] * c.Saved(0) : null]);
}
