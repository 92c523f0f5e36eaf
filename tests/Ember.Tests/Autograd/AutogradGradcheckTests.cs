using Ember.Graph;
using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>Gradcheck for every row of the derivative table (and gradgradcheck where a case asks for it).</summary>
public class AutogradGradcheckTests
{
    public static IEnumerable<object[]> Ids => GradCases.All.Select(c => new object[] { c.Id });

    [Theory]
    [MemberData(nameof(Ids))]
    public void Gradcheck(string id)
    {
        var c = GradCases.All.Single(x => x.Id == id);
        Assert.True(Derivatives.All.ContainsKey(c.Rule), $"case {id} names rule '{c.Rule}', which is not in the derivative table");
        var inputs = c.Inputs();
        // The case must exercise its rule: the rule's node must appear in the graph it builds.
        var output = c.Fn(inputs);
        Assert.True(GraphContains(output.GradFn, Derivatives.All[c.Rule]), $"case {id}: the graph of its output has no {Derivatives.All[c.Rule].Name} node for rule {c.Rule}");
        Assert.True(Ember.Autograd.GradCheck(c.Fn, inputs));
        if (c.GradGrad) Assert.True(Ember.Autograd.GradGradCheck(c.Fn, inputs));
    }

    [Fact]
    public void EveryRuleInTheTableHasAGradcheckCase()
    {
        var covered = GradCases.All.Select(c => c.Rule).ToHashSet();
        var missing = Derivatives.All.Keys.Where(k => !covered.Contains(k)).OrderBy(k => k).ToArray();
        Assert.True(missing.Length == 0, "rules without a gradcheck case: " + string.Join(", ", missing));
    }

    private static bool GraphContains(Node? root, Rule rule)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        if (root is not null) stack.Push(root);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n)) continue;
            if (n is RuleNode rn && ReferenceEquals(rn.Rule, rule)) return true;
            if (n is CopySlices cs && ReferenceEquals(cs.InnerRule, rule)) return true; // in-place on a view: the rule runs inside it
            foreach (var e in n.NextEdges) if (e.Node is not null) stack.Push(e.Node);
        }
        return false;
    }
}
