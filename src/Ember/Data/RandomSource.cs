using Ember.Rng;

namespace Ember.Data;

/// <summary>
/// Where the data pipeline gets its randomness: shuffles, random samplers, random splits and
/// random transforms all draw through this one small interface. The implementation draws from
/// Ember's PyTorch-compatible <see cref="Generator"/> exactly as PyTorch's data utilities call
/// <c>torch.randperm</c>, <c>torch.randint</c>, <c>torch.rand</c> and <c>torch.multinomial</c>,
/// so that a seeded Ember pipeline visits samples in the same order as the same PyTorch pipeline.
/// </summary>
/// <remarks>
/// Implementations need not be thread-safe beyond what <see cref="Generator"/> guarantees; callers
/// that share one across threads (random transforms running on DataLoader workers) lock around it.
/// </remarks>
internal interface IRandomSource
{
    /// <summary>A random permutation of 0..n-1 (<c>torch.randperm(n, generator=g)</c>).</summary>
    int[] RandPerm(int n);

    /// <summary>A uniform integer in [low, high) (<c>torch.randint(low, high, ())</c>).</summary>
    long RandInt(long low, long high);

    /// <summary>A uniform number in [0, 1) (<c>torch.rand(1)</c>, float32, returned widened).</summary>
    double Rand();

    /// <summary>
    /// <paramref name="count"/> indices drawn with probability proportional to
    /// <paramref name="weights"/> (<c>torch.multinomial(weights, count, replacement, generator=g)</c>).
    /// </summary>
    int[] Multinomial(ReadOnlySpan<double> weights, int count, bool replacement);

    /// <summary>
    /// A 63-bit seed (<c>torch.empty((), dtype=torch.int64).random_(generator=g)</c>): what PyTorch's
    /// DataLoader draws as each epoch's base seed and RandomSampler as each epoch's own seed.
    /// </summary>
    long SeedDraw();

    /// <summary>
    /// The source one epoch of a <c>RandomSampler</c> draws from: the explicit generator itself when
    /// there is one; otherwise, as PyTorch does, a fresh generator seeded by a draw from the default one.
    /// </summary>
    IRandomSource ForEpoch();
}

/// <summary>Builds random sources from the public <c>seed</c> and <c>generator</c> arguments.</summary>
internal static class RandomSources
{
    /// <summary>
    /// A source drawing from <paramref name="generator"/>, from a new generator seeded with
    /// <paramref name="seed"/>, or, when both are null, from the default generator (so that
    /// <c>Tensor.ManualSeed</c> makes the pipeline reproducible, as <c>torch.manual_seed</c> does).
    /// </summary>
    /// <exception cref="ArgumentException">Both a seed and a generator were given.</exception>
    public static IRandomSource From(int? seed, Generator? generator, string op)
    {
        if (seed is not null && generator is not null)
            throw new ArgumentException($"{op}: pass either a seed or a generator, not both (seed={seed}).", nameof(seed));
        return new GeneratorRandomSource(seed is { } s ? new Generator((ulong)(uint)s) : generator);
    }
}

/// <summary>
/// Draws through a <see cref="Generator"/> (or the default generator at the time of each draw when
/// none is given), with PyTorch 1.13's CPU algorithms for each kind of draw.
/// </summary>
internal sealed class GeneratorRandomSource(Generator? generator) : IRandomSource
{
    private Generator G => generator ?? Generator.Default;

    /// <summary>The generator given, or null when drawing from the default one.</summary>
    public Generator? Explicit => generator;

    public int[] RandPerm(int n)
    {
        long[] perm = Tensor.RandPerm(n, G).ToArray<long>();
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = (int)perm[i];
        return result;
    }

    public long RandInt(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"random_: expects 'from' to be less than 'to', but got from={low} >= to={high}.");
        return Tensor.RandInt(low, high, [], G).Item<long>();
    }

    public double Rand() => Tensor.Rand([], G).Item<float>();

    public long SeedDraw()
    {
        var g = G;
        // uniform_int_distribution<int64_t> over the full range: random64() % (INT64_MAX + 1).
        lock (g.Mutex) return (long)(g.Random64() % (1UL << 63));
    }

    public IRandomSource ForEpoch() =>
        generator is not null ? this : new GeneratorRandomSource(new Generator((ulong)SeedDraw()));

    // torch.multinomial over the weights as a float64 tensor, as WeightedRandomSampler calls it.
    public int[] Multinomial(ReadOnlySpan<double> weights, int count, bool replacement)
    {
        long[] drawn = Tensor.From<double>(weights, [weights.Length]).Multinomial(count, replacement, G).ToArray<long>();
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = (int)drawn[i];
        return result;
    }
}
