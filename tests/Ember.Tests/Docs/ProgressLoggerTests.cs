using System.Xml.Linq;
using Ember.TestLogger;
using Ember.Tests.Serialization;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using Xunit;

namespace Ember.Tests.Docs;

/// <summary>
/// `dotnet test Ember.slnx` shows progress: the runsettings the test project names turn on
/// tests/Ember.TestLogger, which prints counts per assembly as results arrive and the slowest tests at the end.
/// </summary>
// It writes to Console.Out, which it shares with the whole process.
[Collection("DefaultGenerator")]
public class ProgressLoggerTests
{
    private sealed class Events : TestLoggerEvents
    {
        public override event EventHandler<TestRunMessageEventArgs>? TestRunMessage { add { } remove { } }
        public override event EventHandler<TestRunStartEventArgs>? TestRunStart { add { } remove { } }
        public override event EventHandler<TestResultEventArgs>? TestResult;
        public override event EventHandler<TestRunCompleteEventArgs>? TestRunComplete;
        public override event EventHandler<DiscoveryStartEventArgs>? DiscoveryStart { add { } remove { } }
        public override event EventHandler<TestRunMessageEventArgs>? DiscoveryMessage { add { } remove { } }
        public override event EventHandler<DiscoveredTestsEventArgs>? DiscoveredTests { add { } remove { } }
        public override event EventHandler<DiscoveryCompleteEventArgs>? DiscoveryComplete { add { } remove { } }

        public void Result(string name, TestOutcome outcome, double seconds) =>
            TestResult?.Invoke(this, new TestResultEventArgs(new TestResult(new TestCase(name, new Uri("executor://x"), "/b/Ember.Tests.dll"))
            { Outcome = outcome, Duration = TimeSpan.FromSeconds(seconds) }));

        public void Complete() =>
            TestRunComplete?.Invoke(this, new TestRunCompleteEventArgs(null, false, false, null, null, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void TheLoggerPrintsCountsPerAssemblyAndTheSlowestTests()
    {
        var events = new Events();
        new ProgressLogger().Initialize(events, "/tmp");
        var output = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(output);
        try
        {
            events.Result("A.Fast", TestOutcome.Passed, 0.1);
            events.Result("A.Slow", TestOutcome.Passed, 7.5);
            events.Result("B.Broken", TestOutcome.Failed, 0.2);
            events.Result("B.Skipped", TestOutcome.Skipped, 0);
            events.Complete();
        }
        finally { Console.SetOut(saved); }
        var lines = output.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.EndsWith("] Ember.Tests: 2 passed, 1 failed, 1 skipped", StringComparison.Ordinal));
        int slowest = Array.IndexOf(lines, "  Slowest tests:");
        Assert.True(slowest >= 0, output.ToString());
        Assert.Equal("       7.5 s  A.Slow", lines[slowest + 1]);
        Assert.Equal("       0.2 s  B.Broken", lines[slowest + 2]);
    }

    [Fact]
    public void TheTestProjectsRunSettingsTurnTheLoggerOn()
    {
        string root = EmberWrittenFiles.RepoRoot();
        string project = File.ReadAllText(Path.Combine(root, "tests", "Ember.Tests", "Ember.Tests.csproj"));
        Assert.Contains("<RunSettingsFilePath>$(MSBuildThisFileDirectory)ember.runsettings</RunSettingsFilePath>", project);
        var settings = XDocument.Load(Path.Combine(root, "tests", "Ember.Tests", "ember.runsettings"));
        string? name = typeof(ProgressLogger).GetCustomAttributes(typeof(FriendlyNameAttribute), false).Cast<FriendlyNameAttribute>().Single().FriendlyName;
        Assert.Contains(settings.Descendants("Logger"), l => (string?)l.Attribute("friendlyName") == name && (string?)l.Attribute("enabled") == "True");
        // VSTest loads loggers found next to the test assembly by this name pattern.
        Assert.EndsWith("TestLogger.dll", typeof(ProgressLogger).Assembly.Location, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Ember.TestLogger.dll")));
    }
}
