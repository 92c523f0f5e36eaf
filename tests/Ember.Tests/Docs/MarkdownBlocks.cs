using System.Text.RegularExpressions;

namespace Ember.Tests.Docs;

/// <summary>One fenced code block of a Markdown page.</summary>
/// <param name="File">The page, relative to the repository root, with forward slashes (<c>docs/autograd.md</c>).</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Info">The fence's info string (<c>csharp</c>, <c>csharp fragment</c>, <c>text</c>...).</param>
/// <param name="Code">The lines between the fences.</param>
/// <param name="Prelude">Hidden setup code from a <c>&lt;!-- prelude: ... --&gt;</c> comment right before the fence, or null.</param>
/// <param name="PreludeLine">The 1-based line where the prelude's code starts (0 when there is none).</param>
public sealed record MarkdownBlock(string File, int Line, string Info, string Code, string? Prelude, int PreludeLine)
{
    /// <summary>The first word of the info string: the language.</summary>
    public string Language => Info.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";

    /// <summary>True when the info string says the block is a fragment, not a program (<c>csharp fragment</c>).</summary>
    public bool IsFragment => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains("fragment");

    /// <summary>Where the block is, as a reader would look for it: <c>docs/autograd.md:7</c>.</summary>
    public string Where => $"{File}:{Line}";
}

/// <summary>
/// Finds the fenced code blocks of the user-facing Markdown pages (README.md, docs/*.md, examples/README.md),
/// with the hidden-prelude convention described in tests/Ember.Tests/Docs/README.md.
/// </summary>
public static partial class MarkdownBlocks
{
    /// <summary>The pages whose C# blocks must compile and run, relative to the repository root.</summary>
    public static IEnumerable<string> Pages(string root)
    {
        yield return "README.md";
        foreach (var f in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            yield return "docs/" + Path.GetFileName(f);
        if (File.Exists(Path.Combine(root, "examples", "README.md"))) yield return "examples/README.md";
    }

    /// <summary>Every fenced block of every page.</summary>
    public static IEnumerable<MarkdownBlock> All(string root) =>
        Pages(root).SelectMany(p => Parse(p, File.ReadAllLines(Path.Combine(root, p))));

    [GeneratedRegex(@"^(\s*)(`{3,}|~{3,})(.*)$")]
    private static partial Regex Fence();

    /// <summary>The fenced blocks of one page (CommonMark fences: three or more backticks or tildes).</summary>
    public static IEnumerable<MarkdownBlock> Parse(string file, IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success) continue;
            string fence = open.Groups[2].Value;
            string info = open.Groups[3].Value.Trim();
            int start = i;
            var body = new List<string>();
            for (i++; i < lines.Count; i++)
            {
                var close = Fence().Match(lines[i]);
                if (close.Success && close.Groups[2].Value.StartsWith(fence, StringComparison.Ordinal) && close.Groups[3].Value.Trim().Length == 0) break;
                body.Add(lines[i]);
            }
            var (prelude, preludeLine) = PreludeBefore(lines, start);
            yield return new MarkdownBlock(file, start + 1, info, string.Join('\n', body), prelude, preludeLine);
        }
    }

    // A prelude is an HTML comment that ends on the line right above the fence and starts with "<!-- prelude:".
    private static (string?, int) PreludeBefore(IReadOnlyList<string> lines, int fence)
    {
        int end = fence - 1;
        if (end < 0 || !lines[end].TrimEnd().EndsWith("-->", StringComparison.Ordinal)) return (null, 0);
        int begin = end;
        while (begin >= 0 && !lines[begin].Contains("<!--", StringComparison.Ordinal)) begin--;
        if (begin < 0) return (null, 0);
        string text = string.Join('\n', lines.Skip(begin).Take(end - begin + 1)).Trim();
        const string Tag = "<!-- prelude:";
        if (!text.StartsWith(Tag, StringComparison.Ordinal)) return (null, 0);
        return (text[Tag.Length..^3], begin + 1);
    }
}
