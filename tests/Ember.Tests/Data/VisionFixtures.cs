using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Ember.Tests.Data;

/// <summary>Writes pickles the way Python 2's cPickle (protocol 2) wrote CIFAR's python batches.</summary>
internal sealed class Py2Pickle
{
    private readonly MemoryStream _s = new();
    private int _memo;

    public static byte[] Dict(params (string Key, Action<Py2Pickle> Value)[] items)
    {
        var p = new Py2Pickle();
        p.Raw(0x80, 0x02, (byte)'}'); p.Put();
        p.Raw((byte)'(');
        foreach (var (k, v) in items) { p.Str(k); v(p); }
        p.Raw((byte)'u', (byte)'.');
        return p._s.ToArray();
    }

    private void Raw(params byte[] b) => _s.Write(b);
    private void Put()
    {
        _memo++;
        if (_memo < 256) Raw((byte)'q', (byte)_memo);
        else { Raw((byte)'r'); Raw(BitConverter.GetBytes(_memo)); }
    }

    public void Int(int v)
    {
        if (v is >= 0 and < 256) Raw((byte)'K', (byte)v);
        else if (v is >= 0 and < 65536) { Raw((byte)'M'); Raw(BitConverter.GetBytes((ushort)v)); }
        else { Raw((byte)'J'); Raw(BitConverter.GetBytes(v)); }
    }

    public void Str(string s) => Bytes(Encoding.Latin1.GetBytes(s));

    public void Bytes(byte[] b)
    {
        if (b.Length < 256) Raw((byte)'U', (byte)b.Length);
        else { Raw((byte)'T'); Raw(BitConverter.GetBytes(b.Length)); }
        Raw(b);
        Put();
    }

    public void IntList(IReadOnlyList<int> values)
    {
        Raw((byte)']'); Put();
        for (int i = 0; i < values.Count; i += 1000)
        {
            Raw((byte)'(');
            foreach (int v in values.Skip(i).Take(1000)) Int(v);
            Raw((byte)'e');
        }
    }

    public void StrList(IReadOnlyList<string> values)
    {
        Raw((byte)']'); Put();
        Raw((byte)'(');
        foreach (var v in values) Str(v);
        Raw((byte)'e');
    }

    public void UInt8Array(int rows, int cols, byte[] data)
    {
        Raw(Encoding.ASCII.GetBytes("cnumpy.core.multiarray\n_reconstruct\n")); Put();
        Raw(Encoding.ASCII.GetBytes("cnumpy\nndarray\n")); Put();
        Int(0); Raw(0x85); Raw((byte)'U', 1, (byte)'b'); Raw(0x87, (byte)'R'); Put();
        Raw((byte)'('); Int(1); Int(rows); Int(cols); Raw(0x86);
        Raw(Encoding.ASCII.GetBytes("cnumpy\ndtype\n")); Put();
        Raw((byte)'U', 2, (byte)'u', (byte)'1'); Int(0); Int(1); Raw(0x87, (byte)'R'); Put();
        Raw((byte)'('); Int(3); Raw((byte)'U', 1, (byte)'|'); Raw((byte)'N', (byte)'N', (byte)'N');
        Raw((byte)'J', 0xff, 0xff, 0xff, 0xff, (byte)'J', 0xff, 0xff, 0xff, 0xff); Int(0); Raw((byte)'t', (byte)'b');
        Raw(0x89);
        Raw((byte)'T'); Raw(BitConverter.GetBytes(data.Length)); Raw(data);
        Raw((byte)'t', (byte)'b');
    }
}

/// <summary>Small datasets in the exact on-disk formats, generated for the tests.</summary>
internal static class FakeData
{
    public static readonly string[] Cifar10Names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Image i's CHW bytes (1024 R, 1024 G, 1024 B), distinct per image.</summary>
    public static byte[] CifarChw(int i)
    {
        var b = new byte[3072];
        for (int k = 0; k < 3072; k++) b[k] = (byte)(i * 31 + k * 7 + k / 1024 * 50);
        return b;
    }

    public static int Label(int i) => (i * 3 + 1) % 10;

    /// <summary>Files of cifar-10-batches-py with <paramref name="perBatch"/> images per batch; image ids run on across train batches, test ids start at 1000.</summary>
    public static Dictionary<string, byte[]> Cifar10Python(int perBatch)
    {
        var files = new Dictionary<string, byte[]>();
        for (int b = 0; b < 6; b++)
        {
            int first = b < 5 ? b * perBatch : 1000;
            var ids = Enumerable.Range(first, perBatch).ToArray();
            var data = ids.SelectMany(CifarChw).ToArray();
            files[b < 5 ? $"data_batch_{b + 1}" : "test_batch"] = Py2Pickle.Dict(
                ("data", p => p.UInt8Array(perBatch, 3072, data)),
                ("labels", p => p.IntList(ids.Select(Label).ToArray())),
                ("batch_label", p => p.Str(b < 5 ? $"training batch {b + 1} of 5" : "testing batch 1 of 1")),
                ("filenames", p => p.StrList(ids.Select(i => $"img_{i}.png").ToArray())));
        }
        files["batches.meta"] = Py2Pickle.Dict(
            ("num_cases_per_batch", p => p.Int(perBatch)),
            ("label_names", p => p.StrList(Cifar10Names)),
            ("num_vis", p => p.Int(3072)));
        return files;
    }

    public static Dictionary<string, byte[]> Cifar10Binary(int perBatch)
    {
        var files = new Dictionary<string, byte[]>();
        for (int b = 0; b < 6; b++)
        {
            int first = b < 5 ? b * perBatch : 1000;
            var ms = new MemoryStream();
            for (int i = first; i < first + perBatch; i++) { ms.WriteByte((byte)Label(i)); ms.Write(CifarChw(i)); }
            files[b < 5 ? $"data_batch_{b + 1}.bin" : "test_batch.bin"] = ms.ToArray();
        }
        files["batches.meta.txt"] = Encoding.ASCII.GetBytes(string.Join("\n", Cifar10Names) + "\n\n");
        return files;
    }

    public static void WriteFolder(string folder, Dictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    /// <summary>A .tar.gz holding <paramref name="files"/> under <paramref name="folder"/>/.</summary>
    public static byte[] TarGz(string folder, Dictionary<string, byte[]> files)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder + "/"));
            foreach (var (name, bytes) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/{name}") { DataStream = new MemoryStream(bytes) });
        }
        return ms.ToArray();
    }

    /// <summary>An IDX file of unsigned bytes.</summary>
    public static byte[] Idx(int[] dims, byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (int d in dims) { var b = BitConverter.GetBytes(d); Array.Reverse(b); ms.Write(b); }
        ms.Write(data);
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>The four MNIST-style .gz files: n train and m test 28x28 images.</summary>
    public static Dictionary<string, byte[]> MnistGz(int n, int m)
    {
        byte[] Images(int count, int seed) => Enumerable.Range(0, count * 784).Select(k => (byte)(k * 13 + seed)).ToArray();
        byte[] Labels(int count, int seed) => Enumerable.Range(0, count).Select(k => (byte)((k + seed) % 10)).ToArray();
        return new()
        {
            ["train-images-idx3-ubyte.gz"] = Gzip(Idx([n, 28, 28], Images(n, 1))),
            ["train-labels-idx1-ubyte.gz"] = Gzip(Idx([n], Labels(n, 1))),
            ["t10k-images-idx3-ubyte.gz"] = Gzip(Idx([m, 28, 28], Images(m, 2))),
            ["t10k-labels-idx1-ubyte.gz"] = Gzip(Idx([m], Labels(m, 2))),
        };
    }

    public static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "ember-vision-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) serving fixed bodies; a route may cut the
/// connection after some bytes while promising the full length, or answer with an error status.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    public sealed record Route(byte[] Body, int Status = 200, int? CutAfter = null);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, Route> _routes = new();
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(Loop);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    public int Requests => Volatile.Read(ref _requests);

    public void Serve(string path, Route route) { lock (_routes) _routes["/" + path] = route; }

    private async Task Loop()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
            string? requestLine = await reader.ReadLineAsync();
            while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { }
            Interlocked.Increment(ref _requests);
            string path = requestLine?.Split(' ')[1] ?? "/";
            Route? route;
            lock (_routes) _routes.TryGetValue(path, out route);
            route ??= new Route(Encoding.ASCII.GetBytes("not found"), 404);
            string head = $"HTTP/1.1 {route.Status} {(route.Status == 200 ? "OK" : "Error")}\r\nContent-Length: {route.Body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            int send = route.CutAfter ?? route.Body.Length;
            await stream.WriteAsync(route.Body.AsMemory(0, send));
            await stream.FlushAsync();
            if (route.CutAfter is not null) client.Client.LingerState = new LingerOption(true, 0); // reset, as a dying server would
        }
        catch (IOException) { }
    }

    public void Dispose()
    {
        _listener.Stop();
        try { _loop.Wait(); } catch (AggregateException) { }
    }
}
