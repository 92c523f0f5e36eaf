using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Ember.Tests;

/// <summary>
/// examples/11-language-model.cs run in-process (<see cref="ExampleProgram"/>) with tiny sizes on the
/// committed corpus tests/fixtures/fortunes/tiny (made up for the tests, in the fortune-file format), so
/// these pass offline without Debian's fortunes package: it trains, prints perplexities and samples
/// text, repeatably; and its mistakes end in one line.
/// </summary>
[Collection("DefaultGenerator")]   // the example seeds the default generator
public sealed class ExampleLanguageModelTests : IDisposable
{
    private const string Name = "11-language-model";
    private readonly string _dir = Directory.CreateTempSubdirectory("ember-example11-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Fixtures => Path.Combine(AppContext.BaseDirectory, "fixtures", "fortunes");

    // About 1,900 training characters: 4 columns, chunks of 10, so 48 batches an epoch. A one-layer
    // model of 32 (no dropout: PyTorch warns about dropout with one layer) with a larger clip than the
    // default learns the fixture within these 192 steps.
    private (int Code, string Out, string Err) RunTiny(params string[] extra) => ExampleProgram.Run(Name,
    [
        "--data-dir", Fixtures, "--files", "tiny", "--emsize", "16", "--nhid", "32", "--nlayers", "1", "--dropout", "0",
        "--lr", "10", "--clip", "5", "--batch-size", "4", "--bptt", "10", "--epochs", "4", "--log-interval", "15", "--chars", "60",
        "--save", Path.Combine(_dir, "model.pt"), .. extra,
    ]);

    private static double[] Numbers(string output, string pattern) =>
        Regex.Matches(output, pattern).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void TrainsPrintsPerplexitiesAndSamplesText()
    {
        var run = RunTiny();
        Assert.True(run.Code == 0, run.Err + run.Out);
        Assert.Equal("", run.Err);
        Assert.Contains("fortunes (tiny; 48 records)", run.Out);
        Assert.Contains("LSTM 1x32, embedding 16", run.Out);

        double unigram = Numbers(run.Out, @"unigram baseline: valid ppl +([0-9.]+)").Single();
        double[] losses = Numbers(run.Out, @"\| epoch +\d+ \| +\d+/ +48 batches .*\| loss +([0-9.]+) \|");
        Assert.Equal(12, losses.Length);   // every 15 of 48 batches, 4 epochs
        Assert.True(losses[^1] < losses[0] - 0.5, "the training loss does not fall: " + string.Join(", ", losses));
        double[] valid = Numbers(run.Out, @"end of epoch +\d+ \|.*\| valid ppl +([0-9.]+)");
        Assert.Equal(4, valid.Length);
        double test = Numbers(run.Out, @"End of training \| test loss +[0-9.]+ \| test ppl +([0-9.]+)").Single();
        // Even this tiny run predicts the fixture's few repeated words better than their letters' frequencies do.
        Assert.True(valid[^1] < unigram && test < unigram, $"valid ppl {valid[^1]}, test ppl {test}, unigram {unigram}");
        Assert.True(File.Exists(Path.Combine(_dir, "model.pt")));

        // 60 characters drawn from the model (the corpus's newlines among them), then the line's end.
        string sample = run.Out.Split("Sampled text (temperature 1):" + Environment.NewLine)[1];
        Assert.Equal(60 + Environment.NewLine.Length, sample.Length);
        Assert.Matches("[a-z]", sample);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRunAndTheModelsTrain()
    {
        static string WithoutTimes(string s) => Regex.Replace(s, @"(ms/batch|time:) +[0-9.]+s?|\| [0-9.]+ s$", "", RegexOptions.Multiline);
        var a = RunTiny("--epochs", "1", "--model", "GRU");
        var b = RunTiny("--epochs", "1", "--model", "GRU");
        Assert.True(a.Code == 0, a.Err + a.Out);
        Assert.Equal(WithoutTimes(a.Out), WithoutTimes(b.Out));
        Assert.NotEqual(WithoutTimes(a.Out), WithoutTimes(RunTiny("--epochs", "1", "--model", "GRU", "--seed", "7").Out));

        foreach (string model in new[] { "RNN_TANH", "RNN_RELU" })
        {
            var run = RunTiny("--epochs", "1", "--model", model);
            Assert.True(run.Code == 0, run.Err + run.Out);
            Assert.Contains("test ppl", run.Out);
        }
        var tied = RunTiny("--epochs", "1", "--tied", "--emsize", "32");
        Assert.True(tied.Code == 0, tied.Err + tied.Out);
        Assert.Contains("embedding 32 (tied)", tied.Out);
    }

    [Fact]
    public void TheTransformerVariantLearnsAndRepeats()
    {
        static string WithoutTimes(string s) => Regex.Replace(s, @"(ms/batch|time:) +[0-9.]+s?|\| [0-9.]+ s$", "", RegexOptions.Multiline);
        // A post-norm Transformer trained by plain SGD diverges at the LSTM's lr (PyTorch's README
        // also lowers it for the Transformer); 1 suits this tiny one.
        var run = RunTiny("--model", "Transformer", "--nhead", "2", "--lr", "1");
        Assert.True(run.Code == 0, run.Err + run.Out);
        Assert.Equal("", run.Err);
        Assert.Contains("Transformer 1 layers, 2 heads, feed-forward 32, embedding 16", run.Out);
        double unigram = Numbers(run.Out, @"unigram baseline: valid ppl +([0-9.]+)").Single();
        double[] valid = Numbers(run.Out, @"end of epoch +\d+ \|.*\| valid ppl +([0-9.]+)");
        Assert.Equal(4, valid.Length);
        double test = Numbers(run.Out, @"End of training \| test loss +[0-9.]+ \| test ppl +([0-9.]+)").Single();
        Assert.True(valid[^1] < 0.6 * unigram && test < 0.6 * unigram, $"valid ppl {valid[^1]}, test ppl {test}, unigram {unigram}");
        string sample = run.Out.Split("Sampled text (temperature 1):" + Environment.NewLine)[1];
        Assert.Equal(60 + Environment.NewLine.Length, sample.Length);
        Assert.Matches("[a-z]", sample);

        var again = RunTiny("--model", "Transformer", "--nhead", "2", "--lr", "1");
        Assert.Equal(WithoutTimes(run.Out), WithoutTimes(again.Out));
    }

    private static void AssertOneLine(string expectedStart, (int Code, string Out, string Err) run, int code)
    {
        Assert.Equal(code, run.Code);
        Assert.StartsWith(expectedStart, run.Err);
        Assert.EndsWith(Environment.NewLine, run.Err);
        Assert.DoesNotContain('\n', run.Err.TrimEnd());
        Assert.DoesNotContain("   at ", run.Err);
    }

    [Fact]
    public void RefusesBadArgumentsInOneLine()
    {
        AssertOneLine("11-language-model: unknown argument '--layers'; usage: dotnet run examples/11-language-model.cs", ExampleProgram.Run(Name, "--layers", "3"), 2);
        AssertOneLine("11-language-model: --epochs needs a value; usage:", ExampleProgram.Run(Name, "--epochs"), 2);
        AssertOneLine("11-language-model: --epochs must be a whole number of at least 1, got '0'.", ExampleProgram.Run(Name, "--epochs", "0"), 2);
        AssertOneLine("11-language-model: --lr must be a number above 0, got 'fast'.", ExampleProgram.Run(Name, "--lr", "fast"), 2);
        AssertOneLine("11-language-model: --dropout must be a number of at least 0 and at most 1, got '1.5'.", ExampleProgram.Run(Name, "--dropout", "1.5"), 2);
        AssertOneLine("11-language-model: --model must be LSTM, GRU, RNN_TANH, RNN_RELU or Transformer, got 'lstm'.", ExampleProgram.Run(Name, "--model", "lstm"), 2);
        AssertOneLine("11-language-model: --emsize must be divisible by --nhead for the Transformer (--emsize 16, --nhead 3).", ExampleProgram.Run(Name, "--model", "Transformer", "--emsize", "16", "--nhead", "3"), 2);
        AssertOneLine("11-language-model: --emsize must be even for the Transformer's positional encoding", ExampleProgram.Run(Name, "--model", "Transformer", "--emsize", "15", "--nhead", "3"), 2);
        AssertOneLine("11-language-model: When using the tied flag, nhid must be equal to emsize (--nhid 200, --emsize 16).", ExampleProgram.Run(Name, "--tied", "--emsize", "16"), 2);
        var help = ExampleProgram.Run(Name, "--help");
        Assert.Equal(0, help.Code);
        Assert.StartsWith("usage: dotnet run examples/11-language-model.cs", help.Out);
    }

    [Fact]
    public void SaysHowToInstallAMissingCorpus()
    {
        var empty = ExampleProgram.Run(Name, "--data-dir", _dir);
        AssertOneLine($"11-language-model: fortunes corpus not found: no fortunes, literature, riddles in {_dir}; install it with `apt-get install fortunes-min` (as root), or give a folder of fortune files with --data-dir DIR.", empty, 1);
        Assert.Equal("", empty.Out);
        string nowhere = Path.Combine(_dir, "nowhere");
        AssertOneLine($"11-language-model: fortunes corpus not found: {nowhere} is not a folder; install it with `apt-get install fortunes-min`", ExampleProgram.Run(Name, "--data-dir", nowhere), 1);
        AssertOneLine($"11-language-model: fortunes corpus not found: {_dir} holds no fortune files;", ExampleProgram.Run(Name, "--data-dir", _dir, "--files", "all"), 1);

        File.WriteAllText(Path.Combine(_dir, "few"), "one\n%\ntwo\n%\n");
        AssertOneLine($"11-language-model: {Path.Combine(_dir, "few")} holds 2 records separated by '%' lines; at least 10 are needed", ExampleProgram.Run(Name, "--data-dir", _dir, "--files", "few"), 1);
    }

    [Fact]
    public void SaysWhenTheModelCannotBeSaved()
    {
        // --save names a folder: refused in one line when the first epoch's model is written.
        var run = RunTiny("--epochs", "1", "--max-batches", "2", "--save", _dir);
        AssertOneLine($"11-language-model: cannot write the model to {_dir}: ", run, 1);
    }
}
