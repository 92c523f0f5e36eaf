namespace Ember.Serialization;

/// <summary>
/// Replaces a file so that a crash, kill or full disk at any moment leaves either the old file or
/// the complete new one: the bytes go to a temporary file in the same folder (so the rename stays on
/// one file system), are flushed to the disk, and only then is the temporary renamed over the target
/// (an atomic replace on Linux, macOS and NTFS).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"save: '{path}' has no folder.", nameof(path));
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"save: the folder '{dir}' of '{path}' does not exist.");
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
}
