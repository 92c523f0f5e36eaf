// Per-op timings of bench/compare's lstm_lm_step (vocabulary 10000, width 200, 2 layers, sequence 35,
// batch 20) through the public API; also GRU and RNN layers of that size, and the pieces of
// transformer_step (items "tf ...": a 2-layer TransformerEncoder, d_model 200, 2 heads, feed-forward 200). Usage:
//   dotnet bench/SeqProfile/bin/Release/net10.0/SeqProfile.dll [--batch 20] [--threads 2] [--rounds 5] [--ms 300] [--only "lstm fwd+bwd"]
// Rounds are interleaved (every item once per round); the figure is the median over rounds, in ms per call.
using System.Diagnostics;
using System.Globalization;
using Ember;
using Ember.NN;
using Ember.Optim;

int batch = 20, threads = 2, rounds = 5;
double ms = 300;
string? only = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => args[++i];
    switch (args[i])
    {
        case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--ms": ms = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        // Only the items whose name contains this text (to profile one of them under perf).
        case "--only": only = Next(); break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}
Threads.Count = threads;
Tensor.ManualSeed(0);
const int V = 10000, W = 200, S = 35;
int rows = S * batch;
var ids = new long[S, batch];
for (int t = 0; t < S; t++) for (int b = 0; b < batch; b++) ids[t, b] = (t * 7 + b * 13) % V;
var x = Tensor.From(ids);
var yIds = new long[rows];
for (int r = 0; r < rows; r++) yIds[r] = (r / batch * 7 + r % batch * 13 + 1) % V;
var y = Tensor.From(yIds);
var enc = new Embedding(V, W);
var lstm = new LSTM(W, W, 2);
var dec = new Linear(W, V);
var gru = new GRU(W, W, 2);
var rnn = new RNN(W, W, 2);
var all = enc.Parameters().Concat(lstm.Parameters()).Concat(dec.Parameters()).ToArray();
var opt = new Sgd(all, lr: 0.1);
var h = Tensor.Randn(rows, W);
var hg = Tensor.Randn(rows, W).RequiresGrad_();
var logits = Tensor.Randn(rows, V);
var g = Tensor.Randn(rows, V);
var emb = Tensor.Randn(S, batch, W);
var wT = dec.Weight.Detach();
var whhT = lstm.Parameters().ElementAt(1).Detach().T; // weight_hh_l0 [800, 200], transposed
var hStep = Tensor.Randn(batch, W);
var xGates = Tensor.Randn(batch, 4 * W);
var cState = Tensor.Randn(batch, W);
var bHh = Tensor.Randn(4 * W);
// One LSTM step's gate arithmetic as the layer runs it (the internal fused cell), through reflection-free public ops:
// the recurrent product's output plus the projected input and b_hh, then the nonlinearities.
void cell()
{
    var gates = hStep.MatMul(whhT) + bHh + xGates;
    var parts = gates.Chunk(4, 1);
    var c2 = parts[1].Sigmoid() * cState + parts[0].Sigmoid() * parts[2].Tanh();
    _ = parts[3].Sigmoid() * c2.Tanh();
}
// bench/compare's transformer_step: Embedding·√d + positions, a 2-layer TransformerEncoder (d_model 200, 2 heads,
// dim_feedforward 200, no dropout) under the causal mask, decoder to the vocabulary, log_softmax + NLL, SGD.
var tfLayer = new TransformerEncoderLayer(W, 2, W, dropout: 0.0);
var tf = new TransformerEncoder(tfLayer, 2);
var tfMask = Transformer.GenerateSquareSubsequentMask(S);
var tfAll = enc.Parameters().Concat(tf.Parameters()).Concat(dec.Parameters()).ToArray();
var tfOpt = new Sgd(tfAll, lr: 0.1);
var tfL0 = (TransformerEncoderLayer)tf.Layers[0];
var tfHeads = Tensor.Randn(2 * batch, S, W / 2); // [N·H, S, head_dim]
var tfScores = Tensor.Randn(2 * batch, S, S);
var nll = new NllLoss();
Tensor tfForward() => F.LogSoftmax(dec.Call(tf.Call(enc.Call(x) * Math.Sqrt(W), tfMask)), dim: -1).View(-1, V);
var items = new List<(string, Action)>
{
    ("tf full step", () => { tfOpt.ZeroGrad(); nll.Call(tfForward(), y).Backward(); Utils.ClipGradNorm_(tfAll, 0.25); tfOpt.Step(); }),
    ("tf fwd (grad on)", () => nll.Call(tfForward(), y)),
    ("tf fwd+bwd", () => { tfOpt.ZeroGrad(); nll.Call(tfForward(), y).Backward(); }),
    ("tf clip_grad_norm_", () => Utils.ClipGradNorm_(tfAll, 0.25)),
    ("tf sgd step", () => tfOpt.Step()),
    ("tf encoder fwd (no grad)", () => { using (Autograd.NoGrad()) tf.Call(emb, tfMask); }),
    ("tf encoder fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); tf.Call(e, tfMask).Sum().Backward(); }),
    ("tf layer fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); tfL0.Call(e, tfMask).Sum().Backward(); }),
    ("tf self-attn fwd (no grad)", () => { using (Autograd.NoGrad()) tfL0.SelfAttn.Call(emb, emb, emb, null, needWeights: false, attnMask: tfMask); }),
    ("tf self-attn fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); tfL0.SelfAttn.Call(e, e, e, null, needWeights: false, attnMask: tfMask).Output.Sum().Backward(); }),
    ("tf ffn fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); tfL0.Linear2.Call(F.Relu(tfL0.Linear1.Call(e))).Sum().Backward(); }),
    ("tf layernorm fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); tfL0.Norm1.Call(e).Sum().Backward(); }),
    ("tf layernorm fwd (no grad)", () => { using (Autograd.NoGrad()) tfL0.Norm1.Call(emb); }),
    ("tf in_proj fwd+bwd", () => { var e = h.Detach().RequiresGrad_(); F.Linear(e, tfL0.SelfAttn.InProjWeight!, tfL0.SelfAttn.InProjBias!).Sum().Backward(); }),
    ("tf in_proj as matmul+add fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); (e.MatMul(tfL0.SelfAttn.InProjWeight!.T) + tfL0.SelfAttn.InProjBias!).Sum().Backward(); }),
    ("tf in_proj as F.Linear 3-D fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); F.Linear(e, tfL0.SelfAttn.InProjWeight!, tfL0.SelfAttn.InProjBias!).Sum().Backward(); }),
    ("tf out_proj fwd+bwd", () => { var e = h.Detach().RequiresGrad_(); tfL0.SelfAttn.OutProj.Call(e).Sum().Backward(); }),
    ("tf attn core fwd+bwd", () =>
    {
        var q = tfHeads.Detach().RequiresGrad_(); var k = tfHeads.Detach().RequiresGrad_(); var v = tfHeads.Detach().RequiresGrad_();
        ((q / Math.Sqrt(W / 2)).MatMul(k.Transpose(-2, -1)) + tfMask).Softmax(-1).MatMul(v).Sum().Backward();
    }),
    ("tf heads split+merge fwd+bwd", () =>
    {
        var qkv = Tensor.Randn(rows, 3 * W).RequiresGrad_();
        var parts = qkv.Chunk(3, -1);
        var sum = parts.Select(t => t.Reshape(S, batch * 2, W / 2).Transpose(0, 1)).Aggregate((a, b) => a + b);
        sum.Transpose(0, 1).Reshape(rows, W).Sum().Backward();
    }),
    ("tf randn [700x600] (for the above)", () => Tensor.Randn(rows, 3 * W).RequiresGrad_()),
    ("tf in_proj linear [700x200x600]", () => F.Linear(h, tfL0.SelfAttn.InProjWeight!.Detach(), tfL0.SelfAttn.InProjBias!.Detach())),
    ("tf scores bmm [40x35x100x35]", () => tfHeads.MatMul(tfHeads.Transpose(-2, -1))),
    ("tf scores + mask", () => tfScores.Add(tfMask)),
    ("tf softmax [40x35x35]", () => tfScores.Softmax(-1)),
    ("tf softmax fwd+bwd", () => { var sc = tfScores.Detach().RequiresGrad_(); sc.Softmax(-1).Sum().Backward(); }),
    ("tf attn·v bmm [40x35x35x100]", () => tfScores.MatMul(tfHeads)),
    ("tf log_softmax+nll fwd+bwd [700x10000]", () => { var l = logits.Detach().RequiresGrad_(); nll.Call(F.LogSoftmax(l, dim: -1), y).Backward(); }),
    ("tf decoder+log_softmax+nll fwd+bwd", () => { dec.Weight.Grad = null; dec.Bias!.Grad = null; nll.Call(F.LogSoftmax(dec.Call(hg), dim: -1), y).Backward(); }),
    ("full step", () => { opt.ZeroGrad(); var l = F.CrossEntropy(dec.Call(lstm.Call(enc.Call(x)).Output).View(-1, V), y); l.Backward(); Utils.ClipGradNorm_(all, 0.25); opt.Step(); }),
    ("fwd only (grad on)", () => { F.CrossEntropy(dec.Call(lstm.Call(enc.Call(x)).Output).View(-1, V), y); }),
    ("fwd+bwd", () => { opt.ZeroGrad(); F.CrossEntropy(dec.Call(lstm.Call(enc.Call(x)).Output).View(-1, V), y).Backward(); }),
    ("clip_grad_norm_", () => Utils.ClipGradNorm_(all, 0.25)),
    ("sgd step", () => opt.Step()),
    ("zero_grad", () => opt.ZeroGrad()),
    ("embedding fwd+bwd", () => { enc.Weight.Grad = null; enc.Call(x).Sum().Backward(); }),
    ("lstm fwd (no grad)", () => { using (Autograd.NoGrad()) lstm.Call(emb); }),
    ("gru fwd (no grad)", () => { using (Autograd.NoGrad()) gru.Call(emb); }),
    ("gru fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); gru.Call(e).Output.Sum().Backward(); }),
    ("rnn fwd (no grad)", () => { using (Autograd.NoGrad()) rnn.Call(emb); }),
    ("rnn fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); rnn.Call(e).Output.Sum().Backward(); }),
    ("recurrent mm h·W_hhT [20x200x800]", () => hStep.MatMul(whhT)),
    ("input projection [700x200x800]", () => h.MatMul(whhT)),
    ("lstm cell gates (no grad)", () => { using (Autograd.NoGrad()) cell(); }),
    ("lstm fwd+bwd", () => { var e = emb.Detach().RequiresGrad_(); lstm.Call(e).Output.Sum().Backward(); }),
    ("decoder mm x·Wt [700x200x10000]", () => h.MatMul(wT.T)),
    ("decoder linear fwd (no grad)", () => { using (Autograd.NoGrad()) dec.Call(h); }),
    ("dgrad g·W [700x10000x200]", () => g.MatMul(wT)),
    ("wgrad gT·x [10000x700x200]", () => g.T.MatMul(h)),
    ("wgrad as hT·g [200x700x10000]", () => h.T.MatMul(g)),
    ("bias grad g.sum(0)", () => g.Sum(0)),
    ("decoder fwd+bwd", () => { dec.Weight.Grad = null; dec.Bias!.Grad = null; dec.Call(hg).Sum().Backward(); }),
    ("cross_entropy fwd (no grad)", () => { using (Autograd.NoGrad()) F.CrossEntropy(logits, y); }),
    ("cross_entropy fwd+bwd", () => { var l = logits.Detach().RequiresGrad_(); F.CrossEntropy(l, y).Backward(); }),
    ("log_softmax fwd", () => { using (Autograd.NoGrad()) F.LogSoftmax(logits, 1); }),
    ("ls log_softmax fwd+bwd(g)", () => { var l = logits.Detach().RequiresGrad_(); F.LogSoftmax(l, -1).Backward(g); }),
    ("ls nll fwd+bwd on [700x10000]", () => { var lp = logits.Detach().RequiresGrad_(); nll.Call(lp, y).Backward(); }),
    ("ls zeros [700x10000]", () => Tensor.Zeros(rows, V)),
    ("add [700x10000]+[10000]", () => logits.Add(dec.Bias!.Detach())),
    ("clone [700x10000]", () => logits.Clone()),
};
if (only is not null) items.RemoveAll(it => !it.Item1.Contains(only, StringComparison.Ordinal));
foreach (var (_, body) in items) { var sw = Stopwatch.StartNew(); while (sw.ElapsedMilliseconds < 150) body(); }
var samples = items.Select(_ => new List<double>()).ToArray();
var pauses = new double[items.Count]; var calls = new long[items.Count]; var gcs = new int[items.Count];
for (int r = 0; r < rounds; r++)
{
    for (int k = 0; k < items.Count; k++)
    {
        var body = items[k].Item2;
        int n = 0;
        var p0 = GC.GetTotalPauseDuration(); int g0 = GC.CollectionCount(2);
        var sw = Stopwatch.StartNew();
        do { body(); n++; } while (sw.Elapsed.TotalMilliseconds < ms);
        pauses[k] += (GC.GetTotalPauseDuration() - p0).TotalMilliseconds; calls[k] += n; gcs[k] += GC.CollectionCount(2) - g0;
        samples[k].Add(sw.Elapsed.TotalMilliseconds / n);
    }
}
for (int k = 0; k < items.Count; k++)
{
    var s = samples[k].OrderBy(v => v).ToArray();
    Console.WriteLine($"{items[k].Item1,-36} {s[s.Length / 2],9:F2} ms  (min {s[0]:F2})  GC pause {pauses[k] / calls[k]:F2} ms/call, {(double)gcs[k] / calls[k]:F2} gen2/call");
}
