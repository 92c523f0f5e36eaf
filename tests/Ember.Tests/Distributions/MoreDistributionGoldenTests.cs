using Ember.Distributions;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>
/// The distributions, transforms and KL pairs added after the first ten, against PyTorch 1.13
/// (tests/golden/distributions_more.py): values and gradients of log_prob, entropy, mean, variance,
/// cdf and icdf, samples for the same seed, rsample and its gradients.
/// </summary>
public class MoreDistributionGoldenTests
{
    private static readonly Dictionary<string, (string[] Params, Func<Dictionary<string, Tensor>, Distribution> Build)> Cases = new()
    {
        ["exponential"] = (["rate"], p => new Exponential(p["rate"])),
        ["laplace"] = (["loc", "scale"], p => new Laplace(p["loc"], p["scale"])),
        ["cauchy"] = (["loc", "scale"], p => new Cauchy(p["loc"], p["scale"])),
        ["lognormal"] = (["loc", "scale"], p => new LogNormal(p["loc"], p["scale"])),
        ["halfnormal"] = (["scale"], p => new HalfNormal(p["scale"])),
        ["halfcauchy"] = (["scale"], p => new HalfCauchy(p["scale"])),
        ["studentt"] = (["df", "loc", "scale"], p => new StudentT(p["df"], p["loc"], p["scale"])),
        ["chi2"] = (["df"], p => new Chi2(p["df"])),
        ["poisson"] = (["rate"], p => new Poisson(p["rate"])),
        ["binomial"] = (["total_count", "probs"], p => new Binomial(p["total_count"], probs: p["probs"])),
        ["binomial_logits"] = (["total_count", "logits"], p => new Binomial(p["total_count"], logits: p["logits"])),
        ["geometric"] = (["probs"], p => new Geometric(probs: p["probs"])),
        ["geometric_logits"] = (["logits"], p => new Geometric(logits: p["logits"])),
        ["negbinomial"] = (["total_count", "probs"], p => new NegativeBinomial(p["total_count"], probs: p["probs"])),
        ["negbinomial_logits"] = (["total_count", "logits"], p => new NegativeBinomial(p["total_count"], logits: p["logits"])),
        ["multinomial"] = (["probs"], p => new Multinomial(6, probs: p["probs"])),
        ["gumbel"] = (["loc", "scale"], p => new Gumbel(p["loc"], p["scale"])),
        ["pareto"] = (["scale", "alpha"], p => new Pareto(p["scale"], p["alpha"])),
        ["weibull"] = (["scale", "concentration"], p => new Weibull(p["scale"], p["concentration"])),
        ["gamma_rs"] = (["concentration", "rate"], p => new Gamma(p["concentration"], p["rate"])),
        ["beta_rs"] = (["concentration1", "concentration0"], p => new Beta(p["concentration1"], p["concentration0"])),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    private static (Distribution D, Tensor[] Leaves, string[] Names) Build(Golden g, string name) => DistributionGoldenChecks.Build(g, name, Cases[name]);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValuesAndGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_more");
        var (d, leaves, names) = Build(g, name);
        Assert.True(DistributionGoldenChecks.ValuesAndGradients(g, name, d, leaves, names) >= 3);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SamplesMatchPyTorchForTheSameSeed(string name)
    {
        var g = Golden.Load("distributions_more");
        var (d, _, _) = Build(g, name);
        foreach (long seed in new long[] { 0, 42 })
        {
            var s = d.Sample([5], new Generator().ManualSeed(seed));
            Assert.False(s.RequiresGrad);
            try { TensorAssert.Close(g[$"{name}_sample_s{seed}"], s, rtol: 1e-9, atol: 1e-10); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{name}, seed {seed}: {e.Message}"); }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void RSampleAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_more");
        var (d, leaves, names) = Build(g, name);
        Assert.Equal(g.Has($"{name}_rsample"), d.HasRSample);
        if (!d.HasRSample)
        {
            Assert.Throws<NotSupportedException>(() => d.RSample([4]));
            return;
        }
        var rs = d.RSample([4], new Generator().ManualSeed(7));
        TensorAssert.Close(g[$"{name}_rsample"], rs, rtol: 1e-9, atol: 1e-10);
        var grads = Ember.Autograd.Grad([(rs * rs).Sum()], leaves);
        for (int i = 0; i < names.Length; i++) TensorAssert.Close(g[$"{name}_rs_grad_{names[i]}"], grads[i]!, rtol: 1e-8, atol: 1e-10);
    }

    private static readonly Dictionary<string, (string[] P, string[] Q, Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>, (Distribution, Distribution)> Build)> KlCases = new()
    {
        ["exponential"] = (["rate"], ["rate"], (p, q) => (new Exponential(p["rate"]), new Exponential(q["rate"]))),
        ["laplace"] = (["loc", "scale"], ["loc", "scale"], (p, q) => (new Laplace(p["loc"], p["scale"]), new Laplace(q["loc"], q["scale"]))),
        ["poisson"] = (["rate"], ["rate"], (p, q) => (new Poisson(p["rate"]), new Poisson(q["rate"]))),
        ["binomial"] = (["total_count", "probs"], ["total_count", "logits"], (p, q) =>
            (new Binomial(p["total_count"], probs: p["probs"]), new Binomial(q["total_count"], logits: q["logits"]))),
        ["geometric"] = (["probs"], ["probs"], (p, q) => (new Geometric(p["probs"]), new Geometric(q["probs"]))),
        ["gumbel"] = (["loc", "scale"], ["loc", "scale"], (p, q) => (new Gumbel(p["loc"], p["scale"]), new Gumbel(q["loc"], q["scale"]))),
        ["pareto"] = (["scale", "alpha"], ["scale", "alpha"], (p, q) => (new Pareto(p["scale"], p["alpha"]), new Pareto(q["scale"], q["alpha"]))),
        ["lognormal"] = (["loc", "scale"], ["loc", "scale"], (p, q) => (new LogNormal(p["loc"], p["scale"]), new LogNormal(q["loc"], q["scale"]))),
        ["halfnormal"] = (["scale"], ["scale"], (p, q) => (new HalfNormal(p["scale"]), new HalfNormal(q["scale"]))),
        ["chi2"] = (["df"], ["df"], (p, q) => (new Chi2(p["df"]), new Chi2(q["df"]))),
    };

    public static TheoryData<string> KlNames => new(KlCases.Keys);

    [Theory]
    [MemberData(nameof(KlNames))]
    public void KlDivergenceAndItsGradientsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_more");
        var (pn, qn, build) = KlCases[name];
        var p = pn.ToDictionary(n => n, n => g[$"kl_{name}_p_{n}"].RequiresGrad_());
        var q = qn.ToDictionary(n => n, n => g[$"kl_{name}_q_{n}"].RequiresGrad_());
        var (dp, dq) = build(p, q);
        var kl = Distribution.KlDivergence(dp, dq);
        TensorAssert.Close(g[$"kl_{name}"], kl);
        var leaves = pn.Select(n => p[n]).Concat(qn.Select(n => q[n])).ToArray();
        var keys = pn.Select(n => "p_" + n).Concat(qn.Select(n => "q_" + n)).ToArray();
        var grads = Ember.Autograd.Grad([kl.Sum()], leaves, allowUnused: true);
        for (int i = 0; i < keys.Length; i++)
            if (g.Has($"kl_{name}_grad_{keys[i]}")) TensorAssert.Close(g[$"kl_{name}_grad_{keys[i]}"], grads[i]!);
    }

    public static TheoryData<string> TransformNames => new(["exp", "affine", "sigmoid", "tanh", "stickbreaking", "compose"]);

    private static Transform MakeTransform(string name) => name switch
    {
        "exp" => new ExpTransform(),
        "affine" => new AffineTransform(0.5, -2.0),
        "sigmoid" => new SigmoidTransform(),
        "tanh" => new TanhTransform(),
        "stickbreaking" => new StickBreakingTransform(),
        "compose" => new ComposeTransform(new AffineTransform(0.3, 1.5), new ExpTransform().Inv.Inv, new PowerTransform(Tensor.Scalar(0.5, DType.Float64))),
        _ => throw new KeyNotFoundException(name),
    };

    [Theory]
    [MemberData(nameof(TransformNames))]
    public void TransformsMatchPyTorch(string name)
    {
        var g = Golden.Load("distributions_more");
        var t = MakeTransform(name);
        var x = g["tr_x"].RequiresGrad_();
        var y = t.Forward(x);
        TensorAssert.Close(g[$"tr_{name}_y"], y.Detach());
        TensorAssert.Close(g[$"tr_{name}_inv"], t.Inverse(y.Detach()), rtol: 1e-9, atol: 1e-9);
        TensorAssert.Close(g[$"tr_{name}_inv"], t.Inv.Forward(y.Detach()), rtol: 1e-9, atol: 1e-9);
        var ladj = t.LogAbsDetJacobian(x, y);
        TensorAssert.Close(g[$"tr_{name}_ladj"], ladj.Detach());
        var grad = ladj.RequiresGrad ? Ember.Autograd.Grad([ladj.Sum()], [x])[0]! : Tensor.ZerosLike(x);
        TensorAssert.Close(g[$"tr_{name}_ladj_grad"], grad);
    }

    [Fact]
    public void SoftmaxTransformMatchesPyTorch()
    {
        var g = Golden.Load("distributions_more");
        TensorAssert.Close(g["tr_softmax_y"], new SoftmaxTransform().Forward(g["tr_x"]));
    }
}
