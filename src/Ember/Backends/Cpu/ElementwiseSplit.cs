namespace Ember.Backends.Cpu;

/// <summary>
/// Splits one long contiguous elementwise run (a ReLU or its backward over a convolution's
/// activations) over the worker team. Each element is computed alone, so results do not depend on
/// the split; chunks other than the last are whole multiples of 64 elements, so each one runs the
/// vector loop exactly as the whole run would.
/// </summary>
internal static class ElementwiseSplit
{
    /// <summary>Runs shorter than this stay on the calling thread: memory-bound work of a few µs does not pay for a fork and join.</summary>
    public const int MinElements = 1 << 16;

    /// <summary>How many chunks a run of <paramref name="n"/> elements takes (1: run it whole, here).</summary>
    public static int Chunks(int n) => n >= MinElements && Threads.Count > 1 ? Math.Min(Threads.Count, n / (MinElements / 2)) : 1;

    /// <summary>The start and length of chunk <paramref name="i"/> of <paramref name="chunks"/> over <paramref name="n"/> elements.</summary>
    public static (int Start, int Length) Range(int n, int chunks, int i)
    {
        int per = (n / chunks + 63) & ~63;
        int start = Math.Min(n, i * per);
        return (start, Math.Min(per, n - start));
    }
}
