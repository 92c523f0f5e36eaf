using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Ember.Vision.Datasets;

/// <summary>Progress of one file's download, reported as bytes arrive.</summary>
/// <param name="FileName">The file being fetched.</param>
/// <param name="Url">Where it comes from.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The expected size, when the server sent one.</param>
public readonly record struct DownloadProgress(string FileName, Uri Url, long BytesReceived, long? TotalBytes)
{
    /// <summary>Fraction done in [0, 1], when the size is known.</summary>
    public double? Fraction => TotalBytes is > 0 and { } t ? (double)BytesReceived / t : null;
}

/// <summary>
/// How a dataset downloads its files when asked to (<c>download: true</c>). The defaults fetch the
/// official files and check them against torchvision's MD5 sums.
/// </summary>
public sealed record DownloadOptions
{
    /// <summary>
    /// Base URLs to try in turn instead of the dataset's own mirrors (each file's name is appended);
    /// for a local copy, an internal mirror or tests.
    /// </summary>
    public IReadOnlyList<string>? Mirrors { get; init; }

    /// <summary>Expected MD5 sums (lower-case hex) by file name, replacing the built-in ones.</summary>
    public IReadOnlyDictionary<string, string>? Md5 { get; init; }

    /// <summary>
    /// Expected SHA-256 sums (lower-case hex) by file name, checked in addition to the MD5 sums; for
    /// mirrors that publish SHA-256 (the official sites publish only MD5).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Sha256 { get; init; }

    /// <summary>Called as bytes arrive; null prints a short progress line to standard error now and then.</summary>
    public Action<DownloadProgress>? Progress { get; init; }

    /// <summary>The HTTP client to use; null makes a private one.</summary>
    public HttpClient? HttpClient { get; init; }
}

/// <summary>
/// Fetches, verifies and unpacks dataset files so that a dataset folder appears all at once or not
/// at all: everything happens in a hidden temporary folder next to the destination and the result is
/// moved into place with one rename; on any failure the temporary folder is deleted.
/// </summary>
internal static class Downloader
{
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(30) });

    /// <summary>
    /// Makes <paramref name="target"/> exist: calls <paramref name="populate"/> with a temporary
    /// folder, which must leave the finished content in <c>tmp/&lt;name of target&gt;</c>, then renames
    /// it into place. The target's missing parent folders are created only on success.
    /// </summary>
    public static void InstallAtomically(string target, Action<string> populate)
    {
        target = Path.GetFullPath(target);
        string name = Path.GetFileName(target);
        // The temporary folder lives beside the highest missing ancestor, so the final rename stays on one
        // file system and a failure leaves no empty parent folders behind.
        string top = target;
        while (Path.GetDirectoryName(top) is { } parent && !Directory.Exists(parent)) top = parent;
        string anchor = Path.GetDirectoryName(top)!;
        string tmp = Path.Combine(anchor, $".ember-download-{Path.GetFileName(top)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            populate(tmp);
            string built = Path.Combine(tmp, name);
            if (!Directory.Exists(built)) throw new InvalidDataException($"the downloaded data did not contain the folder '{name}'.");
            // Re-root the result under the missing ancestors, then move the top one into place.
            string relative = Path.GetRelativePath(top, target);
            string staged = Path.Combine(tmp, "staged", Path.GetFileName(top));
            string stagedTarget = relative == "." ? staged : Path.Combine(staged, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(stagedTarget)!);
            Directory.Move(built, stagedTarget);
            try { Directory.Move(staged, top); }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process finished the same download first; its copy is as good as ours.
            }
        }
        finally
        {
            try { Directory.Delete(tmp, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    /// <summary>Downloads <paramref name="fileName"/> from the first mirror that answers into <paramref name="folder"/> and checks its MD5 (and SHA-256 when given).</summary>
    public static string Fetch(string dataset, string fileName, IReadOnlyList<string> mirrors, string? md5, string folder, DownloadOptions? options)
    {
        var errors = new List<string>();
        string path = Path.Combine(folder, fileName);
        foreach (string mirror in mirrors)
        {
            var url = new Uri(mirror.EndsWith('/') ? mirror + fileName : mirror + "/" + fileName);
            try
            {
                var (got, gotSha) = DownloadTo(url, fileName, path, options);
                if (md5 is not null && !string.Equals(got, md5, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"{dataset}: checksum mismatch for {fileName} downloaded from {url}: expected MD5 {md5}, got {got}. The file is corrupt or incomplete; nothing was kept. Try again, or download it yourself.");
                if (options?.Sha256 is { } shas && shas.TryGetValue(fileName, out var sha) && !string.Equals(gotSha, sha, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"{dataset}: checksum mismatch for {fileName} downloaded from {url}: expected SHA-256 {sha}, got {gotSha}. The file is corrupt or incomplete; nothing was kept. Try again, or download it yourself.");
                return path;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && e is not InvalidDataException)
            {
                errors.Add($"{url}: {e.Message}");
                File.Delete(path);
            }
        }
        throw new IOException($"{dataset}: could not download {fileName}; nothing was kept. Tried:\n  " + string.Join("\n  ", errors));
    }

    private static (string Md5, string Sha256) DownloadTo(Uri url, string fileName, string path, DownloadOptions? options)
    {
        var client = options?.HttpClient ?? Shared.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.ParseAdd("Ember.Vision/0.1");
        using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        long? total = response.Content.Headers.ContentLength;
        var report = options?.Progress ?? ConsoleProgress();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        using (var body = response.Content.ReadAsStream())
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            int n;
            report(new DownloadProgress(fileName, url, 0, total));
            while ((n = body.Read(buffer)) > 0)
            {
                file.Write(buffer, 0, n);
                md5.AppendData(buffer, 0, n);
                sha.AppendData(buffer, 0, n);
                received += n;
                report(new DownloadProgress(fileName, url, received, total));
            }
        }
        if (total is { } t && received != t)
            throw new IOException($"the transfer ended after {received} of {t} bytes");
        return (Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static Action<DownloadProgress> ConsoleProgress()
    {
        int lastPercent = -10;
        return p =>
        {
            int percent = p.Fraction is { } f ? (int)(f * 100) : -1;
            if (p.BytesReceived == 0) Console.Error.WriteLine($"Downloading {p.Url} ...");
            else if (percent >= lastPercent + 10 || (percent == 100 && lastPercent != 100))
            {
                lastPercent = percent;
                Console.Error.WriteLine($"  {p.FileName}: {percent}% ({p.BytesReceived / 1_000_000.0:F1} MB)");
            }
        };
    }

    /// <summary>Unpacks a .tar.gz into <paramref name="destination"/> (System.Formats.Tar refuses entries that would land outside it).</summary>
    public static void ExtractTarGz(string archive, string destination)
    {
        Directory.CreateDirectory(destination);
        using var file = File.OpenRead(archive);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gz, destination, overwriteFiles: false);
    }
}
