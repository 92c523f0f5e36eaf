using System.Text.RegularExpressions;
using Ember.Cli;
using Spectre.Console.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Ember.Tests.Cli;

/// <summary>
/// `ember train`'s progress at 80 columns: piped, plain lines only (the chapter's loss lines and one
/// summary per epoch, nothing wrapped, no animation); on a terminal, live rows whose cells neither wrap
/// nor cut their text, even with extreme figures.
/// </summary>
[Collection("DefaultGenerator")]
public sealed partial class TrainProgressTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = TrainFixtures.MnistData(train: 48, test: 8);
    private readonly string _root = TrainFixtures.TempDir("train-progress");

    [GeneratedRegex(@"^\[[12], *[0-9]+\] loss: [0-9]+\.[0-9]{3}$")]
    private static partial Regex ChapterLine();

    [GeneratedRegex(@"^epoch [12]/2: loss [0-9]+\.[0-9]{3}, 12 batches in [0-9.]+ s \([0-9.]+ batches/s\)$")]
    private static partial Regex EpochLine();

    [Fact]
    public void PipedOutputIsPlainLinesThatFitIn80Columns()
    {
        var run = TrainResumeTests.Run(TrainFixtures.Args(_data, Path.Combine(_root, "out"),
            "--model", "mlp", "--epochs", "2", "--batch-size", "4", "--threads", "1", "--workers", "0", "--log-every", "5"));
        Assert.True(run.Code == 0, string.Join("\n", run.Lines) + run.Error);
        foreach (string l in run.Lines) output.WriteLine(l);
        Assert.Equal(4, run.Lines.Count(l => ChapterLine().IsMatch(l)));   // [e, 5] and [e, 10] in each epoch
        Assert.Equal(2, run.Lines.Count(l => EpochLine().IsMatch(l)));
        Assert.Contains(run.Lines, l => l.StartsWith("Finished training in ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("Accuracy of the network on the 8 test images: ", StringComparison.Ordinal));
        // No animation frames or percentages from a fallback renderer, and no line wrapped: every line is whole.
        Assert.DoesNotContain(run.Lines, l => l.Contains('%') && l.StartsWith("epoch", StringComparison.Ordinal));
        foreach (string l in run.Lines.Where(l => !l.StartsWith("Wrote", StringComparison.Ordinal)))
            Assert.True(l.Length <= 80, $"{l.Length} columns: {l}");
        Assert.Contains(run.Lines, l => l.StartsWith("mlp on mnist: 48 train / 8 test images, ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    public void TheLiveRowFitsTheTerminalWithoutWrappingOrCutting(int width)
    {
        var console = new TestConsole().Width(width).Interactive().EmitAnsiSequences();
        Assert.True(TrainProgress.IsLive(console, outputRedirected: false));
        Assert.False(TrainProgress.IsLive(console, outputRedirected: true));
        TrainProgress.Run(console, live: true, epochs: 1000, batches: 100_000, p =>
        {
            p.BeginEpoch(999, 12);
            p.Update(51_234, 12345.678);
            p.Line("[999, 51234] loss: 12345.678");
            return 0;
        });
        output.WriteLine(console.Output);
        // The test console shows escape sequences as the text \x1b[...; a terminal would show neither.
        string plain = Regex.Replace(console.Output, @"(\x1b|\\x1b)\[[0-9;?]*[A-Za-z]", "");
        var rows = plain.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => Regex.IsMatch(l, @"epoch +999/1000")).ToArray();
        Assert.NotEmpty(rows);
        foreach (string row in rows)
        {
            Assert.True(row.TrimEnd().Length < width, $"{row.TrimEnd().Length} columns at {width}: {row}");
            Assert.Matches(@"loss +1\.2e\+4", row);
            Assert.DoesNotContain("…", row);
        }
        Assert.Contains("[999, 51234] loss: 12345.678", plain);
    }

    [Theory]
    [InlineData(2.302585, "loss   2.303")]
    [InlineData(12345.678, "loss  1.2e+4")]
    [InlineData(double.NaN, "loss     NaN")]
    public void TheFiguresKeepTheirWidth(double loss, string shown)
    {
        string a = TrainProgress.Stats(53.4, loss, 131.2, 83, full: true), b = TrainProgress.Stats(100, 0.5, 123456, 1e9, full: true);
        Assert.Equal(a.Length, b.Length);
        Assert.Contains(shown, a);
        Assert.StartsWith(" 53%", a);
        Assert.EndsWith("00:01:23", a);
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_root, recursive: true);
    }
}
