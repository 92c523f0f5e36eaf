using Ember.Graph;

namespace Ember;

public static partial class Autograd
{
    [ThreadStatic] private static bool t_anomaly;

    /// <summary>True inside <see cref="DetectAnomaly"/> on this thread.</summary>
    public static bool IsAnomalyEnabled => t_anomaly;

    /// <summary>
    /// Until the scope is disposed, every recorded op keeps the C# stack trace that created it, and a
    /// backward node that produces NaN throws, naming the node and that forward trace
    /// (<c>torch.autograd.detect_anomaly()</c>). Slow: for debugging only.
    /// </summary>
    public static AnomalyScope DetectAnomaly() => new(true);

    /// <summary>Restores the previous anomaly mode when disposed.</summary>
    public readonly struct AnomalyScope : IDisposable
    {
        private readonly bool _previous;
        internal AnomalyScope(bool enabled) { _previous = t_anomaly; t_anomaly = enabled; }
        /// <summary>Restores the anomaly mode in force when the scope was made.</summary>
        public void Dispose() => t_anomaly = _previous;
    }

    internal static void CheckForNaN(Node node, Tensor?[] outs)
    {
        for (int i = 0; i < outs.Length; i++)
        {
            if (outs[i] is not { } g || !g.DType.IsFloatingPoint()) continue;
            bool nan;
            using (NoGrad()) nan = g.IsNan().Any().Item<bool>();
            if (nan)
                throw new InvalidOperationException(
                    $"Function '{node.Name}' returned nan values in its {i}th output.\nTraceback of the forward call that caused the error:\n{node.CreationTrace ?? "(not recorded: the op ran outside DetectAnomaly)"}");
        }
    }
}
