using Ember.NN;

namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    // The fused recurrent cells: inputs xGates, hGates [B, G·H], the state [B, H] and b_hh [G·H]. H = 3
    // runs the scalar tail of the kernels; both outputs of the LSTM node are checked through one cat.
    private static IEnumerable<GradCase> RecurrentCases()
    {
        yield return Case("FusedLstmCell", "with bias", x => Cat2(FusedCells.Lstm(x[0], x[1], x[2], x[3])), () => [R(2, 12), R(2, 12), R(2, 3), R(12)], gradGrad: true);
        yield return Case("FusedLstmCell", "no bias, non-contiguous state", x => Cat2(FusedCells.Lstm(x[0], x[1], x[2], null)), () => [R(2, 12), R(2, 12), NC(2, 3)], gradGrad: true);
        yield return Case("FusedLstmCell", "c' only", x => FusedCells.Lstm(x[0], x[1], x[2], x[3]).C, () => [R(2, 12), R(2, 12), R(2, 3), R(12)]);
        yield return Case("FusedGruCell", "with bias", x => FusedCells.Gru(x[0], x[1], x[2], x[3]), () => [R(2, 9), R(2, 9), R(2, 3), R(9)], gradGrad: true);
        yield return Case("FusedGruCell", "no bias, non-contiguous state", x => FusedCells.Gru(x[0], x[1], x[2], null), () => [R(2, 9), R(2, 9), NC(2, 3)], gradGrad: true);
    }

    private static Tensor Cat2((Tensor H, Tensor C) s) => Tensor.Cat([s.H, s.C], 1);
}
