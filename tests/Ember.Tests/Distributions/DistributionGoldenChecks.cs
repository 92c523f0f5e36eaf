using Ember.Distributions;

namespace Ember.Tests.Distributions;

/// <summary>What the distribution golden tests share: building a case from its golden parameters, and checking its values and their gradients.</summary>
internal static class DistributionGoldenChecks
{
    /// <summary>The icdf arguments every golden script uses.</summary>
    public static readonly Tensor IcdfArgs = Tensor.From(new[] { 0.05, 0.3, 0.5, 0.9 });

    /// <summary>The case's distribution built from its golden parameters (leaves requiring grad), the leaves and their names.</summary>
    public static (Distribution D, Tensor[] Leaves, string[] Names) Build(Golden g, string name, (string[] Params, Func<Dictionary<string, Tensor>, Distribution> Build) c)
    {
        var p = c.Params.ToDictionary(n => n, n => g[$"{name}_{n}"].RequiresGrad_());
        return (c.Build(p), c.Params.Select(n => p[n]).ToArray(), c.Params);
    }

    /// <summary>Runs <paramref name="a"/>, naming <paramref name="what"/> in its failure.</summary>
    public static void Check(string what, Action a)
    {
        try { a(); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"{what}: {e.Message}"); }
    }

    /// <summary>
    /// log_prob, entropy, mean, variance, cdf and icdf wherever the golden has them, and their gradients with
    /// respect to every parameter the golden has one for; returns how many quantities were checked.
    /// </summary>
    public static int ValuesAndGradients(Golden g, string name, Distribution d, Tensor[] leaves, string[] names)
    {
        var value = g[$"{name}_value"];
        var quantities = new (string Tag, Func<Tensor> Get)[]
        {
            ("log_prob", () => d.LogProb(value)), ("entropy", d.Entropy), ("mean", () => d.Mean), ("variance", () => d.Variance),
            ("cdf", () => d.Cdf(value)), ("icdf", () => d.Icdf(IcdfArgs)),
        };
        int checkedCount = 0;
        foreach (var (tag, get) in quantities)
        {
            if (!g.Has($"{name}_{tag}")) continue;
            checkedCount++;
            Check($"{name}.{tag}", () =>
            {
                var v = get();
                TensorAssert.Close(g[$"{name}_{tag}"], v.Detach(), rtol: 1e-9, atol: 1e-10);
                if (!v.RequiresGrad) return;
                var grads = Ember.Autograd.Grad([v.Sum()], leaves, retainGraph: true, allowUnused: true);
                for (int i = 0; i < names.Length; i++)
                {
                    string key = $"{name}_{tag}_grad_{names[i]}";
                    if (g.Has(key)) TensorAssert.Close(g[key], grads[i]!, rtol: 1e-8, atol: 1e-10);
                }
            });
        }
        return checkedCount;
    }
}
