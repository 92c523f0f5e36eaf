using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The fused recurrent layers (one autograd node per layer direction) against the per-step path, which
/// packed sequences still take: a 2-layer bidirectional layer with hidden 37 (the vector loops and their
/// scalar tails both run), batch 5, over a batch whose sequences all have the full length, so the packed
/// run computes the same thing step by step. Outputs, final states and every gradient must agree.
/// </summary>
public class FusedLayerTests
{
    private const int T = 6, B = 5, In = 7, H = 37;

    public static TheoryData<string, DType> Cases()
    {
        var data = new TheoryData<string, DType>();
        foreach (var kind in new[] { "lstm", "gru", "rnn_tanh", "rnn_relu" })
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                data.Add(kind, dtype);
        return data;
    }

    private static Module Make(string kind, DType dtype)
    {
        Tensor.ManualSeed(5);
        return kind switch
        {
            "lstm" => new LSTM(In, H, 2, bidirectional: true, dtype: dtype),
            "gru" => new GRU(In, H, 2, bidirectional: true, dtype: dtype),
            _ => new RNN(In, H, 2, nonlinearity: kind[4..], bidirectional: true, dtype: dtype),
        };
    }

    /// <summary>Runs the layer on x (padded, or packed with every length T) and returns [output, h_n, (c_n)].</summary>
    private static Tensor[] Run(Module m, Tensor x, Tensor h0, Tensor c0, bool packed)
    {
        var lengths = Enumerable.Repeat((long)T, B).ToArray();
        Tensor Unpack(PackedSequence p) => Utils.Rnn.PadPackedSequence(p).Output;
        switch (m)
        {
            case LSTM lstm when packed:
            {
                var (o, (h, c)) = lstm.Forward(Utils.Rnn.PackPaddedSequence(x, lengths), (h0, c0));
                return [Unpack(o), h, c];
            }
            case LSTM lstm:
            {
                var (o, (h, c)) = lstm.Forward(x, (h0, c0));
                return [o, h, c];
            }
            case GRU gru when packed:
            {
                var (o, h) = gru.Forward(Utils.Rnn.PackPaddedSequence(x, lengths), h0);
                return [Unpack(o), h];
            }
            case GRU gru:
            {
                var (o, h) = gru.Forward(x, h0);
                return [o, h];
            }
            case RNN rnn when packed:
            {
                var (o, h) = rnn.Forward(Utils.Rnn.PackPaddedSequence(x, lengths), h0);
                return [Unpack(o), h];
            }
            default:
            {
                var (o, h) = ((RNN)m).Forward(x, h0);
                return [o, h];
            }
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void FusedLayerMatchesThePerStepPath(string kind, DType dtype)
    {
        var gen = new Generator(7);
        Tensor Rand(params int[] shape) => Tensor.Randn(shape, dtype: dtype, generator: gen);
        var x = Rand(T, B, In);
        var h0 = Rand(4, B, H);
        var c0 = Rand(4, B, H);
        var weights = new[] { Rand(T, B, 2 * H), Rand(4, B, H), Rand(4, B, H) };
        var m = Make(kind, dtype);
        double rtol = dtype == DType.Float32 ? 1e-5 : 1e-12, atol = dtype == DType.Float32 ? 1e-5 : 1e-12;

        (Tensor[] Outputs, Tensor[] Grads) Once(bool packed)
        {
            m.ZeroGrad();
            var inputs = new[] { x, h0, c0 }.Select(t => t.Detach().Clone().RequiresGrad_()).ToArray();
            var outputs = Run(m, inputs[0], inputs[1], inputs[2], packed);
            outputs.Select((o, i) => (o * weights[i]).Sum()).Aggregate((a, b) => a + b).Backward();
            var grads = inputs.Take(outputs.Length == 3 ? 3 : 2).Select(t => t.Grad!).Concat(m.Parameters().Select(p => p.Grad!)).ToArray();
            return (outputs.Select(o => o.Detach()).ToArray(), grads);
        }

        var fused = Once(packed: false);
        var perStep = Once(packed: true);
        for (int i = 0; i < fused.Outputs.Length; i++) TensorAssert.Close(perStep.Outputs[i], fused.Outputs[i], rtol, atol);
        for (int i = 0; i < fused.Grads.Length; i++) TensorAssert.Close(perStep.Grads[i], fused.Grads[i], rtol, atol);
    }

    [Fact]
    public void EachLayerDirectionIsOneNode()
    {
        var x = Tensor.Randn(4, 3, 2);
        Assert.Equal("FusedLstmLayerBackward", new LSTM(2, 5).Call(x).Output.GradFn!.Name);
        Assert.Equal("FusedGruLayerBackward", new GRU(2, 5).Call(x).Output.GradFn!.Name);
        Assert.Equal("FusedRnnLayerBackward", new RNN(2, 5).Call(x).Output.GradFn!.Name);
        Assert.Equal("FusedRnnLayerBackward", new RNN(2, 5, nonlinearity: "relu").Call(x).Output.GradFn!.Name);
    }
}
