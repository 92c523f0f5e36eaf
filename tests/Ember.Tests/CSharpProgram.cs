using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Ember.Tests;

/// <summary>
/// Compiles a C# program as <c>dotnet run file.cs</c> would (top-level statements, C# latest, nullable
/// on, warnings as errors as Directory.Build.props sets them, the SDK's implicit usings) against the
/// Ember and Ember.Vision assemblies this test run loaded, so the docs blocks (<see cref="Docs.SnippetRunner"/>)
/// and the examples (<see cref="ExampleProgram"/>) run in-process in milliseconds instead of a
/// <c>dotnet run</c> build each.
/// </summary>
internal static class CSharpProgram
{
    // The implicit usings of a .NET 10 file-based program (Microsoft.NET.Sdk with ImplicitUsings on).
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        // What a program that references Ember and Ember.Vision sees: the shared framework, the two
        // libraries and the packages they use (Ember's public API mentions System.Numerics.Tensors
        // types); not the test assemblies (xunit, Roslyn itself).
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var libraries = new[] { typeof(Tensor).Assembly, typeof(Ember.Vision.ImageIO).Assembly, typeof(Ember.Serialization.Onnx).Assembly, typeof(Ember.Distributed.Distributed).Assembly };
        var dependencies = libraries.SelectMany(a => a.GetReferencedAssemblies()).Select(n => n.Name + ".dll").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == framework || dependencies.Contains(Path.GetFileName(p)))
            .Concat(libraries.Select(a => a.Location));
        return paths.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(p))
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    /// <summary>
    /// The source with each <c>#:</c> line (a directive to the SDK such as <c>#:project</c>, not C#) commented
    /// out, so line numbers stay those of the file.
    /// </summary>
    public static string WithoutSdkDirectives(string source) =>
        string.Join('\n', source.Split('\n').Select(l => l.StartsWith("#:", StringComparison.Ordinal) ? "//" + l : l));

    /// <summary>
    /// Compiles <paramref name="source"/> (named <paramref name="path"/> in diagnostics and stack traces)
    /// into a console program; returns the errors, each as "path:line: id: message", or the assembly image and its PDB.
    /// </summary>
    public static (IReadOnlyList<string> Errors, byte[]? Image, byte[]? Pdb) Compile(string assemblyName, string source, string path)
    {
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, System.Text.Encoding.UTF8), Parse, path: "ImplicitUsings.g.cs"),
            CSharpSyntaxTree.ParseText(SourceText.From(source, System.Text.Encoding.UTF8), Parse, path: path),
        };
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication,
            nullableContextOptions: NullableContextOptions.Enable,
            generalDiagnosticOption: ReportDiagnostic.Error,
            optimizationLevel: OptimizationLevel.Debug);
        var compilation = CSharpCompilation.Create(assemblyName, trees, References.Value, options);
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

    /// <summary>Calls a compiled program's entry point with <paramref name="args"/> (when it takes them) and returns its exit code.</summary>
    public static int Invoke(MethodInfo main, string[] args)
    {
        object? ret = main.Invoke(null, main.GetParameters().Length == 1 ? [args] : []);
        return ret switch
        {
            Task<int> t => t.GetAwaiter().GetResult(),
            Task t => WaitZero(t),
            int code => code,
            _ => 0,
        };
        static int WaitZero(Task t) { t.GetAwaiter().GetResult(); return 0; }
    }
}
