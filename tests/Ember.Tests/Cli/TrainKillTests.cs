using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Ember.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Ember.Tests.Cli;

/// <summary>
/// The kill test of `ember train`: SIGINT and SIGTERM sent to the real command (a child process) at
/// random moments, at least 10 of each. Every time, the process exits with 130 or 143 and leaves a
/// checkpoint that loads, and resuming it (again and again, until the run finishes) ends with the
/// weights of a run that was never interrupted, bit for bit.
/// </summary>
public sealed partial class TrainKillTests(ITestOutputHelper output) : IDisposable
{
    private const int SigInt = 2, SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint SetDisposition(int signal, nint handler);

    private static readonly nint Default = 0, Ignore = 1;

    // A process started in the background by a non-interactive shell ignores SIGINT, and its children
    // inherit that (`ember` then never sees Ctrl-C, rightly). Give the children the default disposition.
    private static bool IgnoresSigInt()
    {
        string? mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return mask is not null && (Convert.ToUInt64(mask["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
    }

    private readonly string _data = TrainFixtures.MnistData(train: 160, test: 8);
    private readonly string _root = TrainFixtures.TempDir("train-kill");

    private string[] Args(string outputDir) => TrainFixtures.Args(_data, outputDir,
        "--model", "lenet", "--epochs", "2", "--batch-size", "4", "--threads", "1", "--workers", "1", "--log-every", "1", "--checkpoint-every", "9", "--seed", "11");

    private static string CliDll()
    {
        // Ember.Cli is a project reference of the tests, so its dll and runtimeconfig are copied next to them.
        string dll = Path.Combine(AppContext.BaseDirectory, "Ember.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build tests/Ember.Tests (it references src/Ember.Cli).");
        return dll;
    }

    private sealed record Outcome(int ExitCode, string Stdout, string Stderr, bool Signalled, bool DuringTraining);

    // Starts `ember train`; after its header (printed once the signal handlers are in place), waits for a
    // random number of finished steps and a random spin, then sends the signal, unless the run finishes first.
    private static Outcome RunChild(string[] args, int? signal, Random rng)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll());
        psi.ArgumentList.Add("train");
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        var stderr = new StringBuilder();
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        child.BeginErrorReadLine();
        var stdout = new StringBuilder();
        int steps = rng.Next(0, 10), spin = rng.Next(0, 3) == 0 ? rng.Next(1, 400_000) : 0;
        bool headerSeen = false, sent = false, training = false;
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null)
        {
            stdout.AppendLine(line);
            if (sent || signal is null) continue;
            if (line.StartsWith("Finished", StringComparison.Ordinal)) { signal = null; continue; }   // too late: let it finish
            if (line.StartsWith("SGD lr", StringComparison.Ordinal)) headerSeen = true;
            else if (headerSeen && line.StartsWith('[')) steps--;
            if (headerSeen && steps <= 0)
            {
                if (spin > 0) Thread.SpinWait(spin);
                Assert.Equal(0, Kill(child.Id, signal.Value));
                sent = true;
                training = true;
            }
        }
        child.WaitForExit();
        string err;
        lock (stderr) err = stderr.ToString();
        return new Outcome(child.ExitCode, stdout.ToString(), err, sent, training && err.Contains("To resume:"));
    }

    [Fact]
    public void SignalsAtRandomMomentsAlwaysLeaveACheckpointThatResumesToTheUninterruptedWeights()
    {
        if (!OperatingSystem.IsLinux()) return;   // POSIX signals by number; CI runs on Linux
        bool ignored = IgnoresSigInt();
        if (ignored) SetDisposition(SigInt, Default);
        try { KillAndResume(); }
        finally { if (ignored) SetDisposition(SigInt, Ignore); }
    }

    private void KillAndResume()
    {
        var rng = new Random(20240612);
        var clock = Stopwatch.StartNew();

        string reference = Path.Combine(_root, "reference");
        var whole = RunChild(Args(reference), null, rng);
        Assert.True(whole.ExitCode == 0, whole.Stdout + whole.Stderr);
        string referenceCheckpoint = Path.Combine(reference, CliCheckpoint.FileName);

        int ints = 0, terms = 0, inTraining = 0, chains = 0;
        while (ints < 10 || terms < 10)
        {
            Assert.True(chains < 8, $"only {ints} SIGINT and {terms} SIGTERM delivered in {chains} runs");
            string dir = Path.Combine(_root, $"run{chains++}");
            string checkpoint = Path.Combine(dir, CliCheckpoint.FileName);
            long position = -1;
            for (int session = 0; ; session++)
            {
                Assert.True(session < 40, "the run does not progress from one resume to the next");
                int signal = ints < terms ? SigInt : terms < ints ? SigTerm : rng.Next(2) == 0 ? SigInt : SigTerm;
                string[] args = session == 0 ? Args(dir) : [.. Args(dir), "--resume", checkpoint];
                var o = RunChild(args, signal, rng);
                if (!o.Signalled || o.ExitCode == 0)
                {
                    // The run got to its end before the signal was sent (or delivered).
                    Assert.True(o.ExitCode == 0, $"exit code {o.ExitCode}: {o.Stdout}{o.Stderr}");
                    Assert.Contains("Wrote", o.Stdout);
                    break;
                }
                Assert.True(o.ExitCode == (signal == SigInt ? 130 : 143), $"signal {signal}: exit code {o.ExitCode}\n{o.Stdout}{o.Stderr}");
                if (signal == SigInt) ints++; else terms++;
                if (o.DuringTraining) inTraining++;
                // A valid checkpoint remains, readable by eval/predict and by --resume, never behind the last one.
                Assert.True(File.Exists(checkpoint), $"no checkpoint after signal {signal}:\n{o.Stdout}{o.Stderr}");
                Assert.Equal("lenet", CliCheckpoint.Load(checkpoint).Header.Model);
                long now = CliCheckpoint.LoadResumable(checkpoint).State.GlobalStep;
                Assert.True(now >= position, $"the checkpoint went back from step {position} to {now}");
                position = now;
            }
            TrainFixtures.AssertSameWeights(referenceCheckpoint, checkpoint);
        }
        output.WriteLine($"{ints} SIGINT and {terms} SIGTERM ({inTraining} while training) over {chains} runs, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(inTraining >= 10, $"only {inTraining} of the signals arrived while training");
    }

    public void Dispose()
    {
        Directory.Delete(_data, recursive: true);
        Directory.Delete(_root, recursive: true);
    }
}
