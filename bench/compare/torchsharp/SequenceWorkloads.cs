using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TorchSharpCompare;

/// <summary>
/// The sequence workloads of issue 14 written with TorchSharp: pytorch/examples word_language_model at
/// its classic size (vocabulary 10000, width 200, 2 layers, sequence 35, batch = the size), one training
/// step each (zero-grad, forward, loss over every token, backward, clip_grad_norm_(0.25), SGD lr 0.1),
/// dropout 0. Line for line the models of ../seq_workloads.py.
/// </summary>
static class SequenceWorkloads
{
    internal const int Vocab = 10000, Width = 200, Layers = 2, Seq = 35;
    const double Clip = 0.25, Lr = 0.1;

    /// <summary>[Seq, batch] int64 ids (t·7 + b·13 + shift) mod Vocab.</summary>
    internal static Tensor Tokens(int batch, int shift)
    {
        var t = torch.arange(Seq, dtype: ScalarType.Int64).unsqueeze(1);
        var b = torch.arange(batch, dtype: ScalarType.Int64).unsqueeze(0);
        return (t * 7 + b * 13 + shift) % Vocab;
    }

    public static Action LstmLmStep(int batch) => Step(new RnnModel(), nn.CrossEntropyLoss(), batch);

    public static Action TransformerStep(int batch) => Step(new TransformerModel(), nn.NLLLoss(), batch);

    static Action Step(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> lossFn, int batch)
    {
        var parameters = model.parameters().ToArray();
        var opt = torch.optim.SGD(parameters, Lr);
        var x = Tokens(batch, 0);
        var y = Tokens(batch, 1).reshape(-1);
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            var loss = lossFn.call(model.call(x).view(-1, Vocab), y);
            loss.backward();
            torch.nn.utils.clip_grad_norm_(parameters, Clip);
            opt.step();
        };
    }

    /// <summary>word_language_model's RNNModel (LSTM, untied) and its init_weights.</summary>
    sealed class RnnModel : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding encoder = nn.Embedding(Vocab, Width);
        private readonly LSTM rnn = nn.LSTM(Width, Width, Layers, dropout: 0.0);
        private readonly Linear decoder = nn.Linear(Width, Vocab);

        public RnnModel() : base("RNNModel")
        {
            RegisterComponents();
            using var _ = torch.no_grad();
            nn.init.uniform_(encoder.weight, -0.1, 0.1);
            nn.init.zeros_(decoder.bias);
            nn.init.uniform_(decoder.weight, -0.1, 0.1);
        }

        public override Tensor forward(Tensor x) => decoder.call(rnn.call(encoder.call(x), null).Item1);
    }

    /// <summary>word_language_model's TransformerModel: embedding·√d + positions, 2-layer encoder under the causal mask, decoder, log_softmax.</summary>
    sealed class TransformerModel : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding encoder = nn.Embedding(Vocab, Width);
        private readonly TransformerEncoder transformer_encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(Width, 2, Width, 0.0), Layers);
        private readonly Linear decoder = nn.Linear(Width, Vocab);
        private readonly Tensor pe;
        private readonly Tensor mask;

        public TransformerModel() : base("TransformerModel")
        {
            var position = torch.arange(Seq, dtype: ScalarType.Float32).unsqueeze(1);
            var divTerm = torch.exp(torch.arange(0, Width, 2, dtype: ScalarType.Float32) * (-Math.Log(10000.0) / Width));
            pe = torch.zeros(Seq, 1, Width);
            pe[.., 0, TensorIndex.Slice(0, null, 2)] = torch.sin(position * divTerm);
            pe[.., 0, TensorIndex.Slice(1, null, 2)] = torch.cos(position * divTerm);
            mask = torch.triu(torch.full(Seq, Seq, float.NegativeInfinity), 1); // generate_square_subsequent_mask
            RegisterComponents();
            using var _ = torch.no_grad();
            nn.init.uniform_(encoder.weight, -0.1, 0.1);
            nn.init.zeros_(decoder.bias);
            nn.init.uniform_(decoder.weight, -0.1, 0.1);
        }

        public override Tensor forward(Tensor x)
        {
            var src = encoder.call(x) * Math.Sqrt(Width) + pe;
            return nn.functional.log_softmax(decoder.call(transformer_encoder.call(src, mask, null)), -1);
        }
    }
}
