using Ember;
using Ember.NN;

namespace EmberCompare;

/// <summary>
/// word_language_model's TransformerModel (see seq_workloads.py): built only with
/// -p:EmberHasTransformer=true, once Ember has nn.TransformerEncoder.
/// </summary>
static partial class Workloads
{
    static partial void AddTransformer(Dictionary<string, Func<int, Action>> workloads) =>
        workloads["transformer_step"] = batch => SequenceStep(new TransformerModel(), new NllLoss(), batch);

    /// <summary>Embedding·√d + sinusoidal positions, a 2-layer encoder under the causal mask, decoder, log_softmax.</summary>
    sealed class TransformerModel : Module<Tensor, Tensor>
    {
        readonly Embedding _encoder = new(Vocab, Width);
        readonly TransformerEncoder _transformer = new(new TransformerEncoderLayer(Width, 2, Width, dropout: 0.0), Layers);
        readonly Linear _decoder = new(Width, Vocab);
        readonly Tensor _pe, _mask;

        public TransformerModel()
        {
            var pe = new float[Seq, 1, Width];
            for (int pos = 0; pos < Seq; pos++)
                for (int i = 0; i < Width; i += 2)
                {
                    double angle = pos * Math.Exp(i * (-Math.Log(10000.0) / Width));
                    pe[pos, 0, i] = (float)Math.Sin(angle);
                    pe[pos, 0, i + 1] = (float)Math.Cos(angle);
                }
            _pe = Tensor.From(pe);
            _mask = Transformer.GenerateSquareSubsequentMask(Seq);
            Init.Uniform_(_encoder.Weight, -0.1, 0.1);
            Init.Zeros_(_decoder.Bias!);
            Init.Uniform_(_decoder.Weight, -0.1, 0.1);
        }

        public override Tensor Forward(Tensor x)
        {
            var src = _encoder.Call(x) * Math.Sqrt(Width) + _pe;
            return F.LogSoftmax(_decoder.Call(_transformer.Call(src, _mask)), dim: -1);
        }
    }
}
