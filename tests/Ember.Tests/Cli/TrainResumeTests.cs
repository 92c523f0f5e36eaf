using System.Runtime.InteropServices;
using Ember.Cli;
using Spectre.Console.Testing;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>
/// `ember train` run in-process on a tiny MNIST-format dataset: a run stopped or crashed in mid-epoch and
/// resumed ends with the uninterrupted run's weights, bit for bit, and its loss curve; a bad output
/// folder or a resume with other options is refused before training.
/// </summary>
[Collection("DefaultGenerator")]
public sealed class TrainResumeTests : IDisposable
{
    private readonly string _data = TrainFixtures.MnistData(train: 96, test: 20);
    private readonly string _root = TrainFixtures.TempDir("train-resume");

    // 12 batches of 8 per epoch, 2 epochs; the MLP is the faster of the two models.
    private string[] Args(string output, params string[] extra) =>
        TrainFixtures.Args(_data, output, ["--model", "mlp", "--epochs", "2", "--batch-size", "8", "--threads", "1", "--workers", "0", "--log-every", "5", "--seed", "3", .. extra]);

    /// <summary>Runs `ember train` in-process on an 80-column console; returns the exit code, stdout's lines and stderr.</summary>
    internal static (int Code, string[] Lines, string Error) Run(string[] args, StopSignal? stop = null)
    {
        var console = new TestConsole().Width(80);
        var err = new StringWriter();
        var (oldConsole, oldErr) = (Spectre.Console.AnsiConsole.Console, Console.Error);
        // Errors and the evaluation's tables are written through the static console (or to stderr).
        Spectre.Console.AnsiConsole.Console = console;
        Console.SetError(err);
        try
        {
            int code = TrainCommand.Invoke(args, stop ?? StopSignal.Manual(), console);
            return (code, console.Lines.ToArray(), err.ToString());
        }
        finally
        {
            Spectre.Console.AnsiConsole.Console = oldConsole;
            Console.SetError(oldErr);
        }
    }

    private static string Text((int Code, string[] Lines, string Error) run) => string.Join("", run.Lines) + run.Error.Replace("\n", "");

    private sealed class SimulatedCrash : Exception;

    [Fact]
    public void ACrashAfterAPeriodicCheckpointResumesToTheUninterruptedWeights()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        var runA = Run(Args(a));
        Assert.True(runA.Code == 0, Text(runA));

        // Dies at step 17 (epoch 2, batch 5) without a chance to save: the checkpoint of step 15 remains.
        TrainCommand.AfterStep = (step, _) => { if (step == 17) throw new SimulatedCrash(); };
        try
        {
            int code = Run(Args(b, "--checkpoint-every", "5")).Code;
            Assert.True(code is not (0 or 130 or 143), $"exit code {code}");   // an internal error's code
        }
        finally { TrainCommand.AfterStep = null; }
        string ckpt = Path.Combine(b, "checkpoint.pt");
        var saved = CliCheckpoint.LoadResumable(ckpt).State;
        Assert.Equal((2, 3, 15L), (saved.Epoch, saved.Step, saved.GlobalStep));
        // eval and predict read a mid-run checkpoint as well
        Assert.Equal("mlp", CliCheckpoint.Load(ckpt).Header.Model);

        // Resumed with other workers: the order of the samples does not depend on them.
        var runB = Run(Args(b, "--workers", "2", "--resume", ckpt));
        Assert.True(runB.Code == 0, Text(runB));
        TrainFixtures.AssertSameWeights(Path.Combine(a, "checkpoint.pt"), ckpt);
        Assert.Equal(CliCheckpoint.LoadResumable(Path.Combine(a, "checkpoint.pt")).State.Curve, CliCheckpoint.LoadResumable(ckpt).State.Curve);
        // The resumed run prints the uninterrupted run's loss lines from where it took over.
        static string[] LossLines(string[] lines) => lines.Where(l => l.StartsWith('[')).ToArray();
        Assert.Equal(LossLines(runA.Lines).SkipWhile(l => !l.StartsWith("[2,", StringComparison.Ordinal)), LossLines(runB.Lines));
        Assert.Contains(runB.Lines, l => l.StartsWith("Resuming", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PosixSignal.SIGINT, 7, 130)]    // in mid-epoch
    [InlineData(PosixSignal.SIGTERM, 12, 143)]  // on an epoch's last batch
    public void AStopRequestSavesAfterTheStepAndTheResumeFinishesTheSameRun(PosixSignal signal, int atStep, int exitCode)
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        Assert.Equal(0, Run(Args(a)).Code);
        TrainCommand.AfterStep = (step, s) => { if (step == atStep) s.Request(signal); };
        string err;
        try
        {
            var run = Run(Args(b));
            Assert.True(run.Code == exitCode, Text(run));
            err = run.Error;
        }
        finally { TrainCommand.AfterStep = null; }
        string ckpt = Path.Combine(b, "checkpoint.pt");
        var saved = CliCheckpoint.LoadResumable(ckpt).State;
        Assert.Equal(atStep, saved.GlobalStep);
        Assert.Contains($"Stopped by {signal}", err);
        Assert.Contains($"--resume {ckpt}", err);
        Assert.Contains("ember train --dataset mnist", err);

        Assert.Equal(0, Run(Args(b, "--resume", ckpt)).Code);
        TrainFixtures.AssertSameWeights(Path.Combine(a, "checkpoint.pt"), ckpt);
    }

    [Fact]
    public void ANewRunDoesNotOverwriteAnUnfinishedOneButReplacesAFinishedOne()
    {
        string a = Path.Combine(_root, "a"), ckpt = Path.Combine(a, "checkpoint.pt");
        TrainCommand.AfterStep = (step, s) => { if (step == 3) s.Request(PosixSignal.SIGINT); };
        try { Assert.Equal(130, Run(Args(a)).Code); }
        finally { TrainCommand.AfterStep = null; }
        byte[] stopped = File.ReadAllBytes(ckpt);

        // The same command again, without --resume: it used to start over and write over the stopped run.
        var again = Run(Args(a));
        Assert.Equal(1, again.Code);
        Assert.Contains($"{ckpt} holds an unfinished run (stopped at epoch 1 of 2, batch 3)", Text(again));
        Assert.Contains($"--resume {ckpt}", Text(again));
        Assert.Equal(stopped, File.ReadAllBytes(ckpt));

        // Not a checkpoint at all: refused too, rather than overwritten.
        string b = Path.Combine(_root, "b");
        Directory.CreateDirectory(b);
        File.WriteAllText(Path.Combine(b, "checkpoint.pt"), "my notes");
        var other = Run(Args(b));
        Assert.Equal(1, other.Code);
        Assert.Contains("is not a checkpoint a run can continue from", Text(other));

        // Finished, it may be replaced by a new run (the same command run twice).
        Assert.Equal(0, Run(Args(a, "--resume", ckpt)).Code);
        Assert.Equal(0, Run(Args(a)).Code);
    }

    [Fact]
    public void AResumeWithOtherOptionsIsRefused()
    {
        string a = Path.Combine(_root, "a");
        TrainCommand.AfterStep = (step, s) => { if (step == 3) s.Request(PosixSignal.SIGINT); };
        try { Assert.Equal(130, Run(Args(a)).Code); }
        finally { TrainCommand.AfterStep = null; }
        var run = Run(Args(a, "--batch-size", "4", "--resume", Path.Combine(a, "checkpoint.pt")));
        Assert.Equal(1, run.Code);
        Assert.Contains("--batch-size 8 (this command: 4)", Text(run));
        run = Run(Args(a, "--resume", Path.Combine(a, "missing.pt")));
        Assert.Equal(1, run.Code);
        Assert.Contains("checkpoint not found", Text(run));
    }

    [Fact]
    public void AnOutputFolderThatCannotBeWrittenIsRefusedBeforeTheDataIsRead()
    {
        string file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "x");
        string noData = Path.Combine(_root, "no-data");   // a data error would come later: the output check must come first
        foreach (string output in new[] { file, Path.Combine(file, "under-a-file"), "/proc/ember-cannot-create-this" })
        {
            var run = Run(TrainFixtures.Args(noData, output, "--model", "mlp"));
            // A file named by --output-dir is the parser's (a usage error); the rest OutputFolder.Check finds.
            Assert.Equal(output == file ? Ember.Cli.Cli.Usage : Ember.Cli.Cli.Failed, run.Code);
            string text = Text(run);
            Assert.Contains("--output-dir", text);
            Assert.DoesNotContain("MNIST", text);
        }
        var e = Assert.Throws<CliException>(() => OutputFolder.Check(_root, long.MaxValue));
        Assert.Contains("free there", e.Message);
        OutputFolder.Check(_root, OutputFolder.Estimate(1000));
        Assert.Empty(Directory.GetFiles(_root, ".ember-write-probe-*"));
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_root, recursive: true);
    }
}
