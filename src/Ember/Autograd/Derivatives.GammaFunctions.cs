using Ember.Graph;

namespace Ember;

internal static partial class Derivatives
{
    /// <summary>lgamma x (saved: x): digamma(x) · grad.</summary>
    public static readonly Rule Lgamma = new("LgammaBackward0", static (c, g) => [g[0] * c.Saved(0).Digamma()]);

    /// <summary>digamma x (saved: x): polygamma(1, x) · grad.</summary>
    public static readonly Rule Digamma = new("DigammaBackward0", static (c, g) => [g[0] * c.Saved(0).Polygamma(1)]);

    /// <summary>polygamma(n, x) (saved: x, state: n): polygamma(n + 1, x) · grad.</summary>
    public static readonly Rule Polygamma = new("PolygammaBackward0", static (c, g) => [g[0] * c.Saved(0).Polygamma(c.State<int>() + 1)]);
}
