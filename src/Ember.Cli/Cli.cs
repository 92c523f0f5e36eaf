using System.CommandLine;
using System.CommandLine.Invocation;
using Ember.Data;
using Ember.Serialization;
using Ember.Vision.Datasets;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>
/// What every command shares: the command tree, where output and errors go, error reporting and the
/// device check. Every failure ends in one line on stderr (two for a command-line mistake: the error
/// and where the help is) and a non-zero exit code; a stack trace is printed only when asked for with
/// <c>EMBER_DEBUG=1</c>.
/// </summary>
internal static class Cli
{
    /// <summary>Exit code of an expected failure: missing data, an unreadable file, a device this build cannot use, a full disk.</summary>
    public const int Failed = 1;

    /// <summary>Exit code of a command-line mistake: an unknown option, a value that does not parse or is out of range.</summary>
    public const int Usage = 2;

    /// <summary>Exit code of an exception Ember did not expect (a bug): its type and message are printed, the stack trace with <c>EMBER_DEBUG=1</c>.</summary>
    public const int InternalError = 3;

    /// <summary>The environment variable that turns on stack traces for unexpected exceptions.</summary>
    public const string DebugVariable = "EMBER_DEBUG";

    // Tests run commands in-process, several at once: each call's output goes to its own writers.
    private static readonly AsyncLocal<IAnsiConsole?> OutOverride = new();
    private static readonly AsyncLocal<TextWriter?> ErrorOverride = new();
    private static readonly AsyncLocal<string?> CommandName = new();

    /// <summary>Where results go: the console, or the writer a test handed to <see cref="Execute"/>.</summary>
    public static IAnsiConsole Out => OutOverride.Value ?? AnsiConsole.Console;

    /// <summary>Where errors go: stderr, or the writer a test handed to <see cref="Execute"/>.</summary>
    public static TextWriter Error => ErrorOverride.Value ?? Console.Error;

    /// <summary>The whole command tree.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Ember: train and evaluate the chapter's image classifiers (LeNet, an MLP) on CIFAR-10, Fashion-MNIST and MNIST.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs a command line. A parse error is reported here, in our words (see
    /// <see cref="ParseErrors"/>), rather than by System.CommandLine's default action, which prints the
    /// whole help and .NET type names. <paramref name="output"/> and <paramref name="error"/> replace
    /// stdout and stderr for this call (tests); null means the console.
    /// </summary>
    public static int Execute(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        using var redirected = RedirectTo(output, error);
        try
        {
            ParseResult result = CreateRoot().Parse(args);
            string name = CommandPath(result.CommandResult.Command);
            CommandName.Value = name;
            if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
            {
                Error.WriteLine($"{name}: {ParseErrors.Describe(ParseErrors.First(result.Errors))}");
                Error.WriteLine(HelpPointer(name));
                return Usage;
            }
            return result.Invoke(new InvocationConfiguration
            {
                Output = output ?? Console.Out,
                Error = Error,
                // Cli.Run reports exceptions; one that escapes it (from an action that does not use it) still gets one line.
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>
    /// Sends this flow's results to <paramref name="output"/> (plain text, no colours, not interactive)
    /// and its errors to <paramref name="error"/> until disposed; null leaves that stream alone. Tests
    /// capture commands run in-process with it while other tests write to the console.
    /// </summary>
    public static IDisposable RedirectTo(TextWriter? output, TextWriter? error)
    {
        var saved = (OutOverride.Value, ErrorOverride.Value, CommandName.Value);
        if (output is not null)
            OutOverride.Value = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(output),
            });
        if (error is not null) ErrorOverride.Value = error;
        return new Restore(() => (OutOverride.Value, ErrorOverride.Value, CommandName.Value) = saved);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>
    /// Runs a command body and turns what it throws into one line on stderr and an exit code:
    /// <see cref="Failed"/> for the failures a user can meet and fix (each is listed in
    /// <see cref="Expected"/>), <see cref="CliException.ExitCode"/> for ours, <see cref="InternalError"/>
    /// for anything else.
    /// </summary>
    public static int Run(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) { return Report(e); }
    }

    private static int Report(Exception e)
    {
        string name = CommandName.Value ?? "ember";
        if (e is CliException cli)
        {
            Error.WriteLine($"{name}: {OneLine(cli.Message)}");
            if (cli.ExitCode == Usage) Error.WriteLine(HelpPointer(name));
            return cli.ExitCode;
        }
        if (Expected(e) is { } message)
        {
            Error.WriteLine($"{name}: {OneLine(message)}");
            return Failed;
        }
        bool debug = Environment.GetEnvironmentVariable(DebugVariable) is { Length: > 0 } v && v != "0";
        Error.WriteLine($"{name}: internal error: {e.GetType().Name}: {OneLine(e.Message)}" +
            (debug ? "" : $" (set {DebugVariable}=1 for the stack trace, and please report it)"));
        if (debug) Error.WriteLine(e.ToString());
        return InternalError;
    }

    /// <summary>The message of a failure a user can meet and fix, or null for anything else.</summary>
    private static string? Expected(Exception e) => e switch
    {
        DatasetNotFoundException d => $"{d.Dataset} not found (looked in {string.Join(", ", d.SearchedPaths)}); run with --download to fetch it, or give the folder that holds it with --data-dir DIR.",
        DataLoaderException or TimeoutException => e.Message,
        TensorFileException => e.Message,
        DeviceUnavailableException => e.Message,
        HttpRequestException => $"download failed: {e.Message}",
        InvalidDataException => e.Message,
        UnauthorizedAccessException => $"permission denied: {e.Message}",
        OutOfMemoryException => $"out of memory: {e.Message}",
        // Disk full, a path through a file, a file held by another process: the runtime's message names the path.
        IOException => e.Message,
        _ => null,
    };

    /// <summary>A message on one line: the lines of a multi-line message joined with spaces.</summary>
    public static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string HelpPointer(string name) => $"Run '{name} --help' for the options.";

    private static string CommandPath(Command command) => command is RootCommand ? "ember" : $"ember {command.Name}";

    /// <summary>Parses <paramref name="device"/> and refuses anything but the CPU, which is all this build computes on.</summary>
    public static void RequireCpu(string device)
    {
        Device d;
        try { d = Device.Parse(device); }
        catch (FormatException e) { throw new CliException(e.Message, Usage); }
        if (d != Device.Cpu)
            throw new CliException($"--device {device}: this build of Ember has no CUDA backend; use --device cpu.");
    }

    /// <summary>
    /// Refuses a path that should name an existing file but is missing or a folder; for a folder that
    /// holds a checkpoint of <c>ember train</c>, says which file was probably meant.
    /// </summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="what">What the file is, as the message names it ("checkpoint", "image").</param>
    public static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path))
        {
            string inside = Path.Combine(path, CliCheckpoint.FileName);
            throw new CliException($"{what} {path} is a folder, not a file" +
                (what == "checkpoint" && File.Exists(inside) ? $"; did you mean {inside}?" : "."));
        }
        if (!File.Exists(path)) throw new CliException($"{what} not found: {Path.GetFullPath(path)}");
    }
}
