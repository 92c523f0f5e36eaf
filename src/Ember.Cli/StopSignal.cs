using System.Runtime.InteropServices;

namespace Ember.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl-C) or SIGTERM into a request that training honours after the current
/// step, instead of the runtime's immediate termination: the handler cancels the default action and
/// only records the signal. A second signal is left to the default action, so a user who does not
/// want to wait for the checkpoint can still stop the process at once (the checkpoint file is written
/// atomically, so the previous one survives that).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private PosixSignal? _signal;
    private readonly Lock _gate = new();

    private StopSignal(bool register)
    {
        _registrations = register
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)]
            : [];
    }

    /// <summary>Starts listening for SIGINT and SIGTERM; dispose to give them back to the runtime.</summary>
    public static StopSignal Listen() => new(register: true);

    /// <summary>A stop request that only <see cref="Request"/> sets (for tests running the command in-process).</summary>
    public static StopSignal Manual() => new(register: false);

    /// <summary>Whether a signal has asked training to stop.</summary>
    public bool Requested { get { lock (_gate) return _signal is not null; } }

    /// <summary>The shell's exit status for the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode { get { lock (_gate) return _signal == PosixSignal.SIGTERM ? 143 : 130; } }

    /// <summary>The signal's name, for messages.</summary>
    public string Name { get { lock (_gate) return _signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT"; } }

    /// <summary>Records <paramref name="signal"/> as if it had arrived; true if it is the first.</summary>
    public bool Request(PosixSignal signal)
    {
        lock (_gate)
        {
            if (_signal is not null) return false;
            _signal = signal;
            return true;
        }
    }

    private void Handle(PosixSignalContext context)
    {
        // Cancel only the first: a second Ctrl-C gets the runtime's default, immediate termination.
        if (Request(context.Signal)) context.Cancel = true;
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }

    /// <summary>
    /// Reports a stop in mid-training on stderr (where it stopped, the checkpoint, the command that
    /// resumes) and returns the exit code the command should end with.
    /// </summary>
    public static int ReportStoppedDuringTraining(StopSignal stop, int code, int epoch, int step, int batches, string checkpoint, Func<string, string> resumeCommand)
    {
        Console.Error.WriteLine($"Stopped by {stop.Name} at epoch {epoch}, batch {step} of {batches}; the checkpoint is {checkpoint}");
        Console.Error.WriteLine("To resume:");
        Console.Error.WriteLine("  " + resumeCommand(checkpoint));
        return code;
    }

    /// <summary>
    /// Ends signal handling once training is over (a signal now ends the process at once: the
    /// checkpoint is complete); if one arrived meanwhile, reports it on stderr with what resuming
    /// would still do (<paramref name="remaining"/>) and returns its exit code, else null.
    /// </summary>
    public int? EndTraining(string checkpoint, string remaining, Func<string, string> resumeCommand)
    {
        Dispose();
        if (!Requested) return null;
        Console.Error.WriteLine($"Stopped by {Name} after training; the checkpoint {checkpoint} is complete. To {remaining}:");
        Console.Error.WriteLine("  " + resumeCommand(checkpoint));
        return ExitCode;
    }
}
