using System.Diagnostics;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// A save killed mid-write leaves its temporary (<c>.NAME.PID.GUID.tmp</c>) behind; the next save to the
/// same path deletes the temporaries of writers that are no longer running, and only those.
/// </summary>
public class StaleTemporaryTests
{
    // The id of a process that has run and exited (ids are not reused this quickly).
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.Id;
    }

    private static string Temp(string dir, string target, int pid)
    {
        string p = Path.Combine(dir, $".{target}.{pid}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(p, [1, 2, 3]);
        return p;
    }

    [Fact]
    public void TheNextSaveDeletesDeadWritersTemporariesAndKeepsLiveOnes()
    {
        string dir = Fixtures.TempDir();
        int dead = DeadPid();
        string stale = Temp(dir, "model.pt", dead);
        string neverExisted = Temp(dir, "model.pt", int.MaxValue - 1); // beyond any pid_max (and not a multiple of 4, as Windows ids are)
        string mine = Temp(dir, "model.pt", Environment.ProcessId); // a concurrent save in this process
        string parent = Temp(dir, "model.pt", ParentOrSelf());
        string otherTarget = Temp(dir, "other.pt", dead);           // another file's temporary: not this save's business
        string notOurs = Path.Combine(dir, ".model.pt.backup.tmp");  // not named as Ember names temporaries
        File.WriteAllBytes(notOurs, [0]);

        TorchFile.Save(Tensor.From(new[] { 1f }), Path.Combine(dir, "model.pt"));

        Assert.False(File.Exists(stale), "the temporary of an exited writer survived the next save");
        Assert.False(File.Exists(neverExisted));
        Assert.True(File.Exists(mine), "a live writer's temporary was deleted");
        Assert.True(File.Exists(parent), "a live writer's temporary was deleted");
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        TensorAssert.Equal(Tensor.From(new[] { 1f }), TorchFile.LoadTensor(Path.Combine(dir, "model.pt")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void SafeTensorsSavesCleanUpToo()
    {
        string dir = Fixtures.TempDir();
        string stale = Temp(dir, "w.safetensors", DeadPid());
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = Tensor.Zeros(2) }, Path.Combine(dir, "w.safetensors"));
        Assert.False(File.Exists(stale));
        Directory.Delete(dir, true);
    }

    // A running process other than this one: the test host's parent (the test runner) where it can be read, else this process.
    private static int ParentOrSelf()
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
            int ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            return ppid > 1 ? ppid : Environment.ProcessId;
        }
        catch (IOException) { return Environment.ProcessId; }
        catch (UnauthorizedAccessException) { return Environment.ProcessId; }
    }
}
