namespace Ember;

/// <summary>
/// The autograd switches, as <c>torch.autograd</c> and <c>torch.no_grad</c>: grad mode is per thread,
/// on by default, and scoped with <c>using</c>.
/// </summary>
public static partial class Autograd
{
    [ThreadStatic] private static bool t_gradDisabled;

    /// <summary>True when operations on this thread record the graph (<c>torch.is_grad_enabled()</c>).</summary>
    public static bool IsGradEnabled => !t_gradDisabled;

    /// <summary>Turns graph recording off until the returned scope is disposed (<c>with torch.no_grad():</c>).</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Turns graph recording on until the returned scope is disposed (<c>with torch.enable_grad():</c>).</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>Sets grad mode; dispose the scope to restore the previous mode (<c>torch.set_grad_enabled(mode)</c>).</summary>
    public static GradModeScope SetGradEnabled(bool enabled) => new(enabled);

    /// <summary>Restores the previous grad mode when disposed.</summary>
    public readonly struct GradModeScope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal GradModeScope(bool enabled)
        {
            _previousDisabled = t_gradDisabled;
            t_gradDisabled = !enabled;
        }

        /// <summary>Restores the grad mode that was in force when the scope was made.</summary>
        public void Dispose() => t_gradDisabled = _previousDisabled;
    }
}
