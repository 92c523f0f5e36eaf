using System.Diagnostics;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>
/// A process killed (SIGKILL) while it saves over a file never leaves a torn file: the target always
/// loads, holding either an older generation or the newest, never a mix; and the temporaries the killed
/// saves left behind are gone after the next save.
/// </summary>
public class KillDuringSaveTests
{
    private static string ChildDll()
    {
        string root = EmberWrittenFiles.RepoRoot();
        // The child is built next to the tests with the same configuration (bin/<Configuration>/<tfm>).
        string rel = Path.GetRelativePath(Path.Combine(root, "tests", "Ember.Tests"), AppContext.BaseDirectory);
        string dll = Path.Combine(root, "tests", "Ember.SaveChild", rel, "Ember.SaveChild.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build Ember.slnx (the test project builds tests/Ember.SaveChild).");
        return dll;
    }

    private static long CheckWhole(string path)
    {
        var d = (OrderedDictionary<object, object?>)TorchFile.Load(path)!;
        long gen = (long)d["gen"]!;
        var data = ((Tensor)d["data"]!).ToArray<float>();
        Assert.Equal(512 * 1024, data.Length);
        Assert.All(data, v => Assert.Equal(gen, (long)v));
        return gen;
    }

    [Fact]
    public void KilledWhileSavingTheFileAlwaysLoads()
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "ckpt.pt");
        TorchFile.Save(new Dictionary<string, object?> { ["gen"] = 0L, ["data"] = Tensor.Full([512, 1024], 0, DType.Float32) }, path);
        string dll = ChildDll();
        var rng = new Random(7);
        long last = 0;
        for (int round = 0; round < 6; round++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            psi.ArgumentList.Add(path);
            psi.ArgumentList.Add((last + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var child = Process.Start(psi)!;
            // Kill at a varying point: after a number of completed saves, right after the next one begins.
            int saves = 1 + rng.Next(4);
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                if (line.StartsWith("saved", StringComparison.Ordinal)) saves--;
                if (saves <= 0 && line.StartsWith("begin", StringComparison.Ordinal)) break;
            }
            Assert.NotNull(line); // the child ran until we killed it
            if (rng.Next(2) == 0) Thread.SpinWait(rng.Next(1, 200_000));
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            long gen = CheckWhole(path);
            Assert.True(gen > last, $"round {round}: generation {gen} is not newer than {last}");
            last = gen;
        }
        // A child killed mid-write leaves its temporary; each new save removes those of dead writers,
        // so after one more save nothing of the killed children remains.
        TorchFile.Save(new Dictionary<string, object?> { ["gen"] = last + 1, ["data"] = Tensor.Full([512, 1024], last + 1, DType.Float32) }, path);
        Assert.Empty(Directory.GetFiles(dir, ".ckpt.pt.*.tmp"));
        Assert.Equal(last + 1, CheckWhole(path));
        Directory.Delete(dir, true);
    }
}
