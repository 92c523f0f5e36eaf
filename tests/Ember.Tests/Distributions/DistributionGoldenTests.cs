using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>Ember.Distributions against PyTorch 1.13 (tests/golden/distributions.py): values, gradients and samples.</summary>
public class DistributionGoldenTests
{
    // Mirrors params()/build() in tests/golden/distributions.py: case name, parameter names, constructor.
    private static readonly Dictionary<string, (string[] Params, Func<Dictionary<string, Tensor>, Distribution> Build)> Cases = new()
    {
        ["normal"] = (["loc", "scale"], p => new Normal(p["loc"], p["scale"])),
        ["normal_f32"] = (["loc", "scale"], p => new Normal(p["loc"], p["scale"])),
        ["categorical_probs"] = (["probs"], p => new Categorical(probs: p["probs"])),
        ["categorical_logits"] = (["logits"], p => new Categorical(logits: p["logits"])),
        ["bernoulli_probs"] = (["probs"], p => new Bernoulli(probs: p["probs"])),
        ["bernoulli_logits"] = (["logits"], p => new Bernoulli(logits: p["logits"])),
        ["uniform"] = (["low", "high"], p => new Uniform(p["low"], p["high"])),
        ["onehot_probs"] = (["probs"], p => new OneHotCategorical(probs: p["probs"])),
        ["independent_normal"] = (["loc", "scale"], p => new Independent(new Normal(p["loc"], p["scale"]), 1)),
        ["gamma"] = (["concentration", "rate"], p => new Gamma(p["concentration"], p["rate"])),
        ["gamma_f32"] = (["concentration", "rate"], p => new Gamma(p["concentration"], p["rate"])),
        ["beta"] = (["concentration1", "concentration0"], p => new Beta(p["concentration1"], p["concentration0"])),
        ["dirichlet"] = (["concentration"], p => new Dirichlet(p["concentration"])),
        ["mvn_cov"] = (["loc", "covariance_matrix"], p => new MultivariateNormal(p["loc"], covarianceMatrix: p["covariance_matrix"])),
        ["mvn_prec"] = (["loc", "precision_matrix"], p => new MultivariateNormal(p["loc"], precisionMatrix: p["precision_matrix"])),
        ["mvn_tril"] = (["loc", "scale_tril"], p => new MultivariateNormal(p["loc"], scaleTril: p["scale_tril"])),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    private static (Distribution D, Tensor[] Leaves, string[] Names) Build(Golden g, string name)
    {
        var (names, build) = Cases[name];
        var p = names.ToDictionary(n => n, n => g[$"{name}_{n}"].RequiresGrad_());
        return (build(p), names.Select(n => p[n]).ToArray(), names);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValuesAndGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions");
        var (d, leaves, names) = Build(g, name);
        var lp = d.LogProb(g[$"{name}_value"]);
        TensorAssert.Close(g[$"{name}_log_prob"], lp);
        var lpGrads = Ember.Autograd.Grad([lp.Sum()], leaves, retainGraph: true);
        for (int i = 0; i < names.Length; i++) TensorAssert.Close(g[$"{name}_lp_grad_{names[i]}"], lpGrads[i]!);

        var ent = d.Entropy();
        TensorAssert.Close(g[$"{name}_entropy"], ent);
        var entGrads = Ember.Autograd.Grad([ent.Sum()], leaves, retainGraph: true, allowUnused: true);
        for (int i = 0; i < names.Length; i++)
        {
            string key = $"{name}_ent_grad_{names[i]}";
            if (g.Has(key)) TensorAssert.Close(g[key], entGrads[i]!);
            else Assert.True(entGrads[i] is null || entGrads[i]!.Eq(0.0).All().Item<bool>(), $"{key}: PyTorch's entropy does not depend on it");
        }
        TensorAssert.Close(g[$"{name}_mean"], d.Mean.Detach());
        TensorAssert.Close(g[$"{name}_variance"], d.Variance.Detach());
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SamplesMatchPyTorchForTheSameSeed(string name)
    {
        var g = Golden.Load("distributions");
        var (d, _, _) = Build(g, name);
        foreach (long seed in new long[] { 0, 42 })
        {
            var s = d.Sample([5], new Generator().ManualSeed(seed));
            Assert.False(s.RequiresGrad);
            try { TensorAssert.Close(g[$"{name}_sample_s{seed}"], s); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{name}, seed {seed}: {e.Message}"); }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RSampleAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions");
        var (d, leaves, names) = Build(g, name);
        Assert.Equal(g.Has($"{name}_rsample"), d.HasRSample);
        if (!d.HasRSample)
        {
            Assert.Throws<NotSupportedException>(() => d.RSample([4]));
            return;
        }
        var rs = d.RSample([4], new Generator().ManualSeed(7));
        TensorAssert.Close(g[$"{name}_rsample"], rs);
        var grads = Ember.Autograd.Grad([(rs * rs).Sum()], leaves);
        for (int i = 0; i < names.Length; i++) TensorAssert.Close(g[$"{name}_rs_grad_{names[i]}"], grads[i]!);
    }

    // Mirrors kl_cases in the script: the type and which parameter names p and q are built from.
    private static readonly Dictionary<string, (string[] P, string[] Q, Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>, (Distribution, Distribution)> Build)> KlCases = new()
    {
        ["normal"] = (["loc", "scale"], ["loc", "scale"], (p, q) => (new Normal(p["loc"], p["scale"]), new Normal(q["loc"], q["scale"]))),
        ["categorical"] = (["probs"], ["logits"], (p, q) => (new Categorical(probs: p["probs"]), new Categorical(logits: q["logits"]))),
        ["onehot"] = (["logits"], ["probs"], (p, q) => (new OneHotCategorical(logits: p["logits"]), new OneHotCategorical(probs: q["probs"]))),
        ["bernoulli"] = (["probs"], ["logits"], (p, q) => (new Bernoulli(probs: p["probs"]), new Bernoulli(logits: q["logits"]))),
        ["uniform"] = (["low", "high"], ["low", "high"], (p, q) => (new Uniform(p["low"], p["high"]), new Uniform(q["low"], q["high"]))),
        ["beta"] = (["concentration1", "concentration0"], ["concentration1", "concentration0"], (p, q) =>
            (new Beta(p["concentration1"], p["concentration0"]), new Beta(q["concentration1"], q["concentration0"]))),
        ["gamma"] = (["concentration", "rate"], ["concentration", "rate"], (p, q) =>
            (new Gamma(p["concentration"], p["rate"]), new Gamma(q["concentration"], q["rate"]))),
        ["dirichlet"] = (["concentration"], ["concentration"], (p, q) => (new Dirichlet(p["concentration"]), new Dirichlet(q["concentration"]))),
        ["mvn"] = (["loc", "covariance_matrix"], ["loc", "scale_tril"], (p, q) =>
            (new MultivariateNormal(p["loc"], covarianceMatrix: p["covariance_matrix"]), new MultivariateNormal(q["loc"], scaleTril: q["scale_tril"]))),
        ["independent"] = (["loc", "scale"], ["loc", "scale"], (p, q) =>
            (new Independent(new Normal(p["loc"], p["scale"]), 1), new Independent(new Normal(q["loc"], q["scale"]), 1))),
    };

    public static TheoryData<string> KlNames => new(KlCases.Keys);

    [Theory]
    [MemberData(nameof(KlNames))]
    public void KlDivergenceAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions");
        var (pn, qn, build) = KlCases[name];
        var p = pn.ToDictionary(n => n, n => g[$"kl_{name}_p_{n}"].RequiresGrad_());
        var q = qn.ToDictionary(n => n, n => g[$"kl_{name}_q_{n}"].RequiresGrad_());
        var (dp, dq) = build(p, q);
        var kl = Distribution.KlDivergence(dp, dq);
        TensorAssert.Close(g[$"kl_{name}"], kl);
        var leaves = pn.Select(n => p[n]).Concat(qn.Select(n => q[n])).ToArray();
        var keys = pn.Select(n => "p_" + n).Concat(qn.Select(n => "q_" + n)).ToArray();
        var grads = Ember.Autograd.Grad([kl.Sum()], leaves);
        for (int i = 0; i < keys.Length; i++) TensorAssert.Close(g[$"kl_{name}_grad_{keys[i]}"], grads[i]!);
    }

    [Fact]
    public void GammaFunctionsMatchPyTorch()
    {
        var g = Golden.Load("distributions");
        var x = g["special_x"];
        // lgamma is a Lanczos sum where PyTorch calls the C library: equal to about 1e-15 absolute.
        TensorAssert.Close(g["special_lgamma"], x.Lgamma(), rtol: 1e-13, atol: 1e-13);
        TensorAssert.Close(g["special_digamma"], x.Digamma(), rtol: 1e-13, atol: 1e-13);
        TensorAssert.Close(g["special_digamma"], Tensor.Polygamma(0, x), rtol: 1e-13, atol: 1e-13);
        for (int k = 1; k <= 3; k++) TensorAssert.Close(g[$"special_polygamma{k}"], x.Polygamma(k), rtol: 1e-12, atol: 1e-13);
        var xf = g["special_x_f32"];
        TensorAssert.Close(g["special_lgamma_f32"], xf.Lgamma(), rtol: 1e-6, atol: 1e-6);
        TensorAssert.Close(g["special_digamma_f32"], xf.Digamma(), rtol: 1e-5, atol: 1e-5);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Polygamma(-1));
    }

    [Fact]
    public void KlDivergenceEdgeCasesMatchPyTorch()
    {
        var g = Golden.Load("distributions");
        TensorAssert.Close(g["kl_uniform_inf"], Distribution.KlDivergence(
            new Uniform(Tensor.From(new[] { 0f, 0f }), Tensor.From(new[] { 1f, 1f })),
            new Uniform(Tensor.From(new[] { 0.5f, -1f }), Tensor.From(new[] { 2f, 2f }))));
        TensorAssert.Close(g["kl_bernoulli_edges"], Distribution.KlDivergence(
            new Bernoulli(Tensor.From(new[] { 0f, 1f, 0.3f, 0f })), new Bernoulli(Tensor.From(new[] { 0f, 0.5f, 1f, 1f }))));
        TensorAssert.Close(g["kl_categorical_zero"], Distribution.KlDivergence(
            new Categorical(Tensor.From(new float[,] { { 0.5f, 0.5f, 0f }, { 0.2f, 0.8f, 0f } })),
            new Categorical(Tensor.From(new float[,] { { 0.3f, 0.3f, 0.4f }, { 0f, 1f, 0f } }))));
    }
}
