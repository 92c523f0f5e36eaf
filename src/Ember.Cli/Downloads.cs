using Ember.Vision.Datasets;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>Download progress on the console: one line per file, updated as bytes arrive.</summary>
internal static class Downloads
{
    public static DownloadOptions WithProgress()
    {
        string? current = null;
        double lastShown = -1;
        return new DownloadOptions
        {
            Progress = p =>
            {
                if (p.FileName != current) { current = p.FileName; lastShown = -1; Cli.Out.MarkupLine($"downloading [bold]{Markup.Escape(p.FileName)}[/] from {Markup.Escape(p.Url.ToString())}"); }
                double f = p.Fraction ?? 0;
                if (f - lastShown >= 0.1 || f >= 1)
                {
                    lastShown = f;
                    Cli.Out.MarkupLine(p.TotalBytes is { } t
                        ? $"  {p.BytesReceived / 1e6:F1} / {t / 1e6:F1} MB ({f:P0})"
                        : $"  {p.BytesReceived / 1e6:F1} MB");
                }
            },
        };
    }
}
