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
        // A whole LSTM layer direction: proj [T·B, 4H], h0 and c0 [B, H], W_hh [4H, H], b_hh [4H]; every
        // output (the outputs, h_n, c_n) checked through one cat. Batch 3 takes the prepacked W_hh, batch 1 the unpacked one.
        yield return Case("FusedLstmLayer", "forward, batch 3", x => Layer(FusedLstmLayer.Run(x[0], x[1], x[2], x[3], x[4], 4, reverse: false)),
            () => [R(12, 12), R(3, 3), R(3, 3), R(12, 3), R(12)], gradGrad: true);
        yield return Case("FusedLstmLayer", "reverse, batch 1, no bias", x => Layer(FusedLstmLayer.Run(x[0], x[1], x[2], x[3], null, 3, reverse: true)),
            () => [R(3, 8), R(1, 2), NC(1, 2), R(8, 2)], gradGrad: true);
        yield return Case("FusedLstmLayer", "outputs only, batch 2", x => FusedLstmLayer.Run(x[0], x[1], x[2], x[3], x[4], 3, reverse: false).Output,
            () => [R(6, 12), R(2, 3), R(2, 3), R(12, 3), R(12)]);
        // A whole GRU layer direction: proj [T·B, 3H], h0 [B, H], W_hh [3H, H], b_hh [3H]; the outputs and h_n through one cat.
        yield return Case("FusedGruLayer", "forward, batch 3", x => Layer2(FusedGruLayer.Run(x[0], x[1], x[2], x[3], 4, reverse: false)),
            () => [R(12, 9), R(3, 3), R(9, 3), R(9)], gradGrad: true);
        yield return Case("FusedGruLayer", "reverse, batch 1, no bias", x => Layer2(FusedGruLayer.Run(x[0], x[1], x[2], null, 3, reverse: true)),
            () => [R(3, 6), NC(1, 2), R(6, 2)], gradGrad: true);
        yield return Case("FusedGruLayer", "h_n only, batch 2", x => FusedGruLayer.Run(x[0], x[1], x[2], x[3], 3, reverse: true).H,
            () => [R(6, 9), R(2, 3), R(9, 3), R(9)]);
        // A whole tanh or relu RNN layer direction: proj [T·B, H], h0 [B, H], W_hh [H, H], b_hh [H].
        yield return Case("FusedRnnLayer", "tanh, batch 3", x => Layer2(FusedRnnLayer.Run(x[0], x[1], x[2], x[3], 4, reverse: false, relu: false)),
            () => [R(12, 3), R(3, 3), R(3, 3), R(3)], gradGrad: true);
        yield return Case("FusedRnnLayer", "tanh reverse, batch 1, no bias", x => Layer2(FusedRnnLayer.Run(x[0], x[1], x[2], null, 3, reverse: true, relu: false)),
            () => [R(3, 2), NC(1, 2), R(2, 2)], gradGrad: true);
        yield return Case("FusedRnnLayer", "relu, batch 2", x => Layer2(FusedRnnLayer.Run(x[0], x[1], x[2], x[3], 3, reverse: true, relu: true)),
            () => [R(6, 3), R(2, 3), R(3, 3), R(3)], gradGrad: true);
    }

    private static Tensor Layer2((Tensor Output, Tensor H) s) => Tensor.Cat([s.Output.Flatten(), s.H.Flatten()], 0);

    private static Tensor Layer((Tensor Output, Tensor H, Tensor C) s) => Tensor.Cat([s.Output.Flatten(), s.H.Flatten(), s.C.Flatten()], 0);

    private static Tensor Cat2((Tensor H, Tensor C) s) => Tensor.Cat([s.H, s.C], 1);
}
