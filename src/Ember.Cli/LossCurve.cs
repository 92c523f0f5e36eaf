using ScottPlot;

namespace Ember.Cli;

/// <summary>
/// The training loss as a chart (ScottPlot): the loss against the fractional epoch, with axes, tick
/// labels, a title and dashed lines at the epoch boundaries, saved as a PNG.
/// </summary>
internal static class LossCurve
{
    /// <summary>The PNG's size in pixels.</summary>
    public const int Width = 800, Height = 500;

    // A sans-serif family the machine has (SkiaSharp's NoDependencies build reads the font files under
    // /usr/share/fonts itself, without fontconfig); null leaves ScottPlot's default. On a machine with no
    // fonts at all the chart is still drawn, without its text.
    private static readonly Lazy<string?> SansFamily = new(() =>
    {
        string[] installed = SkiaSharp.SKFontManager.Default.GetFontFamilies();
        return new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" }
            .FirstOrDefault(f => installed.Contains(f, StringComparer.OrdinalIgnoreCase));
    });

    /// <summary>
    /// Writes the chart of <paramref name="points"/> to <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="points">(epoch position, loss): the position is fractional, 1.25 being a quarter into the second epoch.</param>
    /// <param name="epochs">The number of epochs: the x axis runs from 0 to it, with a line at each boundary in between.</param>
    /// <param name="title">The chart's title.</param>
    public static void Save(string path, IReadOnlyList<(double Epoch, double Loss)> points, int epochs, string title)
    {
        // The chart must not cost the run: where SkiaSharp's native library cannot load (a platform its
        // packages do not cover), say so and go on to the checkpoint.
        try { Draw(path, points, epochs, title); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            Cli.Error.WriteLine($"ember: warning: {path} not drawn: SkiaSharp's native library did not load ({e.GetType().Name}: {Cli.OneLine(e.Message)})");
        }
    }

    private static void Draw(string path, IReadOnlyList<(double Epoch, double Loss)> points, int epochs, string title) =>
        Build(path, points, epochs, title).SavePng(path, Width, Height);

    /// <summary>The chart, before it is rendered (tests read its parts: the epoch lines, the axes' labels).</summary>
    internal static Plot Build(string path, IReadOnlyList<(double Epoch, double Loss)> points, int epochs, string title)
    {
        var plot = new Plot();
        if (SansFamily.Value is { } family) plot.Font.Set(family);
        else if (SkiaSharp.SKFontManager.Default.FontFamilyCount == 0)
            Cli.Error.WriteLine($"ember: warning: no fonts found (SkiaSharp looks under /usr/share/fonts): {path} is drawn without its title and labels; `apt-get install fonts-dejavu-core` adds them.");
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("training loss");

        for (int e = 1; e < epochs; e++)
        {
            var boundary = plot.Add.VerticalLine(e);
            boundary.Color = Colors.Gray.WithAlpha(0.6);
            boundary.LineWidth = 1;
            boundary.LinePattern = LinePattern.Dashed;
        }
        if (points.Count > 0)
        {
            var line = plot.Add.ScatterLine(points.Select(p => p.Epoch).ToArray(), points.Select(p => p.Loss).ToArray());
            line.LineWidth = 2;
            line.Color = Colors.C0;
            // A single point has no line to draw: a marker shows it.
            line.MarkerSize = points.Count == 1 ? 6 : 0;
        }

        // The x axis spans the whole run, ticked at each epoch while that stays readable.
        plot.Axes.SetLimitsX(0, Math.Max(1, epochs));
        if (epochs is >= 1 and <= 20)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, epochs + 1).Select(e => (double)e)], [.. Enumerable.Range(0, epochs + 1).Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        // Losses are non-negative: start the y axis at 0 so the fall reads true.
        double top = points.Where(p => double.IsFinite(p.Loss)).Select(p => p.Loss).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top > 0 ? top * 1.05 : 1);
        return plot;
    }
}
