using System.Reflection;
using System.Runtime.Loader;

namespace Ember.Tests.Docs;

/// <summary>
/// Compiles a documentation block as its own program (<see cref="CSharpProgram"/>) and runs it in this
/// process with stdout captured.
/// </summary>
public static class SnippetRunner
{
    /// <summary>What a compiled block did when run.</summary>
    /// <param name="Errors">Compiler errors (and warnings, which count as errors), each with the Markdown file and line; empty when it compiled.</param>
    /// <param name="Output">What the program wrote to stdout.</param>
    /// <param name="Exception">The exception the program ended with, or null.</param>
    /// <param name="TimedOut">True when the program was still running after the time limit.</param>
    public sealed record Result(IReadOnlyList<string> Errors, string Output, Exception? Exception, bool TimedOut);

    /// <summary>The C# source the block compiles as: the prelude, then the block, with #line directives pointing at the Markdown page.</summary>
    public static string Source(MarkdownBlock block)
    {
        var sb = new System.Text.StringBuilder();
        if (block.Prelude is not null)
            sb.Append($"#line {block.PreludeLine} \"{block.File}\"\n").Append(block.Prelude).Append('\n');
        sb.Append($"#line {block.Line + 1} \"{block.File}\"\n");
        // `#:project ...` (a file-based program's directive) is what a reader copies with the block; the test references Ember directly.
        sb.Append(CSharpProgram.WithoutSdkDirectives(block.Code)).Append('\n');
        return sb.ToString();
    }

    // Compiled blocks by source: DocBlockCompileTests compiles them while the parallel tests run, so
    // the runs, which must be alone, only load and execute.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(IReadOnlyList<string>, byte[]?, byte[]?)>> Compiled = new(StringComparer.Ordinal);

    /// <summary>Compiles the block (once per source text); returns the errors, or the assembly image and its PDB.</summary>
    public static (IReadOnlyList<string> Errors, byte[]? Image, byte[]? Pdb) Compile(MarkdownBlock block) =>
        Compiled.GetOrAdd(block.File + "\n" + Source(block), _ => new(() => CompileNow(block))).Value;

    private static (IReadOnlyList<string> Errors, byte[]? Image, byte[]? Pdb) CompileNow(MarkdownBlock block) =>
        CSharpProgram.Compile("DocBlock_" + Path.GetFileNameWithoutExtension(block.File) + "_" + block.Line, Source(block), block.File);

    /// <summary>
    /// Compiles and runs the block in a collectible load context (Ember itself is shared with the tests),
    /// in a fresh temporary working directory, with stdout captured. The caller makes sure nothing else
    /// runs at the same time (Console.Out and the working directory belong to the whole process).
    /// </summary>
    public static Result Run(MarkdownBlock block, TimeSpan limit)
    {
        var (errors, image, pdb) = Compile(block);
        if (image is null) return new Result(errors, "", null, false);

        var context = new AssemblyLoadContext(block.Where, isCollectible: true);
        var output = new StringWriter();
        var savedOut = Console.Out;
        string savedDir = Directory.GetCurrentDirectory();
        string dir = Directory.CreateTempSubdirectory("ember-doc-").FullName;
        Exception? failure = null;
        try
        {
            Assembly asm = context.LoadFromStream(new MemoryStream(image), new MemoryStream(pdb!));
            MethodInfo main = asm.EntryPoint!;
            Console.SetOut(output);
            Directory.SetCurrentDirectory(dir);
            var thread = new Thread(() =>
            {
                try
                {
                    CSharpProgram.Invoke(main, []);
                }
                catch (TargetInvocationException e) { failure = e.InnerException ?? e; }
                catch (Exception e) { failure = e; }
            }) { IsBackground = true, Name = block.Where };
            thread.Start();
            // A guard against a hanging block, not a speed check: the blocks run in milliseconds.
            bool finished = thread.Join(limit);
            return new Result(errors, output.ToString(), failure, !finished);
        }
        finally
        {
            Console.SetOut(savedOut);
            Directory.SetCurrentDirectory(savedDir);
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            context.Unload();
        }
    }
}
