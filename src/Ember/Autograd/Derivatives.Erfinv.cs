using Ember.Graph;

namespace Ember;

internal static partial class Derivatives
{
    /// <summary>z = erfinv x (saved: z): PyTorch's 0.5 · sqrt(pi) · exp(z²) · grad.</summary>
    public static readonly Rule Erfinv = new("ErfinvBackward0", static (c, g) =>
    {
        var z = c.Saved(0);
        return [0.5 * Math.Sqrt(Math.PI) * (z * z).Exp() * g[0]];
    });
}
