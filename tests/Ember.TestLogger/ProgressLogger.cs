using System.Diagnostics;
using System.Globalization;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Ember.TestLogger;

/// <summary>
/// Prints the test run's progress while it runs: counts per test assembly every few seconds (and while a
/// long test keeps the counts still), then the slowest tests. VSTest's console logger is silent until
/// the end at its default verbosity, and lists every test at the next.
/// </summary>
[FriendlyName("ember-progress")]
[ExtensionUri("logger://Ember/ProgressLogger/v1")]
public sealed class ProgressLogger : ITestLoggerWithParameters
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private const int Slowest = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int[]> _counts = new(StringComparer.Ordinal); // assembly -> passed, failed, skipped
    private readonly List<(TimeSpan Duration, string Name)> _durations = [];
    private readonly Stopwatch _clock = new();
    private TimeSpan _lastPrint;
    private Timer? _timer;

    /// <inheritdoc/>
    public void Initialize(TestLoggerEvents events, string testRunDirectory) => Initialize(events, new Dictionary<string, string?>());

    /// <inheritdoc/>
    public void Initialize(TestLoggerEvents events, Dictionary<string, string?> parameters)
    {
        events.TestRunStart += (_, _) => Start();
        events.TestResult += (_, e) => OnResult(e.Result);
        events.TestRunComplete += (_, _) => Complete();
    }

    private void Start()
    {
        lock (_gate)
        {
            if (_clock.IsRunning) return;
            _clock.Start();
            // While one long test runs, no results arrive: say that the run is alive.
            _timer = new Timer(_ => { lock (_gate) if (_clock.Elapsed - _lastPrint >= 3 * Every) Print(); }, null, Every, Every);
        }
    }

    private void OnResult(TestResult result)
    {
        lock (_gate)
        {
            if (!_clock.IsRunning) Start();
            string assembly = Path.GetFileNameWithoutExtension(result.TestCase.Source);
            if (!_counts.TryGetValue(assembly, out var c)) _counts[assembly] = c = new int[3];
            c[result.Outcome switch { TestOutcome.Passed => 0, TestOutcome.Failed => 1, _ => 2 }]++;
            _durations.Add((result.Duration, result.TestCase.DisplayName));
            if (_clock.Elapsed - _lastPrint >= Every) Print();
        }
    }

    private void Print()
    {
        _lastPrint = _clock.Elapsed;
        foreach (var (assembly, c) in _counts)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [{_clock.Elapsed:m\\:ss}] {assembly}: {c[0]} passed, {c[1]} failed, {c[2]} skipped"));
    }

    private void Complete()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            Print();
            if (_durations.Count == 0) return;
            Console.WriteLine("  Slowest tests:");
            foreach (var (duration, name) in _durations.OrderByDescending(d => d.Duration).Take(Slowest))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {duration.TotalSeconds,6:F1} s  {name}"));
        }
    }
}
