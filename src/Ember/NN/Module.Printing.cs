using System.Text;

namespace Ember.NN;

public abstract partial class Module
{
    /// <summary>The one-line description inside the parentheses, e.g. <c>in_features=2, out_features=3, bias=True</c> (<c>extra_repr</c>).</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>The type name as printed (generic arity removed).</summary>
    protected internal virtual string TypeName()
    {
        string n = GetType().Name;
        int tick = n.IndexOf('`');
        return tick < 0 ? n : n[..tick];
    }

    /// <summary>Prints the module tree as <c>print(model)</c> does in PyTorch.</summary>
    public override string ToString()
    {
        var lines = new List<string>();
        string extra = ExtraRepr();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var (n, c) in NamedChildren())
        {
            string child = Indent(c.ToString(), 2);
            lines.Add($"({n}): {child}");
        }
        var sb = new StringBuilder(TypeName()).Append('(');
        if (lines.Count > 0)
        {
            if (extra.Length > 0 && lines.Count == 1 && !extra.Contains('\n')) sb.Append(extra);
            else sb.Append("\n  ").Append(string.Join("\n  ", lines)).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    private static string Indent(string s, int spaces)
    {
        var parts = s.Split('\n');
        if (parts.Length == 1) return s;
        return parts[0] + "\n" + string.Join("\n", parts.Skip(1).Select(p => new string(' ', spaces) + p));
    }
}
