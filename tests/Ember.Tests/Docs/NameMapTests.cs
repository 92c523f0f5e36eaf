using System.Text.RegularExpressions;
using Ember.Tests.Serialization;
using Xunit;

namespace Ember.Tests.Docs;

/// <summary>
/// docs/pytorch-to-ember.md shows the namespace of every Ember type it names (its third column), and
/// every type it names exists there: checked against the assemblies by reflection.
/// </summary>
public partial class NameMapTests
{
    private const string Page = "docs/pytorch-to-ember.md";

    // Public types of Ember, Ember.Vision, Ember.Onnx and Ember.Distributed by simple name (generic arity dropped: Module<T, TOut> is "Module").
    private static readonly ILookup<string, string?> EmberTypes =
        typeof(Tensor).Assembly.GetExportedTypes().Concat(typeof(Ember.Vision.ImageIO).Assembly.GetExportedTypes())
            .Concat(typeof(Ember.Serialization.Onnx).Assembly.GetExportedTypes())
            .Concat(typeof(Ember.Distributed.Distributed).Assembly.GetExportedTypes())
            .ToLookup(t => t.Name.Split('`')[0], t => t.Namespace);

    // A bare `Tanh` in a list of Tensor methods is the method, not the module class of the same name.
    private static readonly HashSet<string> TensorMembers =
        typeof(Tensor).GetMembers().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"`([^`]*)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)")]
    private static partial Regex CapitalisedName();

    [GeneratedRegex(@"^[A-Z]\w*$")]
    private static partial Regex Identifier();

    /// <summary>
    /// The type names a cell of Ember code refers to: <c>new X</c>, <c>X.Member</c>, <c>X&lt;...&gt;</c>,
    /// <c>: X</c> (a base class), <c>[X]</c> (an attribute), and a code span that is just the name of an
    /// Ember type (<c>`Sequential`</c>). A class the user declares (<c>class MyReLU</c>) is not one.
    /// </summary>
    public static IEnumerable<string> TypesNamed(string cell)
    {
        var declared = Regex.Matches(cell, @"\bclass\s+(\w+)").Select(d => d.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match span in CodeSpan().Matches(cell))
        {
            string code = span.Groups[1].Value.Trim();
            if (Identifier().IsMatch(code))
            {
                if (EmberTypes.Contains(code) && !TensorMembers.Contains(code)) yield return code;
                continue;
            }
            foreach (Match m in CapitalisedName().Matches(code))
            {
                string name = m.Groups[1].Value, before = code[..m.Index], after = code[(m.Index + name.Length)..];
                if (declared.Contains(name)) continue;
                if (Regex.IsMatch(before, @"[<,]\s*$") && EmberTypes.Contains(name)) { yield return name; continue; } // a type argument
                if (Regex.IsMatch(before, @"\bnew\s+$") || after.StartsWith('.') || after.StartsWith('<') || Regex.IsMatch(before, @":\s*$"))
                    yield return name;
                else if (before.EndsWith('[') && EmberTypes.Contains(name + "Attribute"))
                    yield return name + "Attribute";
            }
        }
    }

    private static bool IsSystemType(string name) =>
        new[] { typeof(object), typeof(Console), typeof(List<>), typeof(File) }.Select(t => t.Assembly).Distinct()
            .Any(a => a.GetExportedTypes().Any(t => t.Name.Split('`')[0] == name && t.Namespace is "System" or "System.Collections.Generic" or "System.IO"));

    [Fact]
    public void EveryTypeInTheNameMapIsInTheNamespaceItsRowGives()
    {
        string[] lines = File.ReadAllLines(Path.Combine(EmberWrittenFiles.RepoRoot(), Page));
        var problems = new List<string>();
        bool inTable = false;
        int rows = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (!line.StartsWith('|')) { inTable = false; continue; }
            string[] cells = Regex.Split(line.Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            string where = $"{Page}:{i + 1}";
            if (!inTable)
            {
                inTable = true;
                if (cells.Length != 3 || cells[2] != "Namespace") problems.Add($"{where}: a table's header is | PyTorch | Ember | Namespace |");
                i++; // the --- row
                continue;
            }
            rows++;
            if (cells.Length != 3) { problems.Add($"{where}: the row has {cells.Length} cells, not 3 (PyTorch, Ember, Namespace)"); continue; }
            var listed = CodeSpan().Matches(cells[2]).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            if (listed.Count == 0) problems.Add($"{where}: the Namespace cell names no namespace");
            foreach (string ns in listed.Where(ns => !EmberTypes.Any(g => g.Contains(ns))))
                problems.Add($"{where}: `{ns}` is no namespace of Ember or Ember.Vision");
            foreach (string type in TypesNamed(cells[1]).Distinct())
            {
                if (!EmberTypes.Contains(type))
                {
                    if (!IsSystemType(type)) problems.Add($"{where}: `{type}` is no public type of Ember, Ember.Vision or .NET");
                    continue;
                }
                var actual = EmberTypes[type].ToList();
                if (!actual.Any(ns => ns is not null && listed.Contains(ns)))
                    problems.Add($"{where}: `{type}` is in `{string.Join("`, `", actual)}`, which the row's Namespace cell does not list");
            }
        }
        Assert.True(rows > 100, $"{Page}: only {rows} table rows found");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void TypesNamedFindsTheTypesOfACellAndNotMethods()
    {
        Assert.Equal(["Linear", "F"], TypesNamed("`new Linear(2, 3)`, `F.Relu`, `x.Relu()`"));
        Assert.Equal(["Sequential"], TypesNamed("`Sequential`, `Sum`, `Tanh`"));   // Tanh: the Tensor method in a list of methods
        Assert.Equal(["Function"], TypesNamed("`class MyReLU : Function`, `new MyReLU().Apply(x)`"));
        Assert.Equal(["BufferAttribute", "Module", "Tensor", "Tensor"], TypesNamed("`[Buffer]`, `Module<Tensor, Tensor>`"));
    }
}
