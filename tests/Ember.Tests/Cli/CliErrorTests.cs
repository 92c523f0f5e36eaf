using Ember.Cli;
using Ember.Data;
using Ember.Optim;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>
/// Issue 12, item 7: every failure of the <c>ember</c> command ends in one line on stderr (two for a
/// command-line mistake: the error and where the help is), a non-zero exit code, no stack trace and no
/// .NET type name. The commands run in-process through <see cref="Ember.Cli.Cli.Execute"/>.
/// </summary>
[Collection("DefaultGenerator")]   // the checkpoint fixture draws initial weights from the default generator
public class CliErrorTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Ember.Cli.Cli.Execute(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    // The error (and for usage errors the pointer to --help): no stack trace, no .NET type, nothing on stdout.
    private static void AssertError((int Code, string Out, string Err) run, int code, string expected, int lines = 1)
    {
        Assert.True(code == run.Code, $"exit code {run.Code}, expected {code}; stderr: {run.Err}");
        string[] errLines = run.Err.TrimEnd().Split('\n');
        Assert.Equal(lines, errLines.Length);
        Assert.Contains(expected, errLines[0]);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("System.", run.Err);
        Assert.DoesNotContain("Exception", run.Err);
        if (lines == 2) Assert.Contains("--help", errLines[1]);
    }

    private static void AssertUsage((int Code, string Out, string Err) run, string expected)
    {
        AssertError(run, Ember.Cli.Cli.Usage, expected, lines: 2);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("--epochs", "abc", "--epochs: 'abc' is not a whole number.")]
    [InlineData("--batch-size", "4.5", "--batch-size: '4.5' is not a whole number.")]
    [InlineData("--lr", "fast", "--lr: 'fast' is not a number.")]
    [InlineData("--momentum", "high", "--momentum: 'high' is not a number.")]
    [InlineData("--epochs", "99999999999", "--epochs: 99999999999 is out of range (from -2147483648 to 2147483647).")]
    public void AValueThatDoesNotParseNamesTheOptionAndNoDotNetType(string option, string value, string expected) =>
        AssertUsage(Run("train", option, value), "ember train: " + expected);

    [Theory]
    [InlineData("--momentum", "-1", "--momentum must be zero or more")]
    [InlineData("--lr", "0", "--lr must be a positive finite number, got 0.")]
    [InlineData("--lr", "-0.1", "--lr must be a positive finite number, got -0.1.")]
    [InlineData("--lr", "NaN", "--lr must be a positive finite number, got NaN.")]
    [InlineData("--lr", "Infinity", "--lr must be a positive finite number")]
    [InlineData("--epochs", "0", "--epochs must be at least 1, got 0.")]
    [InlineData("--batch-size", "0", "--batch-size must be at least 1, got 0.")]
    [InlineData("--log-every", "0", "--log-every must be at least 1, got 0.")]
    [InlineData("--workers", "-1", "--workers must be at least 0, got -1.")]
    [InlineData("--threads", "0", "--threads must be at least 1, got 0.")]
    public void TrainRefusesOutOfRangeValuesBeforeLoadingAnything(string option, string value, string expected) =>
        AssertUsage(Run("train", option, value), "ember train: " + expected);

    [Theory]
    [InlineData("--resume", "x.pt", "--distributed cannot --resume yet")]
    [InlineData("--checkpoint-every", "10", "--distributed writes the checkpoint at the end of each epoch only")]
    [InlineData("--model", "lstm-lm", "--distributed trains the image classifiers")]
    public void DistributedRefusesWhatItCannotDoYetBeforeStartingMpi(string option, string value, string expected) =>
        AssertUsage(Run("train", "--distributed", option, value), expected);

    [Fact]
    public void EvalRefusesZeroThreads() =>
        AssertUsage(Run("eval", "x.pt", "--threads", "0"), "ember eval: --threads must be at least 1, got 0.");

    [Theory]
    [InlineData("train", "--model", "resnet", "--model: unknown name 'resnet'; expected one of: lenet, mlp, lstm-lm.")]
    [InlineData("train", "--dataset", "imagenet", "--dataset: unknown name 'imagenet'; expected one of: cifar10, fashion-mnist, mnist, fortunes.")]
    [InlineData("eval", "--dataset", "imagenet", "--dataset: unknown name 'imagenet'; expected one of: cifar10, fashion-mnist, mnist.")]
    public void UnknownModelAndDatasetNamesListTheValidOnes(string command, string option, string value, string expected)
    {
        string[] args = command == "eval" ? [command, "x.pt", option, value] : [command, option, value];
        AssertUsage(Run(args), $"ember {command}: " + expected);
    }

    [Fact]
    public void AnUnknownDeviceIsAUsageErrorAndCudaAFailureOfThisBuild()
    {
        AssertUsage(Run("train", "--device", "tpu"), "ember train: --device: unknown device 'tpu'; expected cpu, cuda or cuda:N.");
        string data = Directory.CreateTempSubdirectory("ember-cli-data-").FullName;
        try { AssertError(Run("train", "--device", "cuda", "--data-dir", data), Ember.Cli.Cli.Failed, "ember train: --device cuda: this build of Ember has no CUDA backend"); }
        finally { Directory.Delete(data, recursive: true); }
    }

    [Fact]
    public void AnOutputFolderThatIsAFileIsRefused()
    {
        string file = Path.GetTempFileName();
        try { AssertUsage(Run("train", "--output-dir", file), $"ember train: --output-dir: {file} is a file; give a folder"); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void ADataFolderThatIsAFileIsRefused()
    {
        // It used to be passed over without a word: the data was then found in Debian's folder instead.
        string file = Path.GetTempFileName();
        try
        {
            AssertUsage(Run("train", "--data-dir", file), $"ember train: --data-dir: {file} is a file; give a folder.");
            AssertUsage(Run("eval", "x.pt", "--data-dir", file), $"ember eval: --data-dir: {file} is a file; give a folder.");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void TheRunsFirstLineFitsEightyColumnsForEveryModelAndDataset()
    {
        foreach (string model in Ember.Cli.Models.Names)
            foreach (var (dataset, train, test, channels, size) in new[] { ("cifar10", 50000, 10000, 3, 32), ("fashion-mnist", 60000, 10000, 1, 28), ("mnist", 60000, 10000, 1, 28) })
            {
                long parameters = Ember.Cli.Models.Create(model, channels, size, 10).Parameters().Sum(p => p.Numel());
                string line = Ember.Cli.TrainCommand.Header(model, dataset, train, test, parameters);
                Assert.True(line.Length <= 80, $"{line.Length} columns: {line}");
            }
    }

    [Fact]
    public void UnknownOptionsCommandsAndMissingValuesAreOneLinePlusTheHelpPointer()
    {
        AssertUsage(Run("train", "--bogus"), "ember train: unknown command, option or argument '--bogus'.");
        AssertUsage(Run("frob"), "ember: unknown command, option or argument 'frob'.");
        AssertUsage(Run("train", "--epochs"), "ember train: --epochs needs a value.");
        AssertUsage(Run("eval"), "ember eval: missing the CHECKPOINT argument.");
        AssertUsage(Run("predict", "x.pt"), "ember predict: missing the IMAGE argument.");
    }

    [Fact]
    public void HelpStillPrintsTheHelpOnStdout()
    {
        var run = Run("train", "--help");
        Assert.Equal(0, run.Code);
        Assert.Contains("--momentum", run.Out);
        Assert.Equal("", run.Err);
    }

    [Fact]
    public void MissingDataNamesTheFoldersAndDownload()
    {
        string data = Directory.CreateTempSubdirectory("ember-cli-data-").FullName;
        try
        {
            var run = Run("train", "--dataset", "mnist", "--data-dir", data);
            AssertError(run, Ember.Cli.Cli.Failed, $"ember train: MNIST not found (looked in {Path.Combine(data, "MNIST", "raw")}");
            Assert.Contains("--download", run.Err);
        }
        finally { Directory.Delete(data, recursive: true); }
    }

    [Fact]
    public void EvalWithMissingDataNamesDownload()
    {
        string dir = Directory.CreateTempSubdirectory("ember-cli-eval-").FullName;
        try
        {
            string checkpoint = SaveCheckpoint(dir);
            var run = Run("eval", checkpoint, "--data-dir", Path.Combine(dir, "nodata"));
            AssertError(run, Ember.Cli.Cli.Failed, "ember eval: MNIST not found");
            Assert.Contains("--download", run.Err);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AFolderWhereAFileIsExpectedIsSaidToBeAFolder()
    {
        string dir = Directory.CreateTempSubdirectory("ember-cli-run-").FullName;
        try
        {
            AssertError(Run("eval", dir), Ember.Cli.Cli.Failed, $"ember eval: checkpoint {dir} is a folder, not a file");
            AssertError(Run("predict", dir, "cat.png"), Ember.Cli.Cli.Failed, $"ember predict: checkpoint {dir} is a folder, not a file");
            string checkpoint = SaveCheckpoint(dir);
            // The run's folder holds the checkpoint: the message says which file was meant.
            AssertError(Run("eval", dir), Ember.Cli.Cli.Failed, $"did you mean {checkpoint}?");
            AssertError(Run("predict", checkpoint, dir), Ember.Cli.Cli.Failed, $"ember predict: image {dir} is a folder, not a file");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ACorruptCheckpointIsOneLine()
    {
        string dir = Directory.CreateTempSubdirectory("ember-cli-bad-").FullName;
        try
        {
            string path = Path.Combine(dir, "checkpoint.pt");
            File.WriteAllText(path, "not a zip file at all");
            AssertError(Run("eval", path), Ember.Cli.Cli.Failed, $"ember eval: ");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    public static TheoryData<Exception, string> ExpectedFailures() => new()
    {
        { new TimeoutException("DataLoader: no batch from worker 1 within 5 s"), "ember: DataLoader: no batch from worker 1 within 5 s" },
        { new TensorFileException("model.pt", "record 'data/0': CRC-32 mismatch"), "model.pt" },
        { new IOException("No space left on device : '/runs/x/loss.png'"), "ember: No space left on device : '/runs/x/loss.png'" },
        { new UnauthorizedAccessException("Access to the path '/runs/x' is denied."), "ember: permission denied: Access to the path '/runs/x' is denied." },
        { new DeviceUnavailableException("cuda:0 is not available"), "ember: cuda:0 is not available" },
        { new InvalidDataException("two\nlines"), "ember: two lines" },
    };

    [Theory]
    [MemberData(nameof(ExpectedFailures))]
    public void ExpectedFailuresFromTheLibraryAreOneLineAndExitCode1(Exception failure, string expected)
    {
        var error = new StringWriter();
        int code;
        using (Ember.Cli.Cli.RedirectTo(null, error)) code = Ember.Cli.Cli.Run(() => throw failure);
        AssertError((code, "", error.ToString()), Ember.Cli.Cli.Failed, expected);
    }

    [Fact]
    public void ADataLoaderErrorIsOneLineNamingTheItem()
    {
        var loader = DataLoader.Create(new FuncDataset<Tensor>(8, i => i == 5 ? throw new InvalidDataException($"sample {i} is corrupt") : Tensor.From(new float[] { i })), batchSize: 2);
        var error = new StringWriter();
        int code;
        using (Ember.Cli.Cli.RedirectTo(null, error)) code = Ember.Cli.Cli.Run(() => { foreach (var _ in loader) { } return 0; });
        AssertError((code, "", error.ToString()), Ember.Cli.Cli.Failed, "ember: DataLoader: dataset item 5");
        Assert.Contains("sample 5 is corrupt", error.ToString());
    }

    [Fact]
    public void AnUnexpectedExceptionNamesItsTypeAndHowToSeeTheTrace()
    {
        var error = new StringWriter();
        int code;
        using (Ember.Cli.Cli.RedirectTo(null, error)) code = Ember.Cli.Cli.Run(() => throw new InvalidCastException("a bug"));
        Assert.Equal(Ember.Cli.Cli.InternalError, code);
        Assert.Equal($"ember: internal error: InvalidCastException: a bug (set EMBER_DEBUG=1 for the stack trace, and please report it){Environment.NewLine}", error.ToString());
    }

    [Fact]
    public void EmberDebugAddsTheStackTraceOfAnUnexpectedException()
    {
        // Only the ember command reads EMBER_DEBUG, and this class's tests run one at a time.
        var error = new StringWriter();
        Environment.SetEnvironmentVariable(Ember.Cli.Cli.DebugVariable, "1");
        try
        {
            using (Ember.Cli.Cli.RedirectTo(null, error)) Ember.Cli.Cli.Run(() => throw new InvalidCastException("a bug"));
        }
        finally { Environment.SetEnvironmentVariable(Ember.Cli.Cli.DebugVariable, null); }
        string[] lines = error.ToString().Split(Environment.NewLine);
        Assert.Equal("ember: internal error: InvalidCastException: a bug", lines[0]);
        Assert.StartsWith("System.InvalidCastException: a bug", lines[1]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private static string SaveCheckpoint(string dir)
    {
        Tensor.ManualSeed(3);
        var model = Models.Create("lenet", 1, 28, 10);
        string path = Path.Combine(dir, CliCheckpoint.FileName);
        CliCheckpoint.Save(path, new CliCheckpoint.Header("lenet", "mnist", 1, 28, [.. Enumerable.Range(0, 10).Select(i => i.ToString())], 1, 3),
            model, new Sgd(model.Parameters(), lr: 0.01));
        return path;
    }
}
