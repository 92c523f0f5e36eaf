using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Ember.Cli;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>
/// `ember train --model lstm-lm` in-process on the committed fortune-format fixture (tests/fixtures/fortunes/tiny,
/// copied in as the file `fortunes`), with a tiny LSTM: it learns, prints perplexities and samples text;
/// a run stopped in mid-epoch and resumed ends with the uninterrupted run's weights, bit for bit, and
/// prints the same test perplexity and sample; wrong pairings of model and dataset are refused.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class LanguageModelTrainTests : IDisposable
{
    private readonly string _root = TrainFixtures.TempDir("train-lm");
    private readonly string _data;

    public LanguageModelTrainTests()
    {
        _data = Path.Combine(_root, "data");
        Directory.CreateDirectory(_data);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", "fortunes", "tiny"), Path.Combine(_data, "fortunes"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // 48 batches of 4 columns x 10 characters per epoch, 3 epochs; a later pair in extra replaces an earlier one.
    private string[] Args(string output, params string[] extra)
    {
        string[] defaults =
        [
            "--model", "lstm-lm", "--data-dir", _data, "--output-dir", output, "--hidden", "32", "--layers", "1", "--dropout", "0",
            "--lr", "10", "--clip", "5", "--batch-size", "4", "--bptt", "10", "--epochs", "3", "--log-every", "16", "--sample", "50", "--threads", "1",
        ];
        var pairs = new List<(string Option, string Value)>();
        foreach (string[] list in new[] { defaults, extra })
            for (int i = 0; i + 1 < list.Length; i += 2)
            {
                int at = pairs.FindIndex(p => p.Option == list[i]);
                if (at >= 0) pairs[at] = (list[i], list[i + 1]); else pairs.Add((list[i], list[i + 1]));
            }
        return [.. pairs.SelectMany(p => new[] { p.Option, p.Value })];
    }

    private static string Text((int Code, string[] Lines, string Error) run) => string.Join("\n", run.Lines) + "\n" + run.Error;

    private static double[] Numbers(IEnumerable<string> lines, string pattern) =>
        lines.Select(l => Regex.Match(l, pattern)).Where(m => m.Success).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void TrainsPrintsPerplexitiesAndSamplesText()
    {
        string output = Path.Combine(_root, "run");
        var run = TrainResumeTests.Run(Args(output));
        Assert.True(run.Code == 0, Text(run));
        Assert.Contains(run.Lines, l => l.StartsWith("lstm-lm on fortunes (fortunes: 48 records): ", StringComparison.Ordinal));
        double unigram = Numbers(run.Lines, @"^unigram baseline: valid ppl [0-9.]+, test ppl ([0-9.]+)").Single();
        double[] losses = Numbers(run.Lines, @"^\[\d, +\d+\] loss: ([0-9.]+) ppl: [0-9.]+$");
        Assert.Equal(9, losses.Length);   // batches 16, 32 and 48 of 3 epochs
        Assert.True(losses[^1] < losses[0] - 0.5, "the training loss does not fall: " + string.Join(", ", losses));
        Assert.Equal(3, run.Lines.Count(l => Regex.IsMatch(l, @"^epoch \d/3: train ppl [0-9.]+, valid ppl [0-9.]+, lr [0-9.]+, 48 batches in [0-9.]+ s$")));
        double test = Numbers(run.Lines, @"^test ppl ([0-9.]+) \(loss [0-9.]+\); unigram baseline [0-9.]+$").Single();
        Assert.True(test < unigram, $"test ppl {test}, unigram baseline {unigram}");
        int at = Array.IndexOf(run.Lines, "Sampled text:");
        Assert.True(at > 0, Text(run));
        Assert.Matches("[a-z]", string.Join("\n", run.Lines[(at + 1)..]));
        Assert.True(File.Exists(Path.Combine(output, "checkpoint.pt")));
        Assert.True(File.Exists(Path.Combine(output, "loss.png")));
        // The state dict keeps the example's (and PyTorch's) names.
        var model = Checkpoint.Load(Path.Combine(output, "checkpoint.pt")).Model!;
        Assert.Equal(["encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "decoder.weight", "decoder.bias"], model.Keys);
    }

    [Fact]
    public void AStopInMidEpochResumesToTheUninterruptedRun()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        var runA = TrainResumeTests.Run(Args(a, "--dropout", "0.3", "--layers", "2"));   // dropout draws random numbers, which the resume must replay
        Assert.True(runA.Code == 0, Text(runA));

        // Stopped at batch 20 of epoch 2 (after the lr may have been annealed once).
        TrainCommand.AfterStep = (step, s) => { if (step == 68) s.Request(PosixSignal.SIGINT); };
        try
        {
            var stopped = TrainResumeTests.Run(Args(b, "--dropout", "0.3", "--layers", "2"));
            Assert.True(stopped.Code == 130, Text(stopped));
            Assert.Contains("Stopped by SIGINT at epoch 2, batch 20 of 48", stopped.Error);
            Assert.Contains("--model lstm-lm", stopped.Error);
        }
        finally { TrainCommand.AfterStep = null; }
        string ckpt = Path.Combine(b, "checkpoint.pt");
        var refused = TrainResumeTests.Run(Args(b, "--dropout", "0.3", "--layers", "2", "--hidden", "16", "--resume", ckpt));
        Assert.Equal(1, refused.Code);
        Assert.Contains("that run used --hidden 32 (this command: 16)", refused.Error);

        var runB = TrainResumeTests.Run(Args(b, "--dropout", "0.3", "--layers", "2", "--resume", ckpt));
        Assert.True(runB.Code == 0, Text(runB));
        Assert.Contains(runB.Lines, l => l.StartsWith($"Resuming {ckpt} at epoch 2, batch 20 of 48", StringComparison.Ordinal));
        var wa = Checkpoint.Load(Path.Combine(a, "checkpoint.pt")).Model!;
        var wb = Checkpoint.Load(ckpt).Model!;
        foreach (var (k, t) in wa)
            Assert.True(t.ToArray<float>().SequenceEqual(wb[k].ToArray<float>()), $"{k} differs after the resume");
        // The same closing lines: test perplexity of the same best weights, the same sample.
        static string[] Tail(string[] lines) => lines.SkipWhile(l => !l.StartsWith("test ppl", StringComparison.Ordinal)).Where(l => !l.StartsWith("Wrote", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(Tail(runA.Lines));
        Assert.Equal(Tail(runA.Lines), Tail(runB.Lines));
        // Epoch 3's lines too.
        static string[] Epoch3(string[] lines) => lines.Where(l => l.StartsWith("[3,", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Epoch3(runA.Lines), Epoch3(runB.Lines));
    }

    [Fact]
    public void RefusesAMissingCorpusAndModelsThatDoNotFitTheData()
    {
        string empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);
        var missing = CliErrorTests.Run("train", "--model", "lstm-lm", "--data-dir", empty, "--output-dir", Path.Combine(_root, "out"));
        Assert.Equal(1, missing.Code);
        Assert.Equal($"ember train: fortunes not found (looked for fortunes, literature, riddles in {empty}); install Debian's fortunes-min package (`apt-get install fortunes-min`, as root), or give the folder that holds them with --data-dir DIR.",
            missing.Err.TrimEnd());

        var imageData = CliErrorTests.Run("train", "--model", "lstm-lm", "--dataset", "mnist");
        Assert.Equal(2, imageData.Code);
        Assert.StartsWith("ember train: --model lstm-lm trains on text: --dataset must be fortunes, got 'mnist'.", imageData.Err);
        var textData = CliErrorTests.Run("train", "--dataset", "fortunes");
        Assert.Equal(2, textData.Code);
        Assert.StartsWith("ember train: --dataset fortunes is text: train it with --model lstm-lm, not 'lenet'.", textData.Err);
        var download = CliErrorTests.Run("train", "--model", "lstm-lm", "--download");
        Assert.Equal(2, download.Code);
        Assert.StartsWith("ember train: --download: the fortunes come from Debian's fortunes-min package", download.Err);
        Assert.StartsWith("ember train: --dropout must be at most 1, got 1.5.", CliErrorTests.Run("train", "--model", "lstm-lm", "--dropout", "1.5").Err);
    }

    [Fact]
    public void EvalAndPredictSayALanguageModelIsNotAnImageClassifier()
    {
        string output = Path.Combine(_root, "run");
        var run = TrainResumeTests.Run(Args(output, "--epochs", "1", "--sample", "0"));
        Assert.True(run.Code == 0, Text(run));
        var eval = CliErrorTests.Run("eval", Path.Combine(output, "checkpoint.pt"));
        Assert.Equal(1, eval.Code);
        Assert.StartsWith("ember eval: lstm-lm is a language model, not an image classifier: `ember eval` and `ember predict` take lenet and mlp checkpoints", eval.Err);
    }
}
