using Ember.Backends.Cpu.Gemm;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// Packing of A into the micro-kernels' panel order, for both tile heights (6 rows for the AVX2
/// kernel, 12 for the AVX-512 one) whatever kernel this machine runs: the vectorised row-major path
/// (8 k steps transposed in registers) must give exactly the element-by-element layout.
/// </summary>
public unsafe class PackingTests
{
    [Theory]
    [InlineData(6, 6, 8)]
    [InlineData(6, 17, 21)]   // an edge panel and k steps past the last group of 8
    [InlineData(6, 12, 3)]
    [InlineData(12, 12, 16)]
    [InlineData(12, 30, 37)]
    [InlineData(12, 5, 9)]
    public void PackARowMajorGivesThePanelLayout(int mr, int mc, int kc)
    {
        int rs = kc + 5; // rows wider than the slice: only kc of each row is read
        var a = new float[mc * rs];
        for (int i = 0; i < a.Length; i++) a[i] = i + 1;
        int panels = (mc + mr - 1) / mr;
        var packed = new float[panels * mr * kc + 16];
        Array.Fill(packed, -1f);
        fixed (float* pa = a, pp = packed) Packing<float>.PackA(pa, rs, 1, mc, kc, mr, pp);
        for (int q = 0; q < panels; q++)
            for (int p = 0; p < kc; p++)
                for (int i = 0; i < mr; i++)
                {
                    int row = q * mr + i;
                    float expected = row < mc ? a[row * rs + p] : 0f;
                    Assert.Equal(expected, packed[q * mr * kc + p * mr + i]);
                }
        Assert.All(packed[(panels * mr * kc)..], v => Assert.Equal(-1f, v)); // nothing written past the panels
    }

    [Theory]
    [InlineData(16, 8, 8)]
    [InlineData(32, 32, 256)]
    [InlineData(32, 29, 21)]   // a partial panel (zero-filled) and k steps past the last group of 8
    [InlineData(16, 45, 3)]
    [InlineData(32, 7, 9)]
    public void PackBColumnMajorGivesThePanelLayout(int nr, int nc, int kc)
    {
        // A transposed B (each column contiguous in k, columns cs apart): the 8 x 8 register transpose
        // must give exactly the element-by-element layout.
        int cs = kc + 3;
        var b = new float[nc * cs];
        for (int i = 0; i < b.Length; i++) b[i] = i + 1;
        int panels = (nc + nr - 1) / nr;
        var packed = new float[panels * nr * kc + 16];
        Array.Fill(packed, -1f);
        fixed (float* pb = b, pp = packed) Packing<float>.PackB(pb, 1, cs, kc, nc, nr, pp);
        for (int q = 0; q < panels; q++)
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < nr; j++)
                {
                    int col = q * nr + j;
                    float expected = col < nc ? b[col * cs + p] : 0f;
                    Assert.Equal(expected, packed[q * nr * kc + p * nr + j]);
                }
        Assert.All(packed[(panels * nr * kc)..], v => Assert.Equal(-1f, v));
    }
}
