namespace Ember.Backends.Cpu.Gemm;

/// <summary>
/// The data cache sizes of this machine's first core, which the GEMM's blocking follows: read from
/// Linux's <c>/sys/devices/system/cpu/cpu0/cache</c>, else typical sizes of current x86-64 cores
/// (32 KiB L1d, 512 KiB L2, 8 MiB shared L3).
/// </summary>
internal static class CacheSizes
{
    /// <summary>Level-1 data cache, bytes.</summary>
    public static readonly long L1 = Detect(1, 32 << 10);

    /// <summary>Level-2 cache (per core on current x86-64 parts), bytes.</summary>
    public static readonly long L2 = Detect(2, 512 << 10);

    /// <summary>Level-3 cache (shared by the cores), bytes.</summary>
    public static readonly long L3 = Detect(3, 8 << 20);

    private static long Detect(int level, long fallback)
    {
        try
        {
            const string root = "/sys/devices/system/cpu/cpu0/cache";
            if (!Directory.Exists(root)) return fallback;
            foreach (var dir in Directory.GetDirectories(root, "index*"))
            {
                if (File.ReadAllText(Path.Combine(dir, "level")).Trim() != level.ToString()) continue;
                if (File.ReadAllText(Path.Combine(dir, "type")).Trim() == "Instruction") continue;
                long size = Parse(File.ReadAllText(Path.Combine(dir, "size")).Trim());
                if (size > 0) return size;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return fallback;
    }

    /// <summary>"32K", "1024K", "32M" or a plain byte count; 0 when unreadable.</summary>
    internal static long Parse(string s)
    {
        if (s.Length == 0) return 0;
        long unit = char.ToUpperInvariant(s[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? s : s[..^1];
        return long.TryParse(digits, out long v) && v > 0 ? v * unit : 0;
    }
}
