using Ember.Tests.Serialization;
using Xunit;
using Xunit.Abstractions;

namespace Ember.Tests.Docs;

/// <summary>
/// Every ```csharp block of README.md, docs/*.md and examples/README.md compiles and runs as printed
/// (with its declared hidden prelude, if any), unless its fence says ```csharp fragment.
/// The convention is described in tests/Ember.Tests/Docs/README.md.
/// </summary>
// Blocks seed the default generator, write to Console.Out and change the working directory: they run alone.
[Collection("DefaultGenerator")]
public class DocBlockTests(ITestOutputHelper log)
{
    internal static readonly string Root = EmberWrittenFiles.RepoRoot();
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    internal static IEnumerable<MarkdownBlock> CSharpBlocks() =>
        MarkdownBlocks.All(Root).Where(b => b.Language == "csharp");

    /// <summary>Each runnable block, named by page and line so a failure says where to look.</summary>
    public static TheoryData<string> RunnableBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var b in CSharpBlocks().Where(b => !b.IsFragment)) data.Add(b.Where);
        return data;
    }

    [Theory]
    [MemberData(nameof(RunnableBlocks))]
    public void BlockCompilesAndRuns(string where)
    {
        var block = CSharpBlocks().Single(b => b.Where == where);
        var result = SnippetRunner.Run(block, Limit);
        log.WriteLine(result.Output);   // what the block printed, to compare with the comments on the page
        Assert.True(result.Errors.Count == 0,
            $"{where}: the ```csharp block does not compile (fix the page, or fence it as ```csharp fragment if it cannot run alone):\n"
            + string.Join('\n', result.Errors));
        Assert.False(result.TimedOut, $"{where}: the ```csharp block was still running after {Limit.TotalSeconds} s; docs blocks must run on tiny inputs.");
        Assert.True(result.Exception is null, $"{where}: the ```csharp block threw:\n{result.Exception}\nOutput so far:\n{result.Output}");
    }

    [Fact]
    public void EveryCSharpFenceIsAProgramOrAFragment()
    {
        string[] otherSpellings = ["cs", "c#", "C#", "CSharp", "Csharp", "c-sharp"];
        var bad = MarkdownBlocks.All(Root)
            .Where(b => otherSpellings.Contains(b.Language)
                || (b.Language == "csharp" && b.Info.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } words
                    && !(words.Length == 2 && words[1] == "fragment")))
            .Select(b => $"{b.Where}: ```{b.Info}")
            .ToList();
        Assert.True(bad.Count == 0,
            "C# blocks are fenced ```csharp (compiled and run by DocBlockTests) or ```csharp fragment (not run); these are neither:\n"
            + string.Join('\n', bad));
    }

    [Fact]
    public void TheDocsHaveRunnableBlocksOnEveryPageThatShowsCode()
    {
        var blocks = CSharpBlocks().ToList();
        Assert.True(blocks.Count(b => !b.IsFragment) >= 10, $"only {blocks.Count(b => !b.IsFragment)} runnable ```csharp blocks found under {Root}");
        Assert.Contains(blocks, b => b.File == "README.md" && !b.IsFragment);
    }

    [Fact]
    public void ParserFindsFencesPreludesAndFragmentsWithTheirLines()
    {
        string[] page =
        [
            "# Title",                                       // 1
            "<!-- prelude: var x = 1;",                      // 2
            "var y = 2; -->",                                // 3
            "```csharp",                                     // 4
            "Console.WriteLine(x + y);",                     // 5
            "```",                                           // 6
            "",                                              // 7
            "````csharp fragment",                           // 8
            "model.Forward(x);",                             // 9
            "```",                                           // 10 (shorter fence: still inside)
            "````",                                          // 11
            "<!-- a plain comment -->",                      // 12
            "```text",                                       // 13
            "out",                                           // 14
            "```",                                           // 15
        ];
        var blocks = MarkdownBlocks.Parse("docs/t.md", page).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.Equal(("docs/t.md:4", false, " var x = 1;\nvar y = 2; ", 2), (blocks[0].Where, blocks[0].IsFragment, blocks[0].Prelude, blocks[0].PreludeLine));
        Assert.Equal(("docs/t.md:8", true, "model.Forward(x);\n```"), (blocks[1].Where, blocks[1].IsFragment, blocks[1].Code));
        Assert.Equal(("text", (string?)null), (blocks[2].Language, blocks[2].Prelude));
    }

    [Fact]
    public void PreludeAndBlockRunTogether()
    {
        var blocks = MarkdownBlocks.Parse("docs/t.md",
            ["<!-- prelude: using Ember; var x = Tensor.Arange(3); -->", "```csharp", "Console.Write(x.Sum().Item<long>());", "```"]).ToList();
        var result = SnippetRunner.Run(blocks.Single(), Limit);
        Assert.Empty(result.Errors);
        Assert.Null(result.Exception);
        Assert.Equal("3", result.Output);
    }

    [Fact]
    public void ACompileErrorNamesThePageAndLineOfTheBlock()
    {
        var blocks = MarkdownBlocks.Parse("docs/t.md", ["text", "", "```csharp", "using Ember;", "", "var y = Tensor.NoSuchFactory(3);", "```"]).ToList();
        var (errors, image, _) = SnippetRunner.Compile(blocks.Single());
        Assert.Null(image);
        Assert.StartsWith("docs/t.md:6: CS0117", Assert.Single(errors));
    }

    [Fact]
    public void AClassBeforeTopLevelStatementsIsRefused()
    {
        // C# wants top-level statements first; a custom Function sample must declare its class after them.
        var blocks = MarkdownBlocks.Parse("docs/t.md", ["```csharp", "sealed class C { }", "Console.WriteLine(new C());", "```"]).ToList();
        var (errors, _, _) = SnippetRunner.Compile(blocks.Single());
        Assert.Contains(errors, e => e.StartsWith("docs/t.md:3: CS8803", StringComparison.Ordinal));
    }

    [Fact]
    public void ABlockSeesEmberAndVisionButNotTheTestAssemblies()
    {
        var blocks = MarkdownBlocks.Parse("docs/t.md",
            ["```csharp", "Console.WriteLine(typeof(Ember.Vision.ImageIO));", "Xunit.Assert.True(true);", "```"]).ToList();
        var (errors, _, _) = SnippetRunner.Compile(blocks.Single());
        Assert.StartsWith("docs/t.md:3: CS0103: The name 'Xunit' does not exist", Assert.Single(errors));
    }

    [Fact]
    public void AThrowingBlockIsReportedWithItsOutput()
    {
        var blocks = MarkdownBlocks.Parse("README.md", ["```csharp", "Console.WriteLine(\"before\");", "throw new InvalidOperationException(\"boom\");", "```"]).ToList();
        var result = SnippetRunner.Run(blocks.Single(), Limit);
        Assert.IsType<InvalidOperationException>(result.Exception);
        Assert.Equal("before\n", result.Output.ReplaceLineEndings("\n"));
        // The stack trace points into the page, thanks to the #line directives and the PDB.
        Assert.Contains("README.md:line 3", result.Exception!.StackTrace);
    }
}

/// <summary>
/// Compiles every runnable block up front, in parallel with the other tests (DocBlockTests must run
/// alone, so compiling there would leave the cores idle): the runs then find them compiled.
/// </summary>
public class DocBlockCompileTests
{
    [Fact]
    public void EveryRunnableBlockCompiles()
    {
        var blocks = DocBlockTests.CSharpBlocks().Where(b => !b.IsFragment).ToList();
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(blocks, b =>
        {
            foreach (var e in SnippetRunner.Compile(b).Errors) errors.Add($"{b.Where}: {e}");
        });
        Assert.True(errors.IsEmpty, "```csharp blocks that do not compile (fix the page, or fence the block as ```csharp fragment):\n"
            + string.Join('\n', errors.Order(StringComparer.Ordinal)));
    }
}
