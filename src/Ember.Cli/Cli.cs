using Spectre.Console;

namespace Ember.Cli;

/// <summary>What every command shares: error reporting and the device check.</summary>
internal static class Cli
{
    /// <summary>
    /// Runs a command body; a <see cref="CliException"/> (bad option, missing data) becomes one red
    /// message and exit code 1, anything else a full exception report and exit code 2.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try { return body(); }
        catch (CliException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
        catch (Exception e)
        {
            AnsiConsole.WriteException(e, ExceptionFormats.ShortenPaths);
            return 2;
        }
    }

    /// <summary>Parses <paramref name="device"/> and refuses anything but the CPU, which is all this build computes on.</summary>
    public static void RequireCpu(string device)
    {
        Device d;
        try { d = Device.Parse(device); }
        catch (ArgumentException e) { throw new CliException(e.Message); }
        if (d != Device.Cpu)
            throw new CliException($"--device {device}: this build of Ember has no CUDA backend; use --device cpu.");
    }
}
