using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using System.Text;

namespace Ember.Cli;

/// <summary>The command line that resumes an interrupted run: the one that started it, with <c>--resume PATH</c>.</summary>
internal static class ResumeCommandLine
{
    /// <summary>
    /// The program as it was started (<c>ember</c> for the installed tool, <c>dotnet path/Ember.Cli.dll</c>
    /// for the built assembly), the parsed tokens less any earlier <c>--resume</c>, then <c>--resume</c>
    /// <paramref name="checkpoint"/>; each word quoted for a POSIX shell where it needs it.
    /// </summary>
    public static string For(ParseResult parse, string checkpoint)
    {
        var words = new List<string>();
        var tokens = parse.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Type == TokenType.Option && (t.Value == "--resume" || t.Value.StartsWith("--resume=", StringComparison.Ordinal)))
            {
                if (t.Value == "--resume" && i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument) i++;
                continue;
            }
            words.Add(t.Value);
        }
        words.Add("--resume");
        words.Add(checkpoint);
        return Program() + " " + string.Join(" ", words.Select(Quote));
    }

    private static string Program()
    {
        // In-process (the tests) the entry assembly is the test host's: name the installed command then.
        if (Assembly.GetEntryAssembly() != typeof(ResumeCommandLine).Assembly) return "ember";
        string? exe = Environment.ProcessPath;
        string name = Path.GetFileNameWithoutExtension(exe ?? "ember");
        if (name == "dotnet") return "dotnet " + Quote(Environment.GetCommandLineArgs()[0]);
        return name == "ember" ? "ember" : Quote(exe!);
    }

    /// <summary>A word as a POSIX shell reads it back: bare when it is plain, else in single quotes.</summary>
    internal static string Quote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))) return word;
        var sb = new StringBuilder("'");
        foreach (char c in word) sb.Append(c == '\'' ? "'\\''" : c);
        return sb.Append('\'').ToString();
    }
}
