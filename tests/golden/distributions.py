"""Golden values for Ember.Distributions (tests/Ember.Tests/Distributions/DistributionGoldenTests.cs).

For each case: the parameters, a value, log_prob / entropy / mean / variance and the gradients of
log_prob(value).sum() and entropy().sum() with respect to every parameter (float64); where PyTorch has
rsample, an rsample after manual_seed(7) and its gradients; samples of shape (5,) after
manual_seed(seed) for each seed. KL cases hold kl_divergence(p, q) and its gradients.
The C# test mirrors CASES and KL_CASES.
"""
import torch
from torch.distributions import (Bernoulli, Beta, Categorical, Dirichlet, Gamma, Independent,
                                 MultivariateNormal, Normal, OneHotCategorical, Uniform, kl_divergence)

from golden_io import save

SEEDS = [0, 42]
f64 = torch.float64


def spd(a):
    return a @ a.transpose(-2, -1) + 0.5 * torch.eye(a.shape[-1], dtype=a.dtype)


def params():
    g = torch.Generator().manual_seed(2024)
    r = lambda *s, dtype=f64: torch.rand(*s, generator=g, dtype=dtype)
    n = lambda *s, dtype=f64: torch.randn(*s, generator=g, dtype=dtype)
    return {
        "normal": ({"loc": n(3), "scale": r(3) + 0.5}, n(2, 3)),
        "normal_f32": ({"loc": n(2, 3, dtype=torch.float32), "scale": r(2, 3, dtype=torch.float32) + 0.5}, n(2, 3, dtype=torch.float32)),
        "categorical_probs": ({"probs": r(2, 4) + 0.1}, torch.tensor([[0, 3], [2, 1], [1, 1]])),
        "categorical_logits": ({"logits": n(2, 4)}, torch.tensor([[0, 3], [2, 1], [1, 1]])),
        "bernoulli_probs": ({"probs": r(4) * 0.8 + 0.1}, torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=f64)),
        "bernoulli_logits": ({"logits": n(4)}, torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=f64)),
        "uniform": ({"low": n(3), "high": None}, None),
        "onehot_probs": ({"probs": r(2, 3) + 0.1}, torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=f64)),
        "independent_normal": ({"loc": n(2, 3), "scale": r(2, 3) + 0.5}, n(2, 3)),
        "gamma": ({"concentration": torch.tensor([0.5, 2.0, 3.5], dtype=f64), "rate": r(3) + 0.5}, r(2, 3) * 3 + 0.05),
        "gamma_f32": ({"concentration": torch.tensor([0.3, 1.0, 7.5], dtype=torch.float32), "rate": r(3, dtype=torch.float32) + 0.5},
                      r(2, 3, dtype=torch.float32) * 3 + 0.05),
        "beta": ({"concentration1": torch.tensor([0.7, 2.0, 5.0], dtype=f64), "concentration0": torch.tensor([1.5, 0.4, 3.0], dtype=f64)},
                 r(2, 3) * 0.9 + 0.05),
        "dirichlet": ({"concentration": r(2, 3) * 3 + 0.2}, torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], dtype=f64)),
        "mvn_cov": ({"loc": n(2, 3), "covariance_matrix": spd(n(3, 3))}, n(4, 2, 3)),
        "mvn_prec": ({"loc": n(3), "precision_matrix": spd(n(2, 3, 3))}, n(2, 3)),
        "mvn_tril": ({"loc": n(2, 3), "scale_tril": torch.tril(n(3, 3), -1) + torch.diag(r(3) + 0.5)}, n(2, 3)),
    }


def build(name, p):
    if name.startswith("normal"):
        return Normal(p["loc"], p["scale"])
    if name.startswith("categorical"):
        return Categorical(**p)
    if name.startswith("bernoulli"):
        return Bernoulli(**p)
    if name == "uniform":
        return Uniform(p["low"], p["high"])
    if name == "onehot_probs":
        return OneHotCategorical(**p)
    if name == "independent_normal":
        return Independent(Normal(p["loc"], p["scale"]), 1)
    if name.startswith("gamma"):
        return Gamma(p["concentration"], p["rate"])
    if name == "beta":
        return Beta(p["concentration1"], p["concentration0"])
    if name == "dirichlet":
        return Dirichlet(p["concentration"])
    if name.startswith("mvn"):
        return MultivariateNormal(**p)
    raise KeyError(name)


def main():
    out = {}
    cases = params()
    # Uniform needs high > low and a value inside: derived from low.
    low = cases["uniform"][0]["low"]
    cases["uniform"] = ({"low": low, "high": low + torch.tensor([0.5, 1.0, 2.0], dtype=f64)},
                        low + torch.tensor([[0.1, 0.2, 1.5], [0.4, 0.9, 0.0]], dtype=f64))
    for name, (p, value) in cases.items():
        p = {k: v.clone().requires_grad_() for k, v in p.items()}
        for k, v in p.items():
            out[f"{name}_{k}"] = v
        out[f"{name}_value"] = value
        d = build(name, p)
        lp = d.log_prob(value)
        out[f"{name}_log_prob"] = lp
        for k, gr in zip(p, torch.autograd.grad(lp.sum(), list(p.values()), retain_graph=True)):
            out[f"{name}_lp_grad_{k}"] = gr
        ent = d.entropy()
        out[f"{name}_entropy"] = ent
        for k, gr in zip(p, torch.autograd.grad(ent.sum(), list(p.values()), allow_unused=True, retain_graph=True)):
            if gr is not None:
                out[f"{name}_ent_grad_{k}"] = gr
        out[f"{name}_mean"] = d.mean
        out[f"{name}_variance"] = d.variance
        for seed in SEEDS:
            torch.manual_seed(seed)
            out[f"{name}_sample_s{seed}"] = d.sample((5,))
        if d.has_rsample:
            torch.manual_seed(7)
            rs = d.rsample((4,))
            out[f"{name}_rsample"] = rs
            for k, gr in zip(p, torch.autograd.grad((rs * rs).sum(), list(p.values()), retain_graph=True)):
                out[f"{name}_rs_grad_{k}"] = gr
    # KL cases: (name, p params, q params); gradients of kl.sum() w.r.t. every parameter of p and q.
    g = torch.Generator().manual_seed(99)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    ulow = n(3)
    kl_cases = {
        "normal": (Normal, {"loc": n(3), "scale": r(3) + 0.5}, {"loc": n(3), "scale": r(3) + 0.5}),
        "categorical": (Categorical, {"probs": r(2, 4) + 0.1}, {"logits": n(2, 4)}),
        "onehot": (OneHotCategorical, {"logits": n(2, 4)}, {"probs": r(2, 4) + 0.1}),
        "bernoulli": (Bernoulli, {"probs": r(4) * 0.8 + 0.1}, {"logits": n(4)}),
        "uniform": (Uniform, {"low": ulow, "high": ulow + 1}, {"low": ulow - r(3), "high": ulow + 1 + r(3)}),
        "beta": (Beta, {"concentration1": r(3) * 3 + 0.2, "concentration0": r(3) * 3 + 0.2},
                 {"concentration1": r(3) * 3 + 0.2, "concentration0": r(3) * 3 + 0.2}),
        "gamma": (Gamma, {"concentration": r(3) * 3 + 0.2, "rate": r(3) + 0.5}, {"concentration": r(3) * 3 + 0.2, "rate": r(3) + 0.5}),
        "dirichlet": (Dirichlet, {"concentration": r(2, 4) * 3 + 0.2}, {"concentration": r(2, 4) * 3 + 0.2}),
        "mvn": (MultivariateNormal, {"loc": n(2, 3), "covariance_matrix": spd(n(3, 3))}, {"loc": n(3), "scale_tril": torch.tril(n(2, 3, 3), -1) + torch.diag_embed(r(2, 3) + 0.5)}),
        "independent": (None, {"loc": n(2, 3), "scale": r(2, 3) + 0.5}, {"loc": n(2, 3), "scale": r(2, 3) + 0.5}),
    }
    for name, (cls, pp, qp) in kl_cases.items():
        pp = {k: v.clone().requires_grad_() for k, v in pp.items()}
        qp = {k: v.clone().requires_grad_() for k, v in qp.items()}
        for k, v in pp.items():
            out[f"kl_{name}_p_{k}"] = v
        for k, v in qp.items():
            out[f"kl_{name}_q_{k}"] = v
        if cls is None:
            p, q = Independent(Normal(**pp), 1), Independent(Normal(**qp), 1)
        else:
            p, q = cls(**pp), cls(**qp)
        kl = kl_divergence(p, q)
        out[f"kl_{name}"] = kl
        leaves = list(pp.values()) + list(qp.values())
        names = [f"p_{k}" for k in pp] + [f"q_{k}" for k in qp]
        for k, gr in zip(names, torch.autograd.grad(kl.sum(), leaves)):
            out[f"kl_{name}_grad_{k}"] = gr
    # Uniform KL is infinite where q does not cover p.
    out["kl_uniform_inf"] = kl_divergence(Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 1.0])),
                                          Uniform(torch.tensor([0.5, -1.0]), torch.tensor([2.0, 2.0])))
    out["kl_bernoulli_edges"] = kl_divergence(Bernoulli(torch.tensor([0.0, 1.0, 0.3, 0.0])),
                                              Bernoulli(torch.tensor([0.0, 0.5, 1.0, 1.0])))
    out["kl_categorical_zero"] = kl_divergence(Categorical(torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]])),
                                               Categorical(torch.tensor([[0.3, 0.3, 0.4], [0.0, 1.0, 0.0]])))
    # lgamma / digamma / polygamma values (Tensor.Lgamma, Digamma, Polygamma).
    x = torch.tensor([-2.5, -0.7, 0.01, 0.3, 1.0, 1.5, 2.0, 3.7, 10.0, 25.5, 150.0], dtype=f64)
    out["special_x"] = x
    out["special_lgamma"] = torch.lgamma(x)
    out["special_digamma"] = torch.digamma(x)
    for k in (1, 2, 3):
        out[f"special_polygamma{k}"] = torch.polygamma(k, x)
    out["special_x_f32"] = x.float()
    out["special_lgamma_f32"] = torch.lgamma(x.float())
    out["special_digamma_f32"] = torch.digamma(x.float())
    # The implicit reparameterized gradients on a grid covering every branch of their formulas
    # (Taylor series for small x, Rice saddle point for large alpha, the rational fits).
    ga = torch.tensor([0.05, 0.3, 1.0, 2.5, 7.9, 8.5, 20.0, 50.0, 120.0], dtype=f64)
    gx = torch.tensor([0.01, 0.2, 0.79, 0.81, 1.5, 3.0, 8.0, 9.0, 18.5, 21.0, 45.0, 60.0, 130.0], dtype=f64)
    A, X = torch.meshgrid(ga, gx, indexing="ij")
    out["gamma_grad_alpha"], out["gamma_grad_x"] = A, X
    out["gamma_grad"] = torch._standard_gamma_grad(A, X)
    da = torch.tensor([0.1, 0.5, 1.0, 3.0, 7.0, 15.0], dtype=f64)
    db = torch.tensor([0.2, 1.0, 6.5, 12.0], dtype=f64)
    dx = torch.tensor([0.001, 0.05, 0.3, 0.5, 0.52, 0.7, 0.95, 0.999], dtype=f64)
    A, B, X = torch.meshgrid(da, db, dx, indexing="ij")
    out["dirichlet_grad_x"], out["dirichlet_grad_alpha"], out["dirichlet_grad_total"] = X, A, A + B
    out["dirichlet_grad"] = torch._dirichlet_grad(X, A, A + B)
    save("distributions.json", out)


if __name__ == "__main__":
    main()
