using Ember;
using Ember.NN;
using Ember.Optim;

namespace EmberCompare;

/// <summary>
/// The sequence workloads of issue 14: pytorch/examples word_language_model at its classic size
/// (vocabulary 10000, width 200, 2 layers, sequence 35, batch = the size), one training step each
/// (zero-grad, forward, loss over every token, backward, clip_grad_norm_(0.25), SGD lr 0.1), dropout 0.
/// Line for line the models of seq_workloads.py; see there for why.
/// </summary>
static partial class Workloads
{
    internal const int Vocab = 10000, Width = 200, Layers = 2, Seq = 35;
    const double Clip = 0.25, Lr = 0.1;

    static partial void AddSequence(Dictionary<string, Func<int, Action>> workloads)
    {
        workloads["lstm_lm_step"] = LstmLmStep;
        AddTransformer(workloads);
    }

    /// <summary>Implemented in SequenceWorkloads.Transformer.cs once Ember has nn.TransformerEncoder.</summary>
    static partial void AddTransformer(Dictionary<string, Func<int, Action>> workloads);

    /// <summary>[Seq, batch] int64 ids (t·7 + b·13 + shift) mod Vocab, as seq_workloads.tokens.</summary>
    internal static Tensor Tokens(int batch, int shift)
    {
        var ids = new long[Seq, batch];
        for (int t = 0; t < Seq; t++)
            for (int b = 0; b < batch; b++) ids[t, b] = (t * 7 + b * 13 + shift) % Vocab;
        return Tensor.From(ids);
    }

    /// <summary>word_language_model's RNNModel (LSTM, untied) and its init_weights.</summary>
    sealed class RnnModel : Module<Tensor, Tensor>
    {
        public readonly Embedding Encoder = new(Vocab, Width);
        public readonly LSTM Rnn = new(Width, Width, Layers, dropout: 0.0);
        public readonly Linear Decoder = new(Width, Vocab);

        // Fields are registered by name (encoder, rnn, decoder), as PyTorch's attributes.
        public RnnModel()
        {
            Init.Uniform_(Encoder.Weight, -0.1, 0.1);
            Init.Zeros_(Decoder.Bias!);
            Init.Uniform_(Decoder.Weight, -0.1, 0.1);
        }

        public override Tensor Forward(Tensor x) => Decoder.Call(Rnn.Call(Encoder.Call(x)).Output);
    }

    static Action LstmLmStep(int batch) => SequenceStep(new RnnModel(), new CrossEntropyLoss(), batch);

    internal static Action SequenceStep(Module<Tensor, Tensor> model, Module<Tensor, Tensor, Tensor> lossFn, int batch)
    {
        var parameters = model.Parameters().ToArray();
        var opt = new Sgd(parameters, lr: Lr);
        var x = Tokens(batch, 0);
        var y = Tokens(batch, 1).Reshape(-1);
        return () =>
        {
            opt.ZeroGrad();
            var loss = lossFn.Call(model.Call(x).View(-1, Vocab), y);
            loss.Backward();
            Utils.ClipGradNorm_(parameters, Clip);
            opt.Step();
        };
    }
}
