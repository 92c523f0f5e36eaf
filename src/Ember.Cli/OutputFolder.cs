using System.Globalization;

namespace Ember.Cli;

/// <summary>
/// Checks, before any data is loaded, that training's output folder can take what training will write,
/// so a long run does not fail at its first checkpoint.
/// </summary>
internal static class OutputFolder
{
    /// <summary>
    /// A rough upper bound of the bytes a run writes: the checkpoint holds the weights and the momentum
    /// buffers (float32), and an atomic save holds the old file and the new one at once, so three copies
    /// of the parameters cover it with room to spare; plus the loss chart and the zip's small records.
    /// </summary>
    public static long Estimate(long parameters) => checked(parameters * 4 * 3) + 1024 * 1024;

    /// <summary>Creates <paramref name="dir"/> if needed, writes and deletes a probe file in it, and compares its drive's free space with <paramref name="bytesNeeded"/>.</summary>
    /// <exception cref="CliException">The folder is a file, cannot be created or written, or its drive is short of space.</exception>
    public static void Check(string dir, long bytesNeeded)
    {
        string full = Path.GetFullPath(dir);
        if (File.Exists(full)) throw new CliException($"--output-dir {dir}: that is a file; give a folder (it is created if missing).");
        try { Directory.CreateDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CliException($"--output-dir {dir}: cannot create the folder: {e.Message}");
        }
        string probe = Path.Combine(full, $".ember-write-probe-{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--output-dir {dir}: cannot write there: {e.Message}");
        }
        long free;
        try { free = new DriveInfo(full).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return;   // the free space is unknown here (some file systems do not say): do not refuse on a guess
        }
        if (free < bytesNeeded)
            throw new CliException($"--output-dir {dir}: only {Megabytes(free)} free there, but the checkpoints need about {Megabytes(bytesNeeded)}.");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";
}
