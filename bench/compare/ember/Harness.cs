using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EmberCompare;

/// <summary>
/// The timing protocol shared (in spirit, line for line) with pytorch_bench.py and the TorchSharp program:
/// warm up for at least <c>warmup</c> seconds and 3 iterations, size a repetition from a calibration block
/// of about a quarter repetition so that it lasts about <c>repTime</c> seconds, then time <c>reps</c> repetitions and report
/// each one's seconds per iteration. The driver turns those into GFLOP/s, ms or images/s.
/// </summary>
static class Harness
{
    public static (double[] Samples, int Iters) Measure(Action body, int reps, double warmup, double repTime)
    {
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (n < 3 || sw.Elapsed.TotalSeconds < warmup) { body(); n++; }
        // Calibrate on a short block after the warm-up, so one slow iteration cannot size the repetitions.
        sw.Restart();
        n = 0;
        while (n < 1 || sw.Elapsed.TotalSeconds < repTime / 4) { body(); n++; }
        double perIter = sw.Elapsed.TotalSeconds / n;
        int iters = Math.Max(1, (int)Math.Round(repTime / Math.Max(perIter, 1e-9)));
        var samples = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < iters; i++) body();
            samples[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds / iters;
        }
        return (samples, iters);
    }

    /// <summary>Peak resident set size of this process (VmHWM), in MiB; -1 where /proc is missing.</summary>
    public static double PeakRssMiB() => ProcStatusMiB("VmHWM:");

    static double _processPeakMiB;

    /// <summary>
    /// Starts a new peak-RSS interval: remembers the peak so far (for <see cref="ProcessPeakRssMiB"/>) and
    /// resets the kernel's VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0 and
    /// later), so that the next <see cref="PeakRssMiB"/> is the peak of what runs from here on.
    /// Returns false where the reset is not allowed; VmHWM then stays the process's peak so far.
    /// </summary>
    public static bool ResetPeakRss()
    {
        _processPeakMiB = Math.Max(_processPeakMiB, PeakRssMiB());
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The peak RSS of the whole process so far, across <see cref="ResetPeakRss"/> intervals, in MiB.</summary>
    public static double ProcessPeakRssMiB() => Math.Max(_processPeakMiB, PeakRssMiB());

    /// <summary>Current resident set size of this process (VmRSS), in MiB.</summary>
    public static double RssMiB() => ProcStatusMiB("VmRSS:");

    static double ProcStatusMiB(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { }
        return -1;
    }

    /// <summary>Writes one JSON object on one line from name/value pairs (numbers, strings, number arrays).</summary>
    public static void Emit(params (string Key, object? Value)[] fields)
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('"').Append(fields[i].Key).Append("\": ");
            Append(sb, fields[i].Value);
        }
        Console.WriteLine(sb.Append('}').ToString());
        Console.Out.Flush();
    }

    static void Append(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case string s: sb.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", " ")).Append('"'); break;
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case int or long: sb.Append(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case double[] a:
                sb.Append('[');
                for (int i = 0; i < a.Length; i++) { if (i > 0) sb.Append(", "); Append(sb, a[i]); }
                sb.Append(']');
                break;
            default: throw new ArgumentException($"Emit: unsupported value {v.GetType()}");
        }
    }
}
