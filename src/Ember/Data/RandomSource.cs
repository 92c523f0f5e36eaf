namespace Ember.Data;

/// <summary>
/// Where the data pipeline gets its randomness: shuffles, random samplers, random splits and
/// random transforms all draw through this one small interface, so that Ember's PyTorch-compatible
/// <c>Generator</c> can stand behind it (an adapter implementing these four methods) without any
/// sampler changing. Until then <see cref="SeededRandomSource"/> is the implementation.
/// </summary>
/// <remarks>
/// Implementations need not be thread-safe; callers that share one across threads (random
/// transforms running on DataLoader workers) lock around it.
/// </remarks>
internal interface IRandomSource
{
    /// <summary>A random permutation of 0..n-1 (<c>torch.randperm(n, generator=g)</c>).</summary>
    int[] RandPerm(int n);

    /// <summary>A uniform integer in [low, high) (<c>torch.randint(low, high, ())</c>).</summary>
    long RandInt(long low, long high);

    /// <summary>A uniform double in [0, 1) (<c>torch.rand(())</c>).</summary>
    double Rand();

    /// <summary>
    /// <paramref name="count"/> indices drawn with probability proportional to
    /// <paramref name="weights"/> (<c>torch.multinomial(weights, count, replacement, generator=g)</c>).
    /// </summary>
    int[] Multinomial(ReadOnlySpan<double> weights, int count, bool replacement);
}

/// <summary>Builds random sources from the public <c>seed</c> arguments.</summary>
internal static class RandomSources
{
    /// <summary>
    /// A source seeded with <paramref name="seed"/>, or, when it is null, with a fresh seed drawn
    /// from the operating system (as PyTorch draws a fresh seed when no generator is given).
    /// </summary>
    public static IRandomSource FromSeed(int? seed) =>
        new SeededRandomSource(seed is { } s ? (ulong)(uint)s : NonDeterministicSeed());

    /// <summary>A seed from the OS entropy source, for unseeded pipelines.</summary>
    public static ulong NonDeterministicSeed()
    {
        Span<byte> b = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(b);
        return BitConverter.ToUInt64(b);
    }
}

/// <summary>
/// A seeded xoshiro256** stream (seeded through SplitMix64). Deterministic across platforms and
/// .NET versions, unlike <see cref="System.Random"/>, whose seeded sequence .NET does not promise
/// to keep. The numbers differ from PyTorch's mt19937/Philox streams; the real <c>Generator</c>
/// replaces this class when it lands.
/// </summary>
internal sealed class SeededRandomSource : IRandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandomSource(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    // Unbiased bounded integer by rejection (Lemire's method without the multiply trick, kept simple).
    private ulong Below(ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound));
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = Next(); while (r >= limit);
        return r % bound;
    }

    public double Rand() => (Next() >> 11) * (1.0 / (1UL << 53));

    public long RandInt(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"random_: expects 'from' to be less than 'to', but got from={low} >= to={high}.");
        return low + (long)Below((ulong)(high - low));
    }

    public int[] RandPerm(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)Below((ulong)i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    public int[] Multinomial(ReadOnlySpan<double> weights, int count, bool replacement)
    {
        var w = weights.ToArray();
        var result = new int[count];
        if (replacement)
        {
            var cum = new double[w.Length];
            double acc = 0;
            for (int i = 0; i < w.Length; i++) { acc += w[i]; cum[i] = acc; }
            for (int k = 0; k < count; k++)
            {
                double u = Rand() * acc;
                int idx = Array.BinarySearch(cum, u);
                idx = idx >= 0 ? idx + 1 : ~idx;
                // Skip zero-weight entries that share the cumulative value of their predecessor.
                while (idx < w.Length - 1 && w[idx] == 0) idx++;
                result[k] = Math.Min(idx, w.Length - 1);
            }
            return result;
        }
        double total = 0;
        foreach (double x in w) total += x;
        for (int k = 0; k < count; k++)
        {
            double u = Rand() * total, acc = 0;
            int pick = -1;
            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] <= 0) continue;
                acc += w[i];
                pick = i;
                if (u < acc) break;
            }
            result[k] = pick;
            total -= w[pick];
            w[pick] = 0;
        }
        return result;
    }
}
