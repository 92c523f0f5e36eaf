using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ember.Cli;

/// <summary>
/// What <c>ember train</c> shows while it trains. On a terminal: a live row per epoch (epoch, bar,
/// percentage, loss, speed, time left) whose columns are sized to the terminal, so nothing wraps or is
/// cut at 80 columns. When the output is piped or redirected: no animation, only plain lines, the
/// chapter's <c>[epoch, batch] loss: x.xxx</c> lines and one summary line per epoch, which log files and
/// <c>grep</c> read well. Both modes print the same lines; the live rows come on top.
/// </summary>
internal sealed class TrainProgress
{
    private readonly IAnsiConsole _console;
    private readonly int _epochs, _batches;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private readonly Stopwatch _clock = new();
    private int _firstStep;

    private TrainProgress(IAnsiConsole console, int epochs, int batches)
    {
        _console = console;
        _epochs = epochs;
        _batches = batches;
    }

    /// <summary>Whether the live display is used: the console is an interactive ANSI terminal and stdout is not redirected.</summary>
    public static bool IsLive(IAnsiConsole console, bool outputRedirected) =>
        !outputRedirected && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    /// <summary>Runs <paramref name="body"/> with a display of <paramref name="epochs"/> epochs of <paramref name="batches"/> mini-batches.</summary>
    public static T Run<T>(IAnsiConsole console, bool live, int epochs, int batches, Func<TrainProgress, T> body)
    {
        var p = new TrainProgress(console, epochs, batches);
        if (!live) return body(p);
        return console.Progress().AutoClear(false).Columns(Columns(console.Profile.Width, epochs))
            .Start(ctx => { p._context = ctx; return body(p); });
    }

    /// <summary>
    /// The live row's columns for a terminal <paramref name="width"/> wide: the epoch and the figures
    /// at fixed widths (never wrapped, never cut), the bar taking what is left (one column spare, since
    /// some terminals wrap a line that fills the last column).
    /// </summary>
    internal static ProgressColumn[] Columns(int width, int epochs)
    {
        int epochWidth = EpochText(epochs, epochs).Length;
        bool full = width >= 70;
        int statsWidth = Stats(1, 1, 1, 1, full: full).Length;
        // Grid cells are separated by one space each.
        int bar = Math.Clamp(width - 1 - epochWidth - statsWidth - 2, 5, 40);
        return
        [
            new TextColumn(t => EpochText(t.State.Get<int>("epoch"), epochs), epochWidth),
            new ProgressBarColumn { Width = bar },
            new TextColumn(t => Stats(t.Percentage, t.State.Get<double>("loss"), t.State.Get<double>("rate"), t.State.Get<double>("left"), full), statsWidth),
        ];
    }

    internal static string EpochText(int epoch, int epochs) => $"epoch {epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}";

    // Fixed width whatever the values: percentage (4), loss (7), speed (6), time left (8).
    internal static string Stats(double percent, double loss, double rate, double secondsLeft, bool full)
    {
        string pct = string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(percent),3:0}%");
        string l = $"loss {Loss(loss),7}";
        if (!full) return $"{pct} {l}";
        string r = rate < 9.95 ? rate.ToString("F1", CultureInfo.InvariantCulture) : Math.Min(rate, 999999).ToString("F0", CultureInfo.InvariantCulture);
        return $"{pct}  {l}  {r,6} batch/s  {Left(secondsLeft),8}";
    }

    private static string Loss(double v) =>
        double.IsFinite(v) && Math.Abs(v) < 999.9995 ? v.ToString("F3", CultureInfo.InvariantCulture)
        : double.IsFinite(v) ? v.ToString("0.0e+0", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);

    private static string Left(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "--:--:--";
        var t = TimeSpan.FromSeconds(Math.Min(seconds, 99 * 3600 + 3599));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");
    }

    /// <summary>Starts the row of <paramref name="epoch"/>, of which <paramref name="done"/> batches ran before (in an earlier session of a resumed run).</summary>
    public void BeginEpoch(int epoch, int done)
    {
        _firstStep = done;
        _clock.Restart();
        if (_context is null) return;
        _task = _context.AddTask(EpochText(epoch, _epochs), maxValue: Math.Max(1, _batches));
        _task.State.Update<int>("epoch", _ => epoch);
        _task.State.Update<double>("left", _ => double.NaN);
        _task.Value = done;
    }

    /// <summary>Shows that <paramref name="step"/> batches of the epoch are done, the last with loss <paramref name="loss"/>.</summary>
    public void Update(int step, double loss)
    {
        if (_task is null) return;
        double rate = (step - _firstStep) / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        _task.State.Update<double>("loss", _ => loss);
        _task.State.Update<double>("rate", _ => rate);
        _task.State.Update<double>("left", _ => rate > 0 ? (_batches - step) / rate : double.NaN);
        _task.Value = step;
    }

    /// <summary>Prints one line (the chapter's running loss, an epoch's summary) above the live rows, or plainly.</summary>
    public void Line(string text) => _console.WriteLine(text);

    /// <summary>Completes the epoch's row and prints its summary line.</summary>
    public void EndEpoch(string summary)
    {
        if (_task is not null)
        {
            _task.State.Update<double>("left", _ => 0);
            _task.Value = _task.MaxValue;
            _task.StopTask();
        }
        Line(summary);
    }

    /// <summary>Writes a line as it is, without Spectre's wrapping at the console width: for paths and command lines, which must stay copyable.</summary>
    public static void Raw(IAnsiConsole console, string text)
    {
        console.Profile.Out.Writer.WriteLine(text);
        console.Profile.Out.Writer.Flush();
    }

    // A column of plain text at a fixed width, never wrapped (the width is chosen so that it never needs cutting either).
    private sealed class TextColumn(Func<ProgressTask, string> text, int width) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override int? GetColumnWidth(RenderOptions options) => width;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(text(task)).Overflow(Overflow.Crop);
    }
}
