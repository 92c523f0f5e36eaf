using System.Reflection;
using System.Runtime.Intrinsics;

namespace Ember;

/// <summary>What this build of Ember is and what the machine offers it (<c>torch.__version__</c> and friends).</summary>
public static class EmberInfo
{
    /// <summary>Ember's version, e.g. <c>0.1.0</c>.</summary>
    public static string Version { get; } =
        typeof(EmberInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(EmberInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The widest SIMD vector the CPU kernels can use, in bits (128, 256 or 512).</summary>
    public static int SimdWidthBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;
}
