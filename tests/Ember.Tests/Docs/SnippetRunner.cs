using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Ember.Tests.Docs;

/// <summary>
/// Compiles a documentation block as its own program (top-level statements, C# latest, nullable on,
/// warnings as errors, the implicit usings of <c>dotnet run file.cs</c>) against the Ember and
/// Ember.Vision assemblies the tests run with, and runs it in this process with stdout captured.
/// In-process Roslyn keeps this to milliseconds per block instead of a <c>dotnet run</c> each.
/// </summary>
public static class SnippetRunner
{
    // The implicit usings of a .NET 10 file-based program (Microsoft.NET.Sdk with ImplicitUsings on).
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        // What a program that references Ember and Ember.Vision sees: the shared framework, the two
        // libraries and the packages they use; not the test assemblies (xunit, Roslyn itself).
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var libraries = new[] { typeof(Tensor).Assembly, typeof(Ember.Vision.ImageIO).Assembly };
        var dependencies = libraries.SelectMany(a => a.GetReferencedAssemblies()).Select(n => n.Name + ".dll").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == framework || dependencies.Contains(Path.GetFileName(p)))
            .Concat(libraries.Select(a => a.Location));
        return paths.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(p))
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

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
        foreach (var line in block.Code.Split('\n'))
            sb.Append(line.StartsWith("#:", StringComparison.Ordinal) ? "//" + line : line).Append('\n');
        return sb.ToString();
    }

    // Compiled blocks by source: DocBlockCompileTests compiles them while the parallel tests run, so
    // the runs, which must be alone, only load and execute.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<(IReadOnlyList<string>, byte[]?, byte[]?)>> Compiled = new(StringComparer.Ordinal);

    /// <summary>Compiles the block (once per source text); returns the errors, or the assembly image and its PDB.</summary>
    public static (IReadOnlyList<string> Errors, byte[]? Image, byte[]? Pdb) Compile(MarkdownBlock block) =>
        Compiled.GetOrAdd(block.File + "\n" + Source(block), _ => new(() => CompileNow(block))).Value;

    private static (IReadOnlyList<string> Errors, byte[]? Image, byte[]? Pdb) CompileNow(MarkdownBlock block)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, System.Text.Encoding.UTF8), parse, path: "ImplicitUsings.g.cs"),
            CSharpSyntaxTree.ParseText(SourceText.From(Source(block), System.Text.Encoding.UTF8), parse, path: block.File),
        };
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication,
            nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error,
            optimizationLevel: OptimizationLevel.Debug);
        var compilation = CSharpCompilation.Create("DocBlock_" + Path.GetFileNameWithoutExtension(block.File) + "_" + block.Line,
            trees, References.Value, options);
        using var image = new MemoryStream();
        using var pdb = new MemoryStream();
        EmitResult emitted = compilation.Emit(image, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var span = d.Location.GetMappedLineSpan();
                return $"{span.Path}:{span.StartLinePosition.Line + 1}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            }).ToList();
        return emitted.Success ? (errors, image.ToArray(), pdb.ToArray()) : (errors, null, null);
    }

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
                    object? ret = main.Invoke(null, main.GetParameters().Length == 1 ? [Array.Empty<string>()] : []);
                    if (ret is Task task) task.GetAwaiter().GetResult();
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
