using System.Numerics;
using System.Runtime.Intrinsics.X86;
using Ember.Backends;
using Ember.Backends.Cpu.Conv;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The direct convolution's kernels on their own, each width that this machine can run (the AVX2
/// ones on AVX-512 machines too: convolutions through the public API take only the machine's own),
/// against plain loops. Values are multiples of 1/4 between -2 and 2, so every sum is exact in both
/// float and double and the kernels must agree to the bit whatever their order of summation.
/// The AVX2 forward pass picks one of two tiles per layer (<c>UseWideTile</c>); the cases cover both.
/// </summary>
public class DirectConvTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        // N, C, H, W, O, K (square), padding, dilation
        { 2, 3, 32, 32, 6, 5, 0, 1 },    // LeNet's conv1: a partial block of channels, 28 columns (a partial last vector)
        { 2, 6, 14, 14, 16, 5, 0, 1 },   // LeNet's conv2: two whole blocks, 10 columns
        { 12, 3, 32, 32, 6, 5, 0, 1 },   // conv1 at a batch large enough to split samples over the worker team
        { 3, 2, 9, 21, 11, 3, 2, 1 },    // padding wider than some windows, a full and a partial block
        { 2, 4, 11, 19, 5, 3, 1, 2 },    // dilated
        { 1, 1, 7, 40, 3, 1, 0, 1 },     // 1x1 kernel, one input channel, several vectors per row
        { 2, 3, 12, 20, 12, 5, 0, 1 },   // AVX2's 6 x 2-vector tile, whole tiles only (16 columns, 12 channels)
        { 2, 2, 10, 18, 9, 3, 0, 1 },    // the same tile with a partial block of channels (9 = 6 + 3)
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void KernelsMatchPlainLoops(int n, int c, int h, int w, int o, int k, int pad, int dil)
    {
        int oh = h + 2 * pad - dil * (k - 1), ow = w + 2 * pad - dil * (k - 1);
        var g = new ConvGeometry(n, c, h, w, o, oh, ow, k, k, 1, 1, pad, pad, dil, dil, 1);
        Check<float>(g);
        Check<double>(g);
    }

    [Fact]
    public void TheAvx2ForwardTileFollowsTheLayer()
    {
        // LeNet's conv1 (6 channels of 28 columns) and the input gradient of conv2 (6 of 14) take the
        // 6 x 2-vector tile; conv2 (16 channels of 10) keeps the 8 x 1-vector one; so do the test cases.
        static ConvGeometry G(int o, int ow) => new(1, 1, 1, ow, o, 1, ow, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        Assert.True(DirectConv<float>.UseWideTile(G(6, 28)));
        Assert.True(DirectConv<float>.UseWideTile(G(6, 14)));
        Assert.True(DirectConv<float>.UseWideTile(G(12, 16)));
        Assert.True(DirectConv<float>.UseWideTile(G(9, 16)));
        Assert.False(DirectConv<float>.UseWideTile(G(16, 10)));
        Assert.False(DirectConv<float>.UseWideTile(G(16, 28)));
    }

    /// <summary>The kernel widths this machine runs: 512-bit ones with AVX-512, 256-bit ones with AVX2 and FMA.</summary>
    private static IEnumerable<bool> Widths()
    {
        if (Avx512F.IsSupported) yield return true;
        if (Avx2.IsSupported && Fma.IsSupported) yield return false;
    }

    private static void Check<T>(ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(g.N * 1000 + g.C * 100 + g.O);
        T[] R(int length)
        {
            var a = new T[length + 3]; // data starts at offset 3: the kernels must honour offsets
            for (int i = 3; i < a.Length; i++) a[i] = T.CreateChecked(rng.Next(-8, 9) / 4.0);
            return a;
        }
        int xLen = g.N * g.C * g.H * g.W, wLen = g.O * g.C * g.KH * g.KW, yLen = g.N * g.O * g.OH * g.OW;
        T[] x = R(xLen), wt = R(wLen), b = R(g.O), gy = R(yLen);
        var y = new T[yLen];
        var gx = new T[xLen];
        var gw = new T[wLen];
        ForEachTap(g, (yi, xi, wi) =>
        {
            y[yi] += x[3 + xi] * wt[3 + wi];
            gx[xi] += gy[3 + yi] * wt[3 + wi];
            gw[wi] += gy[3 + yi] * x[3 + xi];
        });
        for (int i = 0; i < yLen; i++) y[i] += b[3 + i / (g.OH * g.OW) % g.O];
        var t = DirectConv<T>.TransposedGeometry(g);
        foreach (bool wide in Widths())
        {
            // Forward with bias.
            var got = new T[yLen + 3];
            DirectConv<T>.Forward(x, 3, wt, 3, b, 3, got, 3, g, wide);
            Assert.Equal(y, got.AsSpan(3).ToArray());
            // Input gradient: the transposed convolution of gy, where the direct kernel takes it.
            if (t is not null)
            {
                got = new T[xLen + 3];
                DirectConv<T>.InputGrad(gy, 3, wt, 3, null, 0, got, 3, t, wide);
                Assert.Equal(gx, got.AsSpan(3).ToArray());
            }
            got = new T[wLen + 3];
            DirectConv<T>.WeightGrad(x, 3, gy, 3, got, 3, g, wide);
            Assert.Equal(gw, got.AsSpan(3).ToArray());
        }
    }

    /// <summary>Every (output, input, weight) index triple of the convolution whose input lies inside the plane.</summary>
    private static void ForEachTap(ConvGeometry g, Action<int, int, int> visit)
    {
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.O; o++)
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                        for (int c = 0; c < g.C; c++)
                            for (int kh = 0; kh < g.KH; kh++)
                                for (int kw = 0; kw < g.KW; kw++)
                                {
                                    int ih = i - g.PH + kh * g.DH, iw = j - g.PW + kw * g.DW;
                                    if ((uint)ih >= (uint)g.H || (uint)iw >= (uint)g.W) continue;
                                    visit(((n * g.O + o) * g.OH + i) * g.OW + j, ((n * g.C + c) * g.H + ih) * g.W + iw,
                                        ((o * g.C + c) * g.KH + kh) * g.KW + kw);
                                }
    }
}
