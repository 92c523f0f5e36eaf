using Xunit;

namespace Ember.Tests;

/// <summary>
/// The warning channel itself (issue 12, item 11). Filters and the handler are process-wide, so the
/// tests that touch them warn with texts of their own (a fresh GUID) and run one at a time; scopes
/// are per execution context, so captures in parallel tests never see each other's warnings.
/// </summary>
[Collection("Warnings handler")]
public class WarningsTests
{
    private static string Unique(string what) => $"{what} {Guid.NewGuid():N}";

    // Routes warnings whose text starts with `prefix` into a list for the duration of `body`; all
    // others go on to the handler that was in place.
    private static List<Warning> Shown(string prefix, Action body)
    {
        var seen = new List<Warning>();
        var previous = Warnings.Handler;
        Warnings.Handler = w => { if (w.Message.StartsWith(prefix, StringComparison.Ordinal)) lock (seen) seen.Add(w); else previous(w); };
        try { body(); }
        finally { Warnings.Handler = previous; }
        return seen;
    }

    [Fact]
    public void ByDefaultEachDistinctTextIsShownOnce()
    {
        string a = Unique("once"), b = Unique("once");
        var shown = Shown("once", () =>
        {
            for (int i = 0; i < 3; i++) Warnings.Warn(a);
            Warnings.Warn(b);
            Warnings.Warn(a, WarningCategory.FutureWarning);   // another category is another warning
        });
        Assert.Equal([new Warning(WarningCategory.UserWarning, a), new Warning(WarningCategory.UserWarning, b), new Warning(WarningCategory.FutureWarning, a)], shown);
    }

    [Fact]
    public void FiltersMatchTheStartOfTheTextIgnoringCaseAndTheNewestWins()
    {
        string tag = Unique("filtered");
        var shown = Shown("filtered", () =>
        {
            Warnings.Filter(WarningAction.Always, tag);
            for (int i = 0; i < 3; i++) Warnings.Warn(tag + " again");
            Warnings.Filter(WarningAction.Ignore, tag.ToUpperInvariant());
            Warnings.Warn(tag + " hidden");
            Warnings.Filter(WarningAction.Always, tag, WarningCategory.RuntimeWarning);
            Warnings.Warn(tag + " runtime", WarningCategory.RuntimeWarning);
            Warnings.Warn(tag + " user, still ignored");
        });
        Assert.Equal([tag + " again", tag + " again", tag + " again", tag + " runtime"], shown.Select(w => w.Message));
        Assert.Throws<ArgumentOutOfRangeException>(() => Warnings.Filter((WarningAction)42));
    }

    [Fact]
    public void AnErrorFilterThrowsAndTheDefaultHandlerWritesTheCategoryAndText()
    {
        string tag = Unique("error");
        Warnings.Filter(WarningAction.Error, tag);
        var e = Assert.Throws<WarningException>(() => Warnings.Warn(tag, WarningCategory.DeprecationWarning));
        Assert.Equal($"DeprecationWarning: {tag}", e.Message);
        Assert.Equal($"UserWarning: {tag}", new Warning(WarningCategory.UserWarning, tag).ToString());
        Assert.Throws<ArgumentNullException>(() => Warnings.Handler = null!);
    }

    [Fact]
    public void CaptureRecordsEveryOccurrenceWhateverTheFiltersSayAndSuppressDrops()
    {
        string tag = Unique("captured");
        Warnings.Filter(WarningAction.Ignore, tag);
        using var outer = Warnings.Capture();
        Warnings.Warn(tag);
        Warnings.Warn(tag);
        using (Warnings.Suppress())
        {
            Warnings.Warn(tag + " suppressed");
            using var inner = Warnings.Capture();
            Warnings.Warn(tag + " inner");
            Assert.Equal([tag + " inner"], inner.Messages);
        }
        Warnings.Warn(tag + " after");
        Assert.Equal([tag, tag, tag + " after"], outer.Messages);
        outer.Dispose();
        Warnings.Warn(tag + " ignored by the filter");
        Assert.Equal(3, outer.Count);
    }

    [Fact]
    public void CaptureFollowsTasksAndThreadsStartedInsideItButNotOtherThreads()
    {
        string tag = Unique("flow");
        using var started = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        // A thread started before the capture: its warnings are not this capture's.
        var outsider = new Thread(() => { started.Set(); go.Wait(); Warnings.Warn(tag + " outsider"); });
        var shown = Shown(tag, () =>
        {
            outsider.Start();
            started.Wait();
            using var captured = Warnings.Capture();
            Task.Run(() => Warnings.Warn(tag + " task")).Wait();
            var inside = new Thread(() => Warnings.Warn(tag + " thread"));
            inside.Start();
            inside.Join();
            go.Set();
            outsider.Join();
            Assert.Equal([tag + " task", tag + " thread"], captured.Messages);
        });
        Assert.Equal([tag + " outsider"], shown.Select(w => w.Message));
    }

    [Fact]
    public void ManyThreadsWarningIntoOneCaptureWhileFiltersChangeLoseNothing()
    {
        string tag = Unique("threads");
        using var captured = Warnings.Capture();
        var shown = Shown(tag, () =>
        {
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            {
                for (int i = 0; i < 500; i++)
                {
                    Warnings.Warn($"{tag} {t} {i % 7}");
                    if (i % 100 == 0) Warnings.Filter(WarningAction.Default, tag + " never");
                }
            });
        });
        Assert.Equal(8 * 500, captured.Count);
        Assert.Empty(shown);
    }
}

[CollectionDefinition("Warnings handler", DisableParallelization = true)]
public sealed class WarningsHandlerCollection;
