using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>The KL pairs across families and of the later families against PyTorch 1.13 (tests/golden/distributions_rest.py): values and gradients.</summary>
public class RestKlGoldenTests
{
    private static Normal N(Dictionary<string, Tensor> d) => new(d["loc"], d["scale"]);
    private static Gamma G(Dictionary<string, Tensor> d) => new(d["concentration"], d["rate"]);
    private static Gumbel Gu(Dictionary<string, Tensor> d) => new(d["loc"], d["scale"]);
    private static Uniform U(Dictionary<string, Tensor> d) => new(d["low"], d["high"]);
    private static Beta B(Dictionary<string, Tensor> d) => new(d["concentration1"], d["concentration0"]);
    private static Exponential E(Dictionary<string, Tensor> d) => new(d["rate"]);
    private static Pareto Pa(Dictionary<string, Tensor> d) => new(d["scale"], d["alpha"]);
    private static Laplace L(Dictionary<string, Tensor> d) => new(d["loc"], d["scale"]);
    private static LowRankMultivariateNormal Lr(Dictionary<string, Tensor> d) => new(d["loc"], d["cov_factor"], d["cov_diag"]);
    private static MultivariateNormal Mvn(Dictionary<string, Tensor> d) => new(d["loc"], scaleTril: d["scale_tril"]);

    private static readonly string[] NS = ["loc", "scale"], GS = ["concentration", "rate"], US = ["low", "high"], BS = ["concentration1", "concentration0"],
        ES = ["rate"], PS = ["scale", "alpha"], LR = ["loc", "cov_factor", "cov_diag"], MV = ["loc", "scale_tril"];

    private static readonly Dictionary<string, (string[] P, string[] Q, Func<Dictionary<string, Tensor>, Distribution> Bp, Func<Dictionary<string, Tensor>, Distribution> Bq)> Cases = new()
    {
        ["continuous_bernoulli"] = (["probs"], ["probs"], d => new ContinuousBernoulli(d["probs"]), d => new ContinuousBernoulli(d["probs"])),
        ["lowrank_lowrank"] = (LR, LR, Lr, Lr),
        ["mvn_lowrank"] = (MV, LR, Mvn, Lr),
        ["lowrank_mvn"] = (LR, MV, Lr, Mvn),
        ["cauchy"] = (NS, NS, d => new Cauchy(d["loc"], d["scale"]), d => new Cauchy(d["loc"], d["scale"])),
        ["normal_laplace"] = (NS, NS, N, L),
        ["laplace_normal"] = (NS, NS, L, N),
        ["normal_gumbel"] = (NS, NS, N, Gu),
        ["gumbel_normal"] = (NS, NS, Gu, N),
        ["uniform_normal"] = (US, NS, U, N),
        ["uniform_gumbel"] = (US, NS, U, Gu),
        ["uniform_exponential"] = (US, ES, U, E),
        ["uniform_gamma"] = (US, GS, U, G),
        ["uniform_beta"] = (US, BS, U, B),
        ["exponential_gamma"] = (ES, GS, E, G),
        ["exponential_normal"] = (ES, NS, E, N),
        ["exponential_gumbel"] = (ES, NS, E, Gu),
        ["gamma_exponential"] = (GS, ES, G, E),
        ["gamma_normal"] = (GS, NS, G, N),
        ["gamma_gumbel"] = (GS, NS, G, Gu),
        ["beta_normal"] = (BS, NS, B, N),
        ["beta_uniform"] = (BS, US, B, U),
        ["beta_exponential"] = (BS, ES, B, E),
        ["beta_gamma"] = (BS, GS, B, G),
        ["pareto_exponential"] = (PS, ES, Pa, E),
        ["pareto_normal"] = (PS, NS, Pa, N),
        ["pareto_gamma"] = (PS, GS, Pa, G),
        ["bernoulli_poisson"] = (["probs"], ES, d => new Bernoulli(d["probs"]), d => new Poisson(d["rate"])),
        ["poisson_bernoulli"] = (ES, ["probs"], d => new Poisson(d["rate"]), d => new Bernoulli(d["probs"])),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void KlDivergenceAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (pn, qn, bp, bq) = Cases[name];
        var p = pn.ToDictionary(n => n, n => g[$"kl_{name}_p_{n}"].RequiresGrad_());
        var q = qn.ToDictionary(n => n, n => g[$"kl_{name}_q_{n}"].RequiresGrad_());
        var kl = Distribution.KlDivergence(bp(p), bq(q));
        TensorAssert.Close(g[$"kl_{name}"], kl.Detach(), rtol: 1e-9, atol: 1e-10);
        if (!kl.RequiresGrad) return;
        var leaves = pn.Select(n => p[n]).Concat(qn.Select(n => q[n])).ToArray();
        var keys = pn.Select(n => "p_" + n).Concat(qn.Select(n => "q_" + n)).ToArray();
        var grads = Ember.Autograd.Grad([kl.Sum()], leaves, allowUnused: true);
        for (int i = 0; i < keys.Length; i++)
        {
            string key = $"kl_{name}_grad_{keys[i]}";
            if (!g.Has(key)) continue;
            try { TensorAssert.Close(g[key], grads[i] ?? Tensor.ZerosLike(leaves[i]), rtol: 1e-8, atol: 1e-10); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{key}: {e.Message}"); }
        }
    }
}
