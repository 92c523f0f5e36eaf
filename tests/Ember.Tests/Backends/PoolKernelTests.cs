using System.Runtime.Intrinsics.X86;
using Ember.Backends.Cpu.Conv;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The vectorised 2 x 2 max-pooling rows on their own, each width this machine can run (the AVX2 one
/// on AVX-512 machines too), against the scalar rule: take a candidate if it is greater than the best
/// so far or NaN, in the order (0, 0), (0, 1), (1, 0), (1, 1), so ties keep the first and the last NaN wins.
/// </summary>
public class PoolKernelTests
{
    [Theory]
    [InlineData(8, 0)]   // one vector of windows
    [InlineData(21, 3)]  // two vectors and a scalar tail (left to the caller), odd row width
    [InlineData(40, 7)]  // many vectors
    public void TwoByTwoRowsMatchTheScalarRule(int outWidth, int seed)
    {
        var rng = new Random(seed);
        int w = 2 * outWidth + 1, top = 2 * w;
        float V()
        {
            int r = rng.Next(20);
            return r == 0 ? float.NaN : r == 1 ? float.NegativeInfinity : rng.Next(-3, 4); // many ties
        }
        var r0 = new float[2 * outWidth];
        var r1 = new float[2 * outWidth];
        for (int i = 0; i < r0.Length; i++) { r0[i] = V(); r1[i] = V(); }
        var (ey, ei) = Scalar(r0, r1, top, w);
        if (Avx2.IsSupported) Check(PoolKernels<float>.MaxTwoByTwoFloat8);
        if (Avx512F.IsSupported) Check(PoolKernels<float>.MaxTwoByTwoFloat16);

        void Check(Kernel kernel)
        {
            var y = new float[outWidth];
            var idx = new long[outWidth];
            int done = kernel(r0, r1, y, idx, top, w);
            Assert.True(done <= outWidth && outWidth - done < 16);
            for (int j = 0; j < done; j++)
            {
                Assert.Equal(ey[j], y[j]); // NaN equals NaN here
                Assert.Equal(ei[j], idx[j]);
            }
        }
    }

    private delegate int Kernel(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, Span<float> y, Span<long> idx, int top, int w);

    private static (float[] Y, long[] Idx) Scalar(float[] r0, float[] r1, int top, int w)
    {
        int n = r0.Length / 2;
        var y = new float[n];
        var idx = new long[n];
        for (int j = 0; j < n; j++)
        {
            (float v, long at)[] candidates = [(r0[2 * j], top + 2 * j), (r0[2 * j + 1], top + 2 * j + 1), (r1[2 * j], top + w + 2 * j), (r1[2 * j + 1], top + w + 2 * j + 1)];
            var (best, bestAt) = candidates[0];
            foreach (var (v, at) in candidates.Skip(1))
                if (v > best || float.IsNaN(v)) { best = v; bestAt = at; }
            y[j] = best;
            idx[j] = bestAt;
        }
        return (y, idx);
    }
}
