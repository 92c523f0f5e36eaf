namespace Ember;

/// <summary>
/// How many threads Ember's CPU kernels use (<c>torch.set_num_threads</c> / <c>torch.get_num_threads</c>).
/// The default is the number of logical processors. Large GEMMs, convolutions and reductions split
/// their work across this many threads; small ones stay on the calling thread whatever the setting.
/// </summary>
public static class Threads
{
    private static int _count = Environment.ProcessorCount;
    private static ParallelOptions _options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>The number of threads CPU kernels may use (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public static int Count
    {
        get => _count;
        set
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Threads.Count: the number of threads must be positive, got {value}.");
            _options = new ParallelOptions { MaxDegreeOfParallelism = value };
            _count = value;
        }
    }

    /// <summary>Options that cap a <c>Parallel.For</c> at <see cref="Count"/> threads.</summary>
    internal static ParallelOptions Options => _options;
}
