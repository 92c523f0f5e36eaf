using Ember.NN;

namespace Ember.Cli;

/// <summary>
/// The language model of <c>ember train --model lstm-lm</c>: examples/11-language-model.cs's RNNModel
/// with an LSTM (PyTorch's word_language_model): embedding, dropout, LSTM, dropout, linear decoder,
/// log-softmax. Its state dict has the example's (and PyTorch's) names: <c>encoder.weight</c>,
/// <c>rnn.weight_ih_l0</c>, ..., <c>decoder.weight</c>, <c>decoder.bias</c>.
/// </summary>
internal sealed class CharLanguageModel : Module<Tensor, (Tensor H, Tensor C), (Tensor Output, (Tensor H, Tensor C) Hidden)>
{
    private readonly Dropout drop;
    private readonly Embedding encoder;
    private readonly LSTM rnn;
    private readonly Linear decoder;
    private readonly int _tokens, _hidden, _layers;

    public CharLanguageModel(int tokens, int hidden, int layers, double dropout)
    {
        (_tokens, _hidden, _layers) = (tokens, hidden, layers);
        drop = new Dropout(dropout);
        encoder = new Embedding(tokens, hidden);
        // PyTorch warns about dropout between the layers of a one-layer LSTM, where there is none.
        rnn = new LSTM(hidden, hidden, layers, dropout: layers > 1 ? dropout : 0);
        decoder = new Linear(hidden, tokens);
        Init.Uniform_(encoder.Weight, -0.1, 0.1);
        Init.Zeros_(decoder.Bias!);
        Init.Uniform_(decoder.Weight, -0.1, 0.1);
    }

    /// <summary>Log-probabilities of the next token, [T·B, tokens], for input [T, B], and the LSTM's state after it.</summary>
    public override (Tensor Output, (Tensor H, Tensor C) Hidden) Forward(Tensor input, (Tensor H, Tensor C) hidden)
    {
        var emb = drop.Call(encoder.Call(input));
        var (output, state) = rnn.Call(emb, hidden);
        var decoded = decoder.Call(drop.Call(output)).View(-1, _tokens);
        return (F.LogSoftmax(decoded, dim: 1), state);
    }

    /// <summary>Zero states for <paramref name="batch"/> columns.</summary>
    public (Tensor H, Tensor C) InitHidden(int batch) => (Tensor.Zeros(_layers, batch, _hidden), Tensor.Zeros(_layers, batch, _hidden));

    /// <summary>
    /// <paramref name="count"/> characters drawn one at a time from softmax(output) (temperature 1), starting
    /// from a random token, each fed back as the next input (the example's generate.py part). The draws
    /// are <c>torch.multinomial</c>'s from the default generator, so a seeded run samples the same text.
    /// </summary>
    public string Sample(string vocabulary, int count)
    {
        this.Eval();
        var hidden = InitHidden(1);
        var input = Tensor.RandInt(_tokens, [1, 1]);
        var text = new System.Text.StringBuilder();
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < count; i++)
            {
                (var output, hidden) = Call(input, hidden);
                // generate.py's torch.multinomial(word_weights, 1)[0], with PyTorch's stream.
                int k = (int)Tensor.Multinomial(output.Squeeze().Exp(), 1)[0].Item<long>();
                input.Fill_(k);
                text.Append(vocabulary[k]);
            }
        }
        return text.ToString();
    }
}
