using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>The recurrent layers and cells: gradcheck in float64, PyTorch's messages for bad input and arguments, modes.</summary>
[Collection("DefaultGenerator")]
public class RecurrentTests
{
    private static Tensor R(params int[] shape) => Tensor.Randn(shape, dtype: DType.Float64).RequiresGrad_();

    /// <summary>Gradcheck of a module's outputs with respect to the given inputs and every parameter (perturbed in place).</summary>
    private static void Check(Module m, Tensor[] inputs, Func<Tensor[], Tensor[]> run, bool gradGrad = false)
    {
        var all = inputs.Concat(m.Parameters()).ToArray();
        Tensor[] Fn(Tensor[] xs) => run(xs[..inputs.Length]);
        Assert.True(Ember.Autograd.GradCheck(Fn, all));
        if (gradGrad)
            foreach (int k in Enumerable.Range(0, run(inputs).Length))
                Assert.True(Ember.Autograd.GradGradCheck(xs => Fn(xs)[k], all));
    }

    [Fact]
    public void CellsPassGradcheck()
    {
        Tensor.ManualSeed(0);
        var rnn = new RNNCell(3, 2, dtype: DType.Float64);
        Check(rnn, [R(2, 3), R(2, 2)], x => [rnn.Call(x[0], x[1])], gradGrad: true);
        var lstm = new LSTMCell(3, 2, dtype: DType.Float64);
        Check(lstm, [R(2, 3), R(2, 2), R(2, 2)], x => { var (h, c) = lstm.Call(x[0], (x[1], x[2])); return [h, c]; }, gradGrad: true);
        var gru = new GRUCell(3, 2, dtype: DType.Float64);
        Check(gru, [R(2, 3), R(2, 2)], x => [gru.Call(x[0], x[1])], gradGrad: true);
        var unbatched = new GRUCell(2, 3, bias: false, dtype: DType.Float64);
        Check(unbatched, [R(2)], x => [unbatched.Call(x[0])]);
    }

    [Fact]
    public void TwoLayerBidirectionalLayersPassGradcheck()
    {
        Tensor.ManualSeed(1);
        var lstm = new LSTM(2, 2, numLayers: 2, bidirectional: true, projSize: 1, dtype: DType.Float64);
        Check(lstm, [R(3, 2, 2), R(4, 2, 1), R(4, 2, 2)], x => { var (y, (h, c)) = lstm.Call(x[0], (x[1], x[2])); return [y, h, c]; });
        var gru = new GRU(2, 2, numLayers: 2, bidirectional: true, batchFirst: true, dtype: DType.Float64);
        Check(gru, [R(2, 3, 2), R(4, 2, 2)], x => { var (y, h) = gru.Call(x[0], x[1]); return [y, h]; });
        var rnn = new RNN(2, 3, numLayers: 2, dtype: DType.Float64);
        Check(rnn, [R(3, 2)], x => { var (y, h) = rnn.Call(x[0]); return [y, h]; });
    }

    [Fact]
    public void LayersRejectBadInputWithPyTorchsMessages()
    {
        var lstm = new LSTM(10, 20, 2);
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(5, 3, 7)), "LSTM: input.size(-1) must be equal to input_size. Expected 10, got 7");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(5, 3, 10), (Tensor.Randn(2, 4, 20), Tensor.Randn(2, 3, 20))),
            "LSTM: Expected hidden[0] size (2, 3, 20), got [2, 4, 20]");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(5, 3, 10), (Tensor.Randn(2, 3, 20), Tensor.Randn(2, 4, 20))),
            "Expected hidden[1] size (2, 3, 20), got [2, 4, 20]");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(5, 3, 10), (Tensor.Randn(3, 20), Tensor.Randn(2, 3, 20))),
            "For batched 3-D input, hx and cx should also be 3-D but got (2-D, 3-D) tensors");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(5, 10), (Tensor.Randn(2, 3, 20), Tensor.Randn(2, 3, 20))),
            "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn(3, 5, 3, 10)), "LSTM: Expected input to be 2-D or 3-D but received 4-D tensor");
        TensorAssert.Throws<ArgumentException>(() => lstm.Call(Tensor.Randn([5, 3, 10], dtype: DType.Float64)), "LSTM: input must have the type torch.float32, got type torch.float64");
        var proj = new LSTM(10, 20, projSize: 5);
        TensorAssert.Throws<ArgumentException>(() => proj.Call(Tensor.Randn(5, 3, 10), (Tensor.Randn(1, 3, 20), Tensor.Randn(1, 3, 20))),
            "Expected hidden[0] size (1, 3, 5), got [1, 3, 20]");

        var gru = new GRU(10, 20, 2);
        TensorAssert.Throws<ArgumentException>(() => gru.Call(Tensor.Randn(5, 3, 10), Tensor.Randn(2, 4, 20)), "GRU: Expected hidden size (2, 3, 20), got [2, 4, 20]");
        TensorAssert.Throws<ArgumentException>(() => gru.Call(Tensor.Randn(5, 3, 10), Tensor.Randn(4, 20)), "For batched 3-D input, hx should also be 3-D but got 2-D tensor");
        TensorAssert.Throws<ArgumentException>(() => gru.Call(Tensor.Randn(5, 10), Tensor.Randn(2, 3, 20)), "For unbatched 2-D input, hx should also be 2-D but got 3-D tensor");
        TensorAssert.Throws<ArgumentException>(() => gru.Call(Tensor.Randn(0, 3, 10)), "Expected sequence length to be larger than 0 in RNN");
        var rnn = new RNN(10, 20, nonlinearity: "relu", batchFirst: true);
        TensorAssert.Throws<ArgumentException>(() => rnn.Call(Tensor.Randn(4, 5, 10), Tensor.Randn(1, 5, 20)), "RNN: Expected hidden size (1, 4, 20), got [1, 5, 20]");
    }

    [Fact]
    public void CellsRejectBadInputWithPyTorchsMessages()
    {
        var c = new LSTMCell(10, 20);
        TensorAssert.Throws<ArgumentException>(() => c.Call(Tensor.Randn(3, 7)), "LSTMCell: input has inconsistent input_size: got 7 expected 10");
        TensorAssert.Throws<ArgumentException>(() => c.Call(Tensor.Randn(3, 10), (Tensor.Randn(4, 20), Tensor.Randn(3, 20))), "Input batch size 3 doesn't match hidden0 batch size 4");
        TensorAssert.Throws<ArgumentException>(() => c.Call(Tensor.Randn(3, 10), (Tensor.Randn(3, 21), Tensor.Randn(3, 20))), "hidden0 has inconsistent hidden_size: got 21, expected 20");
        TensorAssert.Throws<ArgumentException>(() => c.Call(Tensor.Randn(3, 10), (Tensor.Randn(3, 20), Tensor.Randn(3, 21))), "hidden1 has inconsistent hidden_size: got 21, expected 20");
        TensorAssert.Throws<ArgumentException>(() => c.Call(Tensor.Randn(3, 4, 10)), "LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor");
        var g = new GRUCell(10, 20);
        TensorAssert.Throws<ArgumentException>(() => g.Call(Tensor.Randn(3, 10), Tensor.Randn(4, 20)), "GRUCell: Input batch size 3 doesn't match hidden0 batch size 4");
        TensorAssert.Throws<ArgumentException>(() => g.Call(Tensor.Randn(10), Tensor.Randn(1, 20)), "GRUCell: Expected hidden0 to be 1-D for unbatched 1-D input, but got 2-D tensor");
        var r = new RNNCell(10, 20);
        TensorAssert.Throws<ArgumentException>(() => r.Call(Tensor.Randn(3, 7)), "RNNCell: input has inconsistent input_size: got 7 expected 10");
    }

    [Fact]
    public void ConstructorsRejectBadArgumentsWithPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => new RNN(10, 20, nonlinearity: "sigmoid"), "Unknown nonlinearity 'sigmoid'");
        TensorAssert.Throws<ArgumentException>(() => new RNNCell(10, 20, nonlinearity: "x"), "RNNCell: Unknown nonlinearity 'x'");
        TensorAssert.Throws<ArgumentException>(() => new LSTM(10, 20, projSize: 20), "LSTM: proj_size has to be smaller than hidden_size");
        TensorAssert.Throws<ArgumentException>(() => new LSTM(10, 20, projSize: -1), "proj_size should be a positive integer or zero to disable projections");
        TensorAssert.Throws<ArgumentException>(() => new GRU(10, 20, dropout: 1.5), "GRU: dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        TensorAssert.Throws<ArgumentException>(() => new LSTM(10, 20, numLayers: 0), "num_layers must be greater than or equal to 1");
        TensorAssert.Throws<ArgumentException>(() => new LSTM(10, 0), "hidden_size must be greater than zero");
    }

    [Fact]
    public void DropoutActsOnlyInTrainingModeAndOnlyBetweenLayers()
    {
        Tensor.ManualSeed(3);
        var lstm = new LSTM(4, 5, numLayers: 2, dropout: 0.9);
        var x = Tensor.Randn(6, 2, 4);
        lstm.Eval();
        var (a, _) = lstm.Call(x);
        var (b, _) = lstm.Call(x);
        TensorAssert.Equal(a, b);
        lstm.Train();
        var (c, _) = lstm.Call(x);
        Assert.False(a.Sub(c).Abs().Max().Item<float>() == 0, "dropout had no effect in training mode");
        // With one layer there is no layer boundary, so training mode changes nothing.
        var single = new LSTM(4, 5, dropout: 0.9);
        var (d, _) = single.Call(x);
        single.Eval();
        TensorAssert.Equal(d, single.Call(x).Output);
    }

    [Fact]
    public void AllWeightsGroupsParametersPerLayerAndDirection()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, bidirectional: true, projSize: 2);
        Assert.Equal(4, lstm.AllWeights.Count);
        Assert.All(lstm.AllWeights, g => Assert.Equal(5, g.Count));
        Assert.Equal([16, 4], lstm.AllWeights[2][0].Shape.ToArray());  // layer 1 reads both directions' projected outputs
        Assert.Equal([2, 4], lstm.AllWeights[3][4].Shape.ToArray());
        Assert.Same(lstm.AllWeights[1][1], lstm.NamedParameters().Single(p => p.Name == "weight_hh_l0_reverse").Parameter);
    }
}
