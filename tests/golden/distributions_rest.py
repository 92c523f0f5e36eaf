"""Golden values for the last torch.distributions families (tests/Ember.Tests/Distributions/RestDistributionGoldenTests.cs).

As distributions_more.py: for each case the parameters, a value, log_prob / entropy / mean / variance /
cdf / icdf(q) and their gradients where PyTorch has them; samples of shape (5,) after manual_seed(0)
and (42); an rsample of shape (4,) after manual_seed(7) with the gradients of (rs * rs).sum().
Then expand((2,) + batch_shape): its log_prob(value) and samples of shape (3,) after manual_seed(3);
enumerate_support; and the KL pairs added with these families. float64 throughout.
"""
import warnings

import torch
import torch.distributions as D
from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
from torch.distributions import kl_divergence

from golden_io import save

f64 = torch.float64
SEEDS = [0, 42]
warnings.simplefilter("ignore")


def cases():
    g = torch.Generator().manual_seed(2024)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    t = lambda *v: torch.tensor(v, dtype=f64)
    q = t(0.05, 0.3, 0.5, 0.9)
    a = n(3, 3)
    spd = a @ a.T + 3 * torch.eye(3, dtype=f64)
    b = n(2, 3, 3)
    wvals = b @ b.mT + torch.eye(3, dtype=f64)
    torch.manual_seed(99)
    lkj_value = D.LKJCholesky(3, t(0.5, 2.0)).sample((2,)).to(f64)
    return {
        "relaxed_bernoulli": (D.RelaxedBernoulli, {"temperature": t(0.7), "probs": r(4) * 0.8 + 0.1}, r(2, 4) * 0.9 + 0.05),
        "relaxed_bernoulli_logits": (D.RelaxedBernoulli, {"temperature": t(1.5), "logits": n(4)}, r(2, 4) * 0.9 + 0.05),
        "logit_relaxed_bernoulli": (LogitRelaxedBernoulli, {"temperature": t(0.5), "probs": r(4) * 0.8 + 0.1}, n(2, 4) * 2),
        "exp_relaxed_categorical": (ExpRelaxedCategorical, {"temperature": t(0.8), "probs": r(2, 3) + 0.1},
                                    torch.log_softmax(n(2, 2, 3), -1)),
        "relaxed_one_hot": (D.RelaxedOneHotCategorical, {"temperature": t(0.6), "logits": n(2, 3)}, torch.softmax(n(2, 2, 3), -1)),
        "continuous_bernoulli": (D.ContinuousBernoulli, {"probs": t(0.1, 0.4995, 0.7, 0.93)}, r(2, 4)),
        "continuous_bernoulli_logits": (D.ContinuousBernoulli, {"logits": t(-2.0, 0.001, 0.8, 3.0)}, r(2, 4)),
        "fisher_snedecor": (D.FisherSnedecor, {"df1": t(1.5, 3.0, 6.0, 12.0), "df2": t(1.0, 3.0, 5.0, 20.0)}, r(2, 4) * 4 + 0.05),
        "kumaraswamy": (D.Kumaraswamy, {"concentration1": t(0.5, 1.0, 2.0, 5.0), "concentration0": t(0.7, 3.0, 1.5, 2.0)}, r(2, 4) * 0.9 + 0.05),
        "von_mises": (D.VonMises, {"loc": n(4), "concentration": t(0.3, 1.0, 4.0, 20.0)}, (r(2, 4) - 0.5) * 6),
        "logistic_normal": (D.LogisticNormal, {"loc": n(2, 3), "scale": r(2, 3) + 0.5}, torch.softmax(n(2, 2, 4), -1)),
        "lowrank_mvn": (D.LowRankMultivariateNormal, {"loc": n(2, 3), "cov_factor": n(2, 3, 2), "cov_diag": r(2, 3) + 0.5}, n(2, 2, 3)),
        "lkj_cholesky": (D.LKJCholesky, {"dim": 3, "concentration": t(0.5, 2.0)}, lkj_value),
        "wishart": (D.Wishart, {"df": t(4.0, 6.5), "covariance_matrix": spd}, wvals),
        "wishart_tril": (D.Wishart, {"df": t(3.5), "scale_tril": torch.linalg.cholesky(spd)}, wvals),
        "mixture": (lambda logits, loc, scale: D.MixtureSameFamily(D.Categorical(logits=logits), D.Normal(loc, scale)),
                    {"logits": n(2, 3), "loc": n(2, 3), "scale": r(2, 3) + 0.5}, n(2, 2)),
    }, q


def record_case(out, name, cls, p, value, q):
    leaves = {k: v.clone().requires_grad_() for k, v in p.items() if torch.is_tensor(v)}
    args = {k: leaves.get(k, v) for k, v in p.items()}
    for k, v in leaves.items():
        out[f"{name}_{k}"] = v
    out[f"{name}_value"] = value
    d = cls(**args)
    ks, ls = list(leaves), list(leaves.values())

    def record(tag, fn):
        try:
            v = fn()
        except (NotImplementedError, AttributeError):
            return
        out[f"{name}_{tag}"] = v
        if v.requires_grad:
            for k, gr in zip(ks, torch.autograd.grad(v.sum(), ls, allow_unused=True, retain_graph=True)):
                if gr is not None:
                    out[f"{name}_{tag}_grad_{k}"] = gr

    record("log_prob", lambda: d.log_prob(value))
    record("entropy", lambda: d.entropy())
    record("mean", lambda: d.mean)
    record("variance", lambda: d.variance)
    record("cdf", lambda: d.cdf(value))
    record("icdf", lambda: d.icdf(q))
    for seed in SEEDS:
        torch.manual_seed(seed)
        out[f"{name}_sample_s{seed}"] = d.sample((5,))
    if d.has_rsample:
        torch.manual_seed(7)
        rs = d.rsample((4,))
        out[f"{name}_rsample"] = rs
        try:
            grads = torch.autograd.grad((rs * rs).sum(), ls, allow_unused=True)
        except RuntimeError as e:  # PyTorch 1.13's own rsample cannot be differentiated here
            print(f"{name}: no rsample gradients: {e}"[:160])
            grads = []
        for k, gr in zip(ks, grads):
            if gr is not None:
                out[f"{name}_rs_grad_{k}"] = gr
    e = d.expand((2,) + d.batch_shape)
    out[f"{name}_expand_batch"] = torch.tensor(list(e.batch_shape), dtype=torch.int64)
    out[f"{name}_expand_log_prob"] = e.log_prob(value).detach()
    torch.manual_seed(3)
    out[f"{name}_expand_sample"] = e.sample((3,))


def main():
    out = {}
    cs, q = cases()
    for name, (cls, p, value) in cs.items():
        record_case(out, name, cls, p, value, q)

    # expand on the earlier families.
    g = torch.Generator().manual_seed(31)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    a = n(3, 3)
    old = {
        "normal": (D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "categorical": (D.Categorical, {"probs": r(3, 4) + 0.1}),
        "bernoulli": (D.Bernoulli, {"logits": n(3)}),
        "mvn": (D.MultivariateNormal, {"loc": n(3), "covariance_matrix": a @ a.T + torch.eye(3, dtype=f64)}),
        "independent": (lambda loc, scale: D.Independent(D.Normal(loc, scale), 1), {"loc": n(3, 2), "scale": r(3, 2) + 0.5}),
        "lognormal": (D.LogNormal, {"loc": n(3), "scale": r(3) + 0.5}),
        "dirichlet": (D.Dirichlet, {"concentration": r(3, 4) + 0.5}),
        "gamma": (D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}),
        "binomial": (D.Binomial, {"total_count": torch.full((3,), 5.0, dtype=f64), "probs": r(3)}),
    }
    for name, (cls, ps) in old.items():
        for k, v in ps.items():
            out[f"old_{name}_{k}"] = v
        d = cls(**ps)
        torch.manual_seed(5)
        v = d.sample()
        out[f"old_{name}_value"] = v
        e = d.expand((2,) + d.batch_shape)
        out[f"old_{name}_expand_log_prob"] = e.log_prob(v)
        torch.manual_seed(3)
        out[f"old_{name}_expand_sample"] = e.sample((3,))

    # enumerate_support.
    out["enum_bernoulli"] = D.Bernoulli(probs=r(2, 3)).enumerate_support()
    out["enum_bernoulli_noexpand"] = D.Bernoulli(probs=r(2, 3)).enumerate_support(expand=False)
    out["enum_categorical"] = D.Categorical(probs=r(2, 4)).enumerate_support()
    out["enum_onehot"] = D.OneHotCategorical(probs=r(2, 3)).enumerate_support()
    out["enum_binomial"] = D.Binomial(torch.full((2,), 4.0, dtype=f64), probs=r(2)).enumerate_support(expand=False)

    # KL pairs of the new families.
    g = torch.Generator().manual_seed(88)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    t = lambda *v: torch.tensor(v, dtype=f64)
    kl_cases = {
        "continuous_bernoulli": (lambda probs: D.ContinuousBernoulli(probs), {"probs": t(0.2, 0.4999, 0.8)},
                                 lambda probs: D.ContinuousBernoulli(probs), {"probs": t(0.6, 0.3, 0.5001)}),
        "lowrank_lowrank": (D.LowRankMultivariateNormal, {"loc": n(2, 3), "cov_factor": n(2, 3, 2), "cov_diag": r(2, 3) + 0.5},
                            D.LowRankMultivariateNormal, {"loc": n(2, 3), "cov_factor": n(2, 3, 1), "cov_diag": r(2, 3) + 0.5}),
        "mvn_lowrank": (lambda loc, scale_tril: D.MultivariateNormal(loc, scale_tril=scale_tril), {"loc": n(2, 3), "scale_tril": torch.tril(n(2, 3, 3), -1) + torch.diag_embed(r(2, 3) + 0.5)},
                        D.LowRankMultivariateNormal, {"loc": n(2, 3), "cov_factor": n(2, 3, 2), "cov_diag": r(2, 3) + 0.5}),
        "lowrank_mvn": (D.LowRankMultivariateNormal, {"loc": n(2, 3), "cov_factor": n(2, 3, 2), "cov_diag": r(2, 3) + 0.5},
                        lambda loc, scale_tril: D.MultivariateNormal(loc, scale_tril=scale_tril), {"loc": n(2, 3), "scale_tril": torch.tril(n(2, 3, 3), -1) + torch.diag_embed(r(2, 3) + 0.5)}),
        "cauchy": (D.Cauchy, {"loc": n(3), "scale": r(3) + 0.5}, D.Cauchy, {"loc": n(3), "scale": r(3) + 0.5}),
        "normal_laplace": (D.Normal, {"loc": n(3), "scale": r(3) + 0.5}, D.Laplace, {"loc": n(3), "scale": r(3) + 0.5}),
        "laplace_normal": (D.Laplace, {"loc": n(3), "scale": r(3) + 0.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "normal_gumbel": (D.Normal, {"loc": n(3), "scale": r(3) + 0.5}, D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}),
        "gumbel_normal": (D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "uniform_normal": (D.Uniform, {"low": n(3) - 2, "high": n(3) + 2}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "uniform_gumbel": (D.Uniform, {"low": n(3) - 2, "high": n(3) + 2}, D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}),
        "uniform_exponential": (D.Uniform, {"low": r(3), "high": r(3) + 2}, D.Exponential, {"rate": r(3) + 0.5}),
        "uniform_gamma": (D.Uniform, {"low": r(3), "high": r(3) + 2}, D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}),
        "uniform_beta": (D.Uniform, {"low": r(3) * 0.3, "high": r(3) * 0.3 + 0.6}, D.Beta, {"concentration1": r(3) + 0.5, "concentration0": r(3) + 0.5}),
        "exponential_gamma": (D.Exponential, {"rate": r(3) + 0.5}, D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}),
        "exponential_normal": (D.Exponential, {"rate": r(3) + 0.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "exponential_gumbel": (D.Exponential, {"rate": r(3) + 0.5}, D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}),
        "gamma_exponential": (D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}, D.Exponential, {"rate": r(3) + 0.5}),
        "gamma_normal": (D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "gamma_gumbel": (D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}, D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}),
        "beta_normal": (D.Beta, {"concentration1": r(3) + 0.5, "concentration0": r(3) + 0.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "beta_uniform": (D.Beta, {"concentration1": r(3) + 0.5, "concentration0": r(3) + 0.5}, D.Uniform, {"low": t(-0.5, 0.0, -1.0), "high": t(1.0, 1.5, 2.0)}),
        "beta_exponential": (D.Beta, {"concentration1": r(3) + 0.5, "concentration0": r(3) + 0.5}, D.Exponential, {"rate": r(3) + 0.5}),
        "beta_gamma": (D.Beta, {"concentration1": r(3) + 0.5, "concentration0": r(3) + 0.5}, D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}),
        "pareto_exponential": (D.Pareto, {"scale": r(3) + 0.5, "alpha": r(3) + 1.5}, D.Exponential, {"rate": r(3) + 0.5}),
        "pareto_normal": (D.Pareto, {"scale": r(3) + 0.5, "alpha": r(3) + 2.5}, D.Normal, {"loc": n(3), "scale": r(3) + 0.5}),
        "pareto_gamma": (D.Pareto, {"scale": r(3) + 0.5, "alpha": r(3) + 1.5}, D.Gamma, {"concentration": r(3) + 0.5, "rate": r(3) + 0.5}),
        "bernoulli_poisson": (lambda probs: D.Bernoulli(probs), {"probs": r(3) * 0.8 + 0.1}, D.Poisson, {"rate": r(3) + 0.5}),
        "poisson_bernoulli": (D.Poisson, {"rate": r(3) + 0.5}, lambda probs: D.Bernoulli(probs), {"probs": r(3) * 0.8 + 0.1}),
    }
    for name, (pc, pp, qc, qp) in kl_cases.items():
        pp = {k: v.clone().requires_grad_() for k, v in pp.items()}
        qp = {k: v.clone().requires_grad_() for k, v in qp.items()}
        for k, v in pp.items():
            out[f"kl_{name}_p_{k}"] = v
        for k, v in qp.items():
            out[f"kl_{name}_q_{k}"] = v
        kl = kl_divergence(pc(**pp), qc(**qp))
        out[f"kl_{name}"] = kl
        leaves = list(pp.values()) + list(qp.values())
        names = [f"p_{k}" for k in pp] + [f"q_{k}" for k in qp]
        if kl.requires_grad:
            for k, gr in zip(names, torch.autograd.grad(kl.sum(), leaves, allow_unused=True)):
                if gr is not None:
                    out[f"kl_{name}_grad_{k}"] = gr
    save("distributions_rest.json", out)


if __name__ == "__main__":
    main()
