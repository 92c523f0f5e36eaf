using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>
/// The last torch.distributions families, Expand, EnumerateSupport and the added KL pairs against
/// PyTorch 1.13 (tests/golden/distributions_rest.py).
/// </summary>
public class RestDistributionGoldenTests
{
    private static readonly Dictionary<string, (string[] Params, Func<Dictionary<string, Tensor>, Distribution> Build)> Cases = new()
    {
        ["relaxed_bernoulli"] = (["temperature", "probs"], p => new RelaxedBernoulli(p["temperature"], p["probs"])),
        ["relaxed_bernoulli_logits"] = (["temperature", "logits"], p => new RelaxedBernoulli(p["temperature"], logits: p["logits"])),
        ["logit_relaxed_bernoulli"] = (["temperature", "probs"], p => new LogitRelaxedBernoulli(p["temperature"], p["probs"])),
        ["exp_relaxed_categorical"] = (["temperature", "probs"], p => new ExpRelaxedCategorical(p["temperature"], p["probs"])),
        ["relaxed_one_hot"] = (["temperature", "logits"], p => new RelaxedOneHotCategorical(p["temperature"], logits: p["logits"])),
        ["continuous_bernoulli"] = (["probs"], p => new ContinuousBernoulli(p["probs"])),
        ["continuous_bernoulli_logits"] = (["logits"], p => new ContinuousBernoulli(logits: p["logits"])),
        ["fisher_snedecor"] = (["df1", "df2"], p => new FisherSnedecor(p["df1"], p["df2"])),
        ["kumaraswamy"] = (["concentration1", "concentration0"], p => new Kumaraswamy(p["concentration1"], p["concentration0"])),
        ["von_mises"] = (["loc", "concentration"], p => new VonMises(p["loc"], p["concentration"])),
        ["logistic_normal"] = (["loc", "scale"], p => new LogisticNormal(p["loc"], p["scale"])),
        ["lowrank_mvn"] = (["loc", "cov_factor", "cov_diag"], p => new LowRankMultivariateNormal(p["loc"], p["cov_factor"], p["cov_diag"])),
        ["lkj_cholesky"] = (["concentration"], p => new LKJCholesky(3, p["concentration"])),
        ["wishart"] = (["df", "covariance_matrix"], p => new Wishart(p["df"], covarianceMatrix: p["covariance_matrix"])),
        ["wishart_tril"] = (["df", "scale_tril"], p => new Wishart(p["df"], scaleTril: p["scale_tril"])),
        ["mixture"] = (["logits", "loc", "scale"], p => new MixtureSameFamily(new Categorical(logits: p["logits"]), new Normal(p["loc"], p["scale"]))),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    private static (Distribution D, Tensor[] Leaves, string[] Names) Build(Golden g, string name) => DistributionGoldenChecks.Build(g, name, Cases[name]);

    private static void Check(string what, Action a) => DistributionGoldenChecks.Check(what, a);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValuesAndGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (d, leaves, names) = Build(g, name);
        DistributionGoldenChecks.ValuesAndGradients(g, name, d, leaves, names);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SamplesMatchPyTorchForTheSameSeed(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (d, _, _) = Build(g, name);
        foreach (long seed in new long[] { 0, 42 })
        {
            var s = d.Sample([5], new Generator().ManualSeed(seed));
            Assert.False(s.RequiresGrad);
            Check($"{name}, seed {seed}", () => TensorAssert.Close(g[$"{name}_sample_s{seed}"], s, rtol: 1e-9, atol: 1e-9));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RSampleAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (d, leaves, names) = Build(g, name);
        Assert.Equal(g.Has($"{name}_rsample"), d.HasRSample);
        if (!d.HasRSample) return;
        var rs = d.RSample([4], new Generator().ManualSeed(7));
        Check($"{name}.rsample", () => TensorAssert.Close(g[$"{name}_rsample"], rs.Detach(), rtol: 1e-9, atol: 1e-9));
        var grads = Ember.Autograd.Grad([(rs * rs).Sum()], leaves, allowUnused: true);
        for (int i = 0; i < names.Length; i++)
        {
            string key = $"{name}_rs_grad_{names[i]}";
            if (g.Has(key)) Check(key, () => TensorAssert.Close(g[key], grads[i]!, rtol: 1e-8, atol: 1e-9));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ExpandMatchesPyTorch(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (d, _, _) = Build(g, name);
        var e = d.Expand([2, .. d.BatchShape]);
        Assert.Equal(d.GetType(), e.GetType());
        Assert.Equal(g[$"{name}_expand_batch"].ToArray<long>().Select(x => (int)x).ToArray(), e.BatchShape.ToArray());
        Check($"{name}.expand.log_prob", () => TensorAssert.Close(g[$"{name}_expand_log_prob"], e.LogProb(g[$"{name}_value"]).Detach(), rtol: 1e-9, atol: 1e-10));
        Check($"{name}.expand.sample", () => TensorAssert.Close(g[$"{name}_expand_sample"], e.Sample([3], new Generator().ManualSeed(3)), rtol: 1e-9, atol: 1e-9));
    }

    private static readonly Dictionary<string, (string[] Params, Func<Dictionary<string, Tensor>, Distribution> Build)> OldCases = new()
    {
        ["normal"] = (["loc", "scale"], p => new Normal(p["loc"], p["scale"])),
        ["categorical"] = (["probs"], p => new Categorical(p["probs"])),
        ["bernoulli"] = (["logits"], p => new Bernoulli(logits: p["logits"])),
        ["mvn"] = (["loc", "covariance_matrix"], p => new MultivariateNormal(p["loc"], covarianceMatrix: p["covariance_matrix"])),
        ["independent"] = (["loc", "scale"], p => new Independent(new Normal(p["loc"], p["scale"]), 1)),
        ["lognormal"] = (["loc", "scale"], p => new LogNormal(p["loc"], p["scale"])),
        ["dirichlet"] = (["concentration"], p => new Dirichlet(p["concentration"])),
        ["gamma"] = (["concentration", "rate"], p => new Gamma(p["concentration"], p["rate"])),
        ["binomial"] = (["total_count", "probs"], p => new Binomial(p["total_count"], p["probs"])),
    };

    public static TheoryData<string> OldNames => new(OldCases.Keys);

    [Theory]
    [MemberData(nameof(OldNames))]
    public void ExpandOfTheEarlierFamiliesMatchesPyTorch(string name)
    {
        var g = Golden.Load("distributions_rest");
        var (names, build) = OldCases[name];
        var d = build(names.ToDictionary(n => n, n => g[$"old_{name}_{n}"]));
        var e = d.Expand([2, .. d.BatchShape]);
        Assert.Equal(d.GetType(), e.GetType());
        Assert.Equal([2, .. d.BatchShape.ToArray()], e.BatchShape.ToArray());
        Assert.Equal(d.EventShape.ToArray(), e.EventShape.ToArray());
        Check($"{name}.expand.log_prob", () => TensorAssert.Close(g[$"old_{name}_expand_log_prob"], e.LogProb(g[$"old_{name}_value"]), rtol: 1e-9, atol: 1e-10));
        Check($"{name}.expand.sample", () => TensorAssert.Close(g[$"old_{name}_expand_sample"], e.Sample([3], new Generator().ManualSeed(3)), rtol: 1e-9, atol: 1e-9));
        if (d.BatchShape.Count > 0) Assert.Throws<ArgumentException>(() => d.Expand([5, 7]));
    }

    [Fact]
    public void EnumerateSupportMatchesPyTorch()
    {
        var g = Golden.Load("distributions_rest");
        TensorAssert.Close(g["enum_bernoulli"], new Bernoulli(Tensor.Full([2, 3], 0.5, DType.Float64)).EnumerateSupport());
        TensorAssert.Close(g["enum_bernoulli_noexpand"], new Bernoulli(Tensor.Full([2, 3], 0.5, DType.Float64)).EnumerateSupport(expand: false));
        TensorAssert.Close(g["enum_categorical"], new Categorical(Tensor.Ones([2, 4], DType.Float64)).EnumerateSupport());
        TensorAssert.Close(g["enum_onehot"], new OneHotCategorical(Tensor.Ones([2, 3], DType.Float64)).EnumerateSupport());
        TensorAssert.Close(g["enum_binomial"], new Binomial(Tensor.Full([2], 4.0, DType.Float64), probs: Tensor.Full([2], 0.3, DType.Float64)).EnumerateSupport(expand: false));
        Assert.True(new Independent(new Bernoulli(Tensor.Full([2], 0.5)), 0).HasEnumerateSupport);
        Assert.Throws<NotSupportedException>(() => new Independent(new Bernoulli(Tensor.Full([2], 0.5)), 1).EnumerateSupport());
        Assert.Throws<NotSupportedException>(() => new Binomial(Tensor.From(new[] { 2.0, 3.0 }), probs: Tensor.From(new[] { 0.5, 0.5 })).EnumerateSupport());
        Assert.False(new Normal(0.0, 1.0).HasEnumerateSupport);
    }
}
