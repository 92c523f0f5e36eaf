using System.Diagnostics;
using Xunit;

namespace Ember.Tests.Distributed;

/// <summary>
/// A <c>[Fact]</c> that needs Open MPI's <c>mpirun</c>: skipped, with the reason shown in the test
/// results, on a machine without it (CI installs openmpi-bin in .ci/run, so it runs there).
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    /// <summary>Skips when mpirun is not on PATH.</summary>
    public MpiFactAttribute()
    {
        if (MpiJob.MpiRun is null) Skip = "mpirun was not found on PATH: install Open MPI (apt-get install openmpi-bin) to run the distributed tests.";
    }
}

/// <summary>The MPI job tests run one at a time: each job already has more processes than the machine has cores.</summary>
[CollectionDefinition("mpi jobs", DisableParallelization = true)]
public sealed class MpiJobCollection;

/// <summary>Launches tests/Ember.DistChild under <c>mpirun</c> on this machine (loopback only) and collects what it printed.</summary>
internal static class MpiJob
{
    /// <summary>The full path of mpirun, or null.</summary>
    public static readonly string? MpiRun = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "mpirun"))
        .FirstOrDefault(File.Exists);

    private static string ChildDll()
    {
        string root = Ember.Tests.Serialization.EmberWrittenFiles.RepoRoot();
        string rel = Path.GetRelativePath(Path.Combine(root, "tests", "Ember.Tests"), AppContext.BaseDirectory);
        string dll = Path.Combine(root, "tests", "Ember.DistChild", rel, "Ember.DistChild.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build Ember.slnx (the test project builds tests/Ember.DistChild).");
        return dll;
    }

    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    /// <summary>Runs <paramref name="scenario"/> on <paramref name="ranks"/> processes; kills the job after <paramref name="timeoutSeconds"/>.</summary>
    public static Result Run(int ranks, string scenario, int timeoutSeconds = 240, params string[] args) =>
        Run(ranks, scenario, timeoutSeconds, null, args);

    /// <summary>As <see cref="Run(int, string, int, string[])"/>, with extra environment variables for the job.</summary>
    public static Result Run(int ranks, string scenario, int timeoutSeconds, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        // ranks 0: the program started by itself, without mpirun (MPI's singleton mode, a world of one).
        var psi = new ProcessStartInfo(ranks == 0 ? "dotnet" : MpiRun!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Root in CI containers; more ranks than cores on small machines; shared memory and loopback only,
        // copying through the shared segment rather than with CMA (process_vm_readv), which containers
        // without ptrace permission refuse.
        foreach (var a in ranks == 0 ? [ChildDll(), scenario] : new[] { "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader",
                     "--mca", "btl_vader_single_copy_mechanism", "none", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", ChildDll(), scenario })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"mpirun -np {ranks} {scenario} did not finish within {timeoutSeconds} s\n--- stdout ---\n{stdout.Result}\n--- stderr ---\n{stderr.Result}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed);
    }

    /// <summary>Runs a scenario and asserts that every rank reported it done.</summary>
    public static Result RunOk(int ranks, string scenario, params string[] args)
    {
        var r = Run(ranks, scenario, 240, args);
        Assert.True(r.ExitCode == 0, $"mpirun -np {ranks} {scenario} failed: {r}");
        for (int k = 0; k < Math.Max(ranks, 1); k++)
            Assert.True(r.Output.Contains($"rank {k}: {scenario} ok", StringComparison.Ordinal), $"rank {k} did not report '{scenario} ok': {r}");
        return r;
    }
}
