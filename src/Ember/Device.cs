using System.Globalization;

namespace Ember;

/// <summary>The kind of device a tensor lives on.</summary>
public enum DeviceType
{
    /// <summary>The host CPU.</summary>
    Cpu,
    /// <summary>An NVIDIA GPU.</summary>
    Cuda,
}

/// <summary>
/// Where a tensor lives, as <c>torch.device</c>: <c>cpu</c> or <c>cuda:N</c>.
/// Parsing never touches hardware; using a device that is not available throws <see cref="DeviceUnavailableException"/>.
/// </summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu);

    /// <summary>The CUDA device with the given ordinal.</summary>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive), as <c>torch.device(str)</c>.</summary>
    /// <exception cref="FormatException">The text is not a device string.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        string kind = s;
        int index = 0;
        int colon = s.IndexOf(':');
        if (colon >= 0)
        {
            kind = s[..colon];
            if (!int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out index))
                throw new FormatException($"Device.Parse: invalid device string '{text}': expected 'cpu', 'cuda' or 'cuda:N' with N a non-negative integer.");
        }
        return kind switch
        {
            "cpu" when colon < 0 || index == 0 => Cpu,
            "cuda" => new Device(DeviceType.Cuda, index),
            _ => throw new FormatException($"Device.Parse: invalid device string '{text}': expected 'cpu', 'cuda' or 'cuda:N'."),
        };
    }

    /// <summary>Formats as PyTorch does: <c>cpu</c> or <c>cuda:0</c>.</summary>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}

/// <summary>Thrown when a tensor is created on, or moved to, a device this machine cannot use.</summary>
public sealed class DeviceUnavailableException(string message) : InvalidOperationException(message);
