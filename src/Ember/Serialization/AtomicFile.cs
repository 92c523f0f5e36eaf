using System.Diagnostics;
using System.Globalization;

namespace Ember.Serialization;

/// <summary>
/// Replaces a file so that a crash, kill or full disk at any moment leaves either the old file or
/// the complete new one: the bytes go to a temporary file in the same folder (so the rename stays on
/// one file system), are flushed to the disk, and only then is the temporary renamed over the target
/// (an atomic replace on Linux, macOS and NTFS). A killed writer leaves its temporary behind; the next
/// save to the same target deletes those whose writing process is gone.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"save: '{path}' has no folder.", nameof(path));
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"save: the folder '{dir}' of '{path}' does not exist.");
        RemoveStaleTemporaries(dir, Path.GetFileName(full));
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporaries <c>.NAME.PID.GUID.tmp</c> of earlier saves to <paramref name="fileName"/>
    /// whose process no longer runs. A temporary of a live process (another writer saving right now, or
    /// this process) is left alone; so is anything not named exactly as this class names temporaries.
    /// Cleaning is best effort: a temporary that cannot be deleted never fails the save.
    /// </summary>
    internal static void RemoveStaleTemporaries(string dir, string fileName)
    {
        string prefix = "." + fileName + ".";
        string[] found;
        // AttributesToSkip = 0: temporaries start with a dot, which Unix counts as hidden.
        try { found = Directory.GetFiles(dir, prefix + "*.tmp", new EnumerationOptions { MatchType = MatchType.Simple, RecurseSubdirectories = false, AttributesToSkip = 0 }); }
        catch (IOException) { return; }
        catch (UnauthorizedAccessException) { return; }
        foreach (string f in found)
        {
            if (WriterPid(Path.GetFileName(f), prefix) is not int pid || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    // The writer's process id in ".NAME.PID.GUID.tmp", or null when the name is not exactly that shape.
    private static int? WriterPid(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal)) return null;
        string mid = name[prefix.Length..^".tmp".Length]; // PID.GUID
        int dot = mid.IndexOf('.');
        if (dot <= 0 || mid.Length - dot - 1 != 32 || !Guid.TryParseExact(mid[(dot + 1)..], "N", out _)) return null;
        return int.TryParse(mid.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }         // no such process
        catch (InvalidOperationException) { return false; } // it exited while we looked
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException or PlatformNotSupportedException)
        {
            return true; // cannot tell: keep the file rather than risk deleting a live writer's
        }
    }
}
