#:project ../src/Ember/Ember.csproj
// A language model trained end to end: PyTorch's word_language_model example (pytorch/examples:
// main.py, model.py's RNNModel and TransformerModel, data.py's Dictionary and Corpus, and generate.py
// at the end), ported with its structure kept. An embedding, dropout, a multi-layer LSTM (or GRU, or a
// plain RNN), dropout and a linear decoder predict the next token; training is truncated
// backpropagation through time (the hidden state is carried from one chunk of --bptt tokens to the next
// but detached, so gradients stop at the chunk's start), with the gradient norm clipped and plain SGD,
// the learning rate divided by 4 whenever the validation loss does not improve. --model Transformer
// replaces the recurrent network by positional encoding and a TransformerEncoder with a causal mask
// (each chunk on its own, no hidden state). Perplexity, exp(mean cross-entropy), is printed for train,
// valid and test; then text is sampled from the trained model with torch.multinomial's stream.
//
//   dotnet run -c Release examples/11-language-model.cs [--model LSTM|GRU|RNN_TANH|RNN_RELU|Transformer] [--epochs N] ...
//   dotnet run -c Release examples/11-language-model.cs --model Transformer --lr 5   (as PyTorch's README: lr 20 diverges)
//
// Two deliberate differences from PyTorch's program, both for a run of a few minutes on 2 cores:
// - Character-level tokens instead of words. A word model of an English corpus needs a vocabulary of
//   tens of thousands, and its decoder (hidden x vocabulary per token) would take most of the time; a
//   character model has under a hundred tokens and learns visibly within a few epochs.
// - The corpus is Debian's fortune files (`apt-get install fortunes-min`: the files fortunes,
//   literature and riddles under /usr/share/games/fortunes, about 100 KB), not WikiText-2. Records are
//   separated by lines holding "%"; record i goes to valid if i % 10 == 8, to test if i % 10 == 9, else
//   to train. --files all also reads the other files of the folder (the `fortunes` package adds 2.4 MB).
// Defaults are main.py's but --epochs 6 and --log-interval 50 (PyTorch: 40 and 200), for that time.
// And one fix: generate.py runs the Transformer without its causal mask (model(input, False)), so while
// sampling each position sees later ones, which it never did in training; here sampling keeps the mask.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ember;
using Ember.NN;
using Ember.Serialization;

// Arguments, as main.py's argparse. A wrong one or a missing corpus ends the program with one line on
// stderr saying what to do (exit code 2 for a wrong argument, 1 for the rest).
const string Usage = "usage: dotnet run examples/11-language-model.cs [--data-dir DIR] [--files all|NAME,NAME...] [--model LSTM|GRU|RNN_TANH|RNN_RELU|Transformer] " +
    "[--emsize N] [--nhid N] [--nlayers N] [--nhead N] [--lr LR] [--clip C] [--epochs N] [--batch-size N] [--bptt N] [--dropout P] [--tied] " +
    "[--seed N] [--log-interval N] [--max-batches N] [--save PATH] [--chars N] [--temperature T]";
var a = new Args
{
    ["--data-dir"] = "/usr/share/games/fortunes", ["--files"] = "fortunes,literature,riddles", ["--model"] = "LSTM",
    ["--emsize"] = "200", ["--nhid"] = "200", ["--nlayers"] = "2", ["--nhead"] = "2", ["--lr"] = "20", ["--clip"] = "0.25", ["--epochs"] = "6",
    ["--batch-size"] = "20", ["--bptt"] = "35", ["--dropout"] = "0.2", ["--seed"] = "1111", ["--log-interval"] = "50",
    ["--max-batches"] = "0", ["--save"] = "model.pt", ["--chars"] = "400", ["--temperature"] = "1.0",
};
string? wrong = a.Parse(args, flags: ["--tied"]);
if (wrong == "--help") { Console.WriteLine(Usage); return 0; }
if (wrong is not null) return Fail(2, $"{wrong}; {Usage}");
int emsize, nhid, nlayers, nhead, epochs, batchSize, bptt, seed, logInterval, maxBatches, chars;
double lr, clip, dropout, temperature;
try
{
    (emsize, nhid, nlayers, epochs) = (a.Int("--emsize", 1), a.Int("--nhid", 1), a.Int("--nlayers", 1), a.Int("--epochs", 1));
    (batchSize, bptt, seed, logInterval) = (a.Int("--batch-size", 1), a.Int("--bptt", 1), a.Int("--seed", 0), a.Int("--log-interval", 1));
    (maxBatches, chars, nhead) = (a.Int("--max-batches", 0), a.Int("--chars", 0), a.Int("--nhead", 1));
    (lr, clip, dropout, temperature) = (a.Double("--lr", 0, open: true), a.Double("--clip", 0, open: true), a.Double("--dropout", 0, max: 1), a.Double("--temperature", 1e-3));
}
catch (FormatException e) { return Fail(2, e.Message); }
string modelName = a["--model"];
bool tied = a.Has("--tied");
if (modelName is not ("LSTM" or "GRU" or "RNN_TANH" or "RNN_RELU" or "Transformer"))
    return Fail(2, $"--model must be LSTM, GRU, RNN_TANH, RNN_RELU or Transformer, got '{modelName}'.");
if (modelName == "Transformer" && emsize % nhead != 0)
    return Fail(2, $"--emsize must be divisible by --nhead for the Transformer (--emsize {emsize}, --nhead {nhead}).");
if (modelName == "Transformer" && emsize % 2 != 0)
    return Fail(2, $"--emsize must be even for the Transformer's positional encoding (sines and cosines in pairs), got {emsize}.");
if (tied && modelName != "Transformer" && nhid != emsize)
    return Fail(2, $"When using the tied flag, nhid must be equal to emsize (--nhid {nhid}, --emsize {emsize}).");

// Set the random seed manually for reproducibility.
Tensor.ManualSeed(seed);

///////////////////////////////////////////////////////////////////////////////
// Load data
///////////////////////////////////////////////////////////////////////////////

Corpus corpus;
try { corpus = new Corpus(a["--data-dir"], a["--files"]); }
catch (CorpusException e) { return Fail(1, e.Message); }
catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Fail(1, $"cannot read the corpus: {e.Message}"); }

// Starting from sequential data, batchify arranges the dataset into columns.
// For instance, with the alphabet as the sequence and batch size 4, we'd get
// ┌ a g m s ┐
// │ b h n t │
// │ c i o u │
// │ d j p v │
// │ e k q w │
// └ f l r x ┘.
// These columns are treated as independent by the model, which means that the
// dependence of e.g. 'g' on 'f' can not be learned, but allows more efficient
// batch processing.
Tensor Batchify(Tensor data, int bsz)
{
    // Work out how cleanly we can divide the dataset into bsz parts.
    int nbatch = (int)data.Shape[0] / bsz;
    // Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.Narrow(0, 0, nbatch * bsz);
    // Evenly divide the data across the bsz batches.
    return data.View(bsz, -1).T.Contiguous();
}

const int evalBatchSize = 10;
var trainData = Batchify(corpus.Train, batchSize);
var valData = Batchify(corpus.Valid, evalBatchSize);
var testData = Batchify(corpus.Test, evalBatchSize);
foreach (var (name, data, bsz) in new[] { ("train", trainData, batchSize), ("valid", valData, evalBatchSize), ("test", testData, evalBatchSize) })
    if (data.Shape[0] < 2)
        return Fail(1, $"the {name} split has {(name == "train" ? corpus.Train : name == "valid" ? corpus.Valid : corpus.Test).Shape[0]} characters, too few for batches of {bsz} columns; give a larger corpus.");

///////////////////////////////////////////////////////////////////////////////
// Build the model
///////////////////////////////////////////////////////////////////////////////

int ntokens = corpus.Dictionary.Count;
Module model = modelName == "Transformer"
    ? new TransformerModel(ntokens, emsize, nhead, nhid, nlayers, dropout)
    : new RNNModel(modelName, ntokens, emsize, nhid, nlayers, dropout, tied);
var criterion = new NllLoss();
Console.WriteLine($"{corpus.Description}: {corpus.Train.Shape[0]} train / {corpus.Valid.Shape[0]} valid / {corpus.Test.Shape[0]} test characters, {ntokens} distinct");
Console.WriteLine(model is TransformerModel
    ? $"Transformer {nlayers} layers, {nhead} heads, feed-forward {nhid}, embedding {emsize}: {model.Parameters().Sum(p => p.Numel())} parameters"
    : $"{modelName} {nlayers}x{nhid}, embedding {emsize}{(tied ? " (tied)" : "")}: {model.Parameters().Sum(p => p.Numel())} parameters");
// What a model that ignores the context can do: each character's frequency in the training text
// (add-one smoothed). The model is worth something only below this perplexity.
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"unigram baseline: valid ppl {Math.Exp(corpus.UnigramLoss(corpus.Valid)):F2} | test ppl {Math.Exp(corpus.UnigramLoss(corpus.Test)):F2}"));

///////////////////////////////////////////////////////////////////////////////
// Training code
///////////////////////////////////////////////////////////////////////////////

// Wraps hidden states in new Tensors, to detach them from their history.
static Tensor[] RepackageHidden(Tensor[] h) => h.Select(t => t.Detach()).ToArray();

// GetBatch subdivides the source data into chunks of length bptt.
// If source is equal to the example output of the batchify function, with
// a bptt-limit of 2, we'd get the following two Variables for i = 0:
// ┌ a g m s ┐ ┌ b h n t ┐
// └ b h n t ┘ └ c i o u ┘
// Note that despite the name of the function, the subdivison of data is not
// done along the batch dimension (i.e. dimension 1), since that was handled
// by the batchify function. The chunks are along dimension 0, corresponding
// to the seq_len dimension in the LSTM.
(Tensor Data, Tensor Target) GetBatch(Tensor source, int i)
{
    int seqLen = Math.Min(bptt, (int)source.Shape[0] - 1 - i);
    var data = source[i..(i + seqLen)];
    var target = source[(i + 1)..(i + 1 + seqLen)].Reshape(-1);
    return (data, target);
}

double Evaluate(Tensor dataSource)
{
    // Turn on evaluation mode which disables dropout.
    model.Eval();
    double totalLoss = 0;
    Tensor[] hidden = model is RNNModel rnn ? rnn.InitHidden(evalBatchSize) : [];
    using (Autograd.NoGrad())
    {
        for (int i = 0; i < dataSource.Shape[0] - 1; i += bptt)
        {
            var (data, targets) = GetBatch(dataSource, i);
            Tensor output;
            if (model is TransformerModel transformer)
            {
                output = transformer.Call(data);
                output = output.View(-1, ntokens);
            }
            else
            {
                (output, hidden) = ((RNNModel)model).Call(data, hidden);
                hidden = RepackageHidden(hidden);
            }
            totalLoss += data.Shape[0] * criterion.Call(output, targets).Item<float>();
        }
    }
    return totalLoss / (dataSource.Shape[0] - 1);
}

double Train(int epoch)
{
    // Turn on training mode which enables dropout.
    model.Train();
    double totalLoss = 0, epochLoss = 0;
    int batches = (int)((trainData.Shape[0] - 1 + bptt - 1) / bptt);
    if (maxBatches > 0) batches = Math.Min(batches, maxBatches);
    var clock = Stopwatch.StartNew();
    Tensor[] hidden = model is RNNModel rnn ? rnn.InitHidden(batchSize) : [];
    int batch = 0;
    for (int i = 0; i < trainData.Shape[0] - 1 && batch < batches; i += bptt, batch++)
    {
        var (data, targets) = GetBatch(trainData, i);
        // Starting each batch, we detach the hidden state from how it was previously produced.
        // If we didn't, the model would try backpropagating all the way to start of the dataset.
        model.ZeroGrad();
        Tensor output;
        if (model is TransformerModel transformer)
        {
            output = transformer.Call(data);
            output = output.View(-1, ntokens);
        }
        else
        {
            hidden = RepackageHidden(hidden);
            (output, hidden) = ((RNNModel)model).Call(data, hidden);
        }
        var loss = criterion.Call(output, targets);
        loss.Backward();

        // ClipGradNorm_ helps prevent the exploding gradient problem in RNNs / LSTMs.
        Utils.ClipGradNorm_(model.Parameters(), clip);
        using (Autograd.NoGrad())
            foreach (var p in model.Parameters())
                p.Add_(p.Grad!, alpha: -lr);

        double l = loss.Item<float>();
        totalLoss += l;
        epochLoss += l;
        if ((batch + 1) % logInterval == 0)
        {
            double curLoss = totalLoss / logInterval;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| epoch {epoch,3:D} | {batch + 1,5:D}/{batches,5:D} batches | lr {lr,5:F2} | ms/batch {clock.Elapsed.TotalMilliseconds / logInterval,6:F1} | loss {curLoss,5:F2} | ppl {Math.Exp(curLoss),8:F2}"));
            totalLoss = 0;
            clock.Restart();
        }
    }
    return epochLoss / batches;
}

// Loop over epochs.
string save = a["--save"];
double? bestValLoss = null;
var total = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    var epochStart = Stopwatch.StartNew();
    double trainLoss = Train(epoch);
    double valLoss = Evaluate(valData);
    Console.WriteLine(new string('-', 89));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| end of epoch {epoch,3:D} | time: {epochStart.Elapsed.TotalSeconds,5:F2}s | train ppl {Math.Exp(trainLoss),8:F2} | valid loss {valLoss,5:F2} | valid ppl {Math.Exp(valLoss),8:F2}"));
    Console.WriteLine(new string('-', 89));
    // Save the model if the validation loss is the best we've seen so far.
    if (bestValLoss is null || valLoss < bestValLoss)
    {
        try { TorchFile.Save(model.StateDict(), save); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(1, $"cannot write the model to {save}: {e.Message}");
        }
        bestValLoss = valLoss;
    }
    else
    {
        // Anneal the learning rate if no improvement has been seen in the validation dataset.
        lr /= 4.0;
    }
}

// Load the best saved model.
model.LoadStateDict(TorchFile.LoadStateDict(save));

// Run on test data.
double testLoss = Evaluate(testData);
Console.WriteLine(new string('=', 89));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| End of training | test loss {testLoss,5:F2} | test ppl {Math.Exp(testLoss),8:F2} | {total.Elapsed.TotalSeconds:F1} s"));
Console.WriteLine(new string('=', 89));

///////////////////////////////////////////////////////////////////////////////
// generate.py: sample text from the trained model
///////////////////////////////////////////////////////////////////////////////

model.Eval();
bool isTransformerModel = model is TransformerModel;
Tensor[] h = model is RNNModel rnnModel ? rnnModel.InitHidden(1) : [];
var input = Tensor.RandInt(ntokens, [1, 1]);
var sample = new StringBuilder();
using (Autograd.NoGrad())
{
    for (int i = 0; i < chars; i++)
    {
        long wordIdx;
        if (isTransformerModel)
        {
            var output = ((TransformerModel)model).Call(input);   // generate.py: model(input, False); see the note at the top
            var wordWeights = output[^1].Squeeze().Div(temperature).Exp();
            wordIdx = Tensor.Multinomial(wordWeights, 1)[0].Item<long>();
            var wordTensor = Tensor.From(new long[,] { { wordIdx } });
            input = Tensor.Cat([input, wordTensor], 0);
        }
        else
        {
            (var output, h) = ((RNNModel)model).Call(input, h);
            var wordWeights = output.Squeeze().Div(temperature).Exp();
            wordIdx = Tensor.Multinomial(wordWeights, 1)[0].Item<long>();
            input.Fill_(wordIdx);
        }
        sample.Append(corpus.Dictionary.IdxToWord[(int)wordIdx]);
    }
}
Console.WriteLine($"Sampled text (temperature {temperature.ToString(CultureInfo.InvariantCulture)}):");
Console.WriteLine(sample.ToString());
return 0;

static int Fail(int exitCode, string message)
{
    Console.Error.WriteLine($"11-language-model: {message}");
    return exitCode;
}

/// <summary>
/// model.py's RNNModel: a container module with an encoder, a recurrent module, and a decoder. The
/// hidden state is an array: (h, c) for an LSTM, (h) for GRU and RNN, as PyTorch's tensor-or-tuple.
/// </summary>
sealed class RNNModel : Module<Tensor, Tensor[], (Tensor Output, Tensor[] Hidden)>
{
    private readonly Dropout drop;
    private readonly Embedding encoder;
    private readonly Module rnn;
    private readonly Linear decoder;
    private readonly string rnnType;
    private readonly int ntoken, nhid, nlayers;

    public RNNModel(string rnnType, int ntoken, int ninp, int nhid, int nlayers, double dropout = 0.5, bool tieWeights = false)
    {
        this.ntoken = ntoken;
        drop = new Dropout(dropout);
        encoder = new Embedding(ntoken, ninp);
        rnn = rnnType switch
        {
            "LSTM" => new LSTM(ninp, nhid, nlayers, dropout: dropout),
            "GRU" => new GRU(ninp, nhid, nlayers, dropout: dropout),
            "RNN_TANH" => new RNN(ninp, nhid, nlayers, nonlinearity: "tanh", dropout: dropout),
            "RNN_RELU" => new RNN(ninp, nhid, nlayers, nonlinearity: "relu", dropout: dropout),
            _ => throw new ArgumentException("An invalid option for `--model` was supplied, options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']"),
        };
        decoder = new Linear(nhid, ntoken);

        // Optionally tie weights as in:
        // "Using the Output Embedding to Improve Language Models" (Press & Wolf 2016)
        // https://arxiv.org/abs/1608.05859
        // and
        // "Tying Word Vectors and Word Classifiers: A Loss Framework for Language Modeling" (Inan et al. 2016)
        // https://arxiv.org/abs/1611.01462
        if (tieWeights)
        {
            if (nhid != ninp) throw new ArgumentException("When using the tied flag, nhid must be equal to emsize");
            decoder.Weight = encoder.Weight;
        }
        InitWeights();
        this.rnnType = rnnType;
        this.nhid = nhid;
        this.nlayers = nlayers;
    }

    private void InitWeights()
    {
        const double initrange = 0.1;
        Init.Uniform_(encoder.Weight, -initrange, initrange);
        Init.Zeros_(decoder.Bias!);
        Init.Uniform_(decoder.Weight, -initrange, initrange);
    }

    public override (Tensor Output, Tensor[] Hidden) Forward(Tensor input, Tensor[] hidden)
    {
        var emb = drop.Call(encoder.Call(input));
        Tensor output;
        if (rnn is LSTM lstm)
        {
            (output, var (h, c)) = lstm.Call(emb, (hidden[0], hidden[1]));
            hidden = [h, c];
        }
        else
        {
            (output, var h) = rnn is GRU gru ? gru.Call(emb, hidden[0]) : ((RNN)rnn).Call(emb, hidden[0]);
            hidden = [h];
        }
        output = drop.Call(output);
        var decoded = decoder.Call(output);
        decoded = decoded.View(-1, ntoken);
        return (F.LogSoftmax(decoded, dim: 1), hidden);
    }

    public Tensor[] InitHidden(int bsz)
    {
        // weight.new_zeros: zeros of the parameters' dtype, on their device.
        var weight = Parameters().First();
        Tensor Zeros() => Tensor.Zeros([nlayers, bsz, nhid], weight.DType, weight.Device);
        return rnnType == "LSTM" ? [Zeros(), Zeros()] : [Zeros()];
    }
}

/// <summary>
/// model.py's PositionalEncoding: adds to each position the sines and cosines of geometrically spaced
/// frequencies ("Attention Is All You Need"), so the model can tell positions apart, then dropout.
/// </summary>
sealed class PositionalEncoding : Module<Tensor, Tensor>
{
    private readonly Dropout dropout;
    [Buffer] private readonly Tensor pe;

    public PositionalEncoding(int dModel, double dropout = 0.1, int maxLen = 5000)
    {
        this.dropout = new Dropout(p: dropout);

        var pe = Tensor.Zeros(maxLen, dModel);
        var position = Tensor.Arange(0, maxLen, dtype: DType.Float32).Unsqueeze(1);
        var divTerm = Tensor.Exp(Tensor.Arange(0, dModel, 2).Float() * (-Math.Log(10000.0) / dModel));
        pe[.., TensorIndex.Slice(0, null, 2)] = Tensor.Sin(position * divTerm);
        pe[.., TensorIndex.Slice(1, null, 2)] = Tensor.Cos(position * divTerm);
        this.pe = pe.Unsqueeze(0).Transpose(0, 1);
    }

    public override Tensor Forward(Tensor x)
    {
        x = x + pe[..(int)x.Shape[0], ..];
        return dropout.Call(x);
    }
}

/// <summary>
/// model.py's TransformerModel: a container module with an encoder (embedding), a transformer module
/// (positional encoding, then nn.TransformerEncoder of <c>nlayers</c> layers with a causal mask, so each
/// position sees only itself and earlier ones), and a decoder. It has no hidden state.
/// </summary>
sealed class TransformerModel : Module<Tensor, Tensor>
{
    [Named("pos_encoder")] private readonly PositionalEncoding posEncoder;
    [Named("transformer_encoder")] private readonly TransformerEncoder transformerEncoder;
    private readonly Embedding encoder;
    private readonly Linear decoder;
    private readonly int ninp;
    [NotRegistered] private Tensor? srcMask;

    public TransformerModel(int ntoken, int ninp, int nhead, int nhid, int nlayers, double dropout = 0.5)
    {
        posEncoder = new PositionalEncoding(ninp, dropout);
        var encoderLayers = new TransformerEncoderLayer(ninp, nhead, nhid, dropout);
        transformerEncoder = new TransformerEncoder(encoderLayers, nlayers);
        encoder = new Embedding(ntoken, ninp);
        this.ninp = ninp;
        decoder = new Linear(ninp, ntoken);

        InitWeights();
    }

    // model.py's _generate_square_subsequent_mask: 0 on and below the diagonal, -inf above.
    private static Tensor GenerateSquareSubsequentMask(int sz) => Transformer.GenerateSquareSubsequentMask(sz);

    private void InitWeights()
    {
        const double initrange = 0.1;
        Init.Uniform_(encoder.Weight, -initrange, initrange);
        Init.Zeros_(decoder.Bias!);
        Init.Uniform_(decoder.Weight, -initrange, initrange);
    }

    public override Tensor Forward(Tensor src) => Forward(src, hasMask: true);

    public Tensor Forward(Tensor src, bool hasMask)
    {
        if (hasMask)
        {
            var device = src.Device;
            if (srcMask is null || srcMask.Shape[0] != src.Shape[0])
                srcMask = GenerateSquareSubsequentMask((int)src.Shape[0]).To(device);
        }
        else srcMask = null;

        src = encoder.Call(src) * Math.Sqrt(ninp);
        src = posEncoder.Call(src);
        var output = transformerEncoder.Call(src, srcMask);
        output = decoder.Call(output);
        return F.LogSoftmax(output, dim: -1);
    }
}

/// <summary>data.py's Dictionary: the tokens seen, in order of first appearance, and their indices.</summary>
sealed class Vocabulary
{
    public Dictionary<string, int> WordToIdx { get; } = new(StringComparer.Ordinal);
    public List<string> IdxToWord { get; } = [];

    public int AddWord(string word)
    {
        if (!WordToIdx.TryGetValue(word, out int idx))
        {
            IdxToWord.Add(word);
            WordToIdx[word] = idx = IdxToWord.Count - 1;
        }
        return idx;
    }

    public int Count => IdxToWord.Count;
}

/// <summary>
/// data.py's Corpus, for fortune files and characters: the records of the files, in file order, split
/// into train (8 of every 10), valid and test (1 each); each record's text then a "%" line, as in the
/// files, so the model also learns where a fortune ends. Tokens are characters (tabs and newlines too).
/// </summary>
sealed class Corpus
{
    public Vocabulary Dictionary { get; } = new();
    public Tensor Train { get; }
    public Tensor Valid { get; }
    public Tensor Test { get; }
    public string Description { get; }

    public Corpus(string path, string files)
    {
        string[] names = Names(path, files);
        var parts = new[] { new StringBuilder(), new StringBuilder(), new StringBuilder() };
        int record = 0;
        foreach (string name in names)
        {
            // Backspace overstrikes ("_\bx", underlined x in a terminal) are kept as the plain letter.
            string text = Regex.Replace(File.ReadAllText(Path.Combine(path, name)).Replace("\r\n", "\n"), ".\b", "");
            foreach (string r in Regex.Split(text, @"^%\n", RegexOptions.Multiline))
            {
                if (r.Trim().Length == 0) continue;
                parts[record % 10 == 8 ? 1 : record % 10 == 9 ? 2 : 0].Append(r.EndsWith('\n') ? r : r + "\n").Append("%\n");
                record++;
            }
        }
        if (record < 10)
            throw new CorpusException($"{string.Join(", ", names.Select(n => Path.Combine(path, n)))} hold{(names.Length == 1 ? "s" : "")} {record} records separated by '%' lines; at least 10 are needed to split them into train, valid and test.");
        Train = Tokenize(parts[0].ToString());
        Valid = Tokenize(parts[1].ToString());
        Test = Tokenize(parts[2].ToString());
        Description = $"fortunes ({string.Join(", ", names)}; {record} records)";
    }

    // The files to read: the names given (each must exist), or with "all" every regular file of the
    // folder but strfile's indexes (*.dat) and the *.u8 links, by name.
    private static string[] Names(string path, string files)
    {
        const string Install = "install it with `apt-get install fortunes-min` (as root), or give a folder of fortune files with --data-dir DIR";
        if (!Directory.Exists(path))
            throw new CorpusException($"fortunes corpus not found: {path} is not a folder; {Install}.");
        if (files == "all")
        {
            string[] all = Directory.GetFiles(path).Where(f => !f.EndsWith(".dat", StringComparison.Ordinal) && !f.EndsWith(".u8", StringComparison.Ordinal)
                && new FileInfo(f).LinkTarget is null).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();
            return all.Length > 0 ? all : throw new CorpusException($"fortunes corpus not found: {path} holds no fortune files; {Install}.");
        }
        string[] names = files.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string[] missing = names.Where(n => !File.Exists(Path.Combine(path, n))).ToArray();
        if (names.Length == 0 || missing.Length > 0)
            throw new CorpusException($"fortunes corpus not found: no {string.Join(", ", missing.Length > 0 ? missing : [files])} in {path}; {Install}.");
        return names;
    }

    private Tensor Tokenize(string text)
    {
        var ids = new long[text.Length];
        for (int k = 0; k < text.Length; k++) ids[k] = Dictionary.AddWord(text[k].ToString());
        return Tensor.From(ids);
    }

    /// <summary>The mean cross-entropy of <paramref name="split"/> under the training text's character frequencies (add-one smoothed).</summary>
    public double UnigramLoss(Tensor split)
    {
        var counts = new double[Dictionary.Count];
        foreach (long t in Train.ToArray<long>()) counts[t]++;
        double total = counts.Sum() + counts.Length;
        long[] tokens = split.ToArray<long>();
        return tokens.Sum(t => -Math.Log((counts[t] + 1) / total)) / tokens.Length;
    }
}

/// <summary>The corpus is missing or unusable; the message says what to do.</summary>
sealed class CorpusException(string message) : Exception(message);

/// <summary>
/// A small argparse: "--name value" pairs over defaults, and flags without a value. Values are checked
/// when read, with the option named in the message.
/// </summary>
sealed class Args : Dictionary<string, string>
{
    private readonly HashSet<string> _flags = [];

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>Reads the arguments; returns null, "--help", or what is wrong with them.</summary>
    public string? Parse(string[] args, string[] flags)
    {
        for (int k = 0; k < args.Length; k++)
        {
            string arg = args[k];
            if (arg is "-h" or "--help") return "--help";
            if (flags.Contains(arg)) { _flags.Add(arg); continue; }
            if (!ContainsKey(arg)) return $"unknown argument '{arg}'";
            if (k + 1 == args.Length || args[k + 1].StartsWith("--", StringComparison.Ordinal)) return $"{arg} needs a value";
            this[arg] = args[++k];
        }
        return null;
    }

    public int Int(string name, int min) =>
        int.TryParse(this[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min
            ? v : throw new FormatException($"{name} must be a whole number of at least {min}, got '{this[name]}'.");

    public double Double(string name, double min, double max = double.MaxValue, bool open = false) =>
        double.TryParse(this[name], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && (open ? v > min : v >= min) && v <= max
            ? v : throw new FormatException($"{name} must be a number {(open ? "above" : "of at least")} {min.ToString(CultureInfo.InvariantCulture)}{(max < double.MaxValue ? $" and at most {max.ToString(CultureInfo.InvariantCulture)}" : "")}, got '{this[name]}'.");
}
