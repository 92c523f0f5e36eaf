"""Golden values for the distributions added after the first ten (tests/Ember.Tests/Distributions/MoreDistributionGoldenTests.cs).

For each case: the parameters, a value, log_prob and its gradients w.r.t. every parameter; entropy,
mean, variance, cdf(value) and icdf(q) with their gradients where PyTorch has them; samples of shape (5,)
after manual_seed(0) and manual_seed(42); an rsample of shape (4,) after manual_seed(7) and the
gradients of (rs * rs).sum() where has_rsample. KL cases hold kl_divergence(p, q) and its gradients.
The C# test mirrors CASES and KL_CASES (float64 throughout).
"""
import torch
import torch.distributions as D
from torch.distributions import kl_divergence

from golden_io import save

f64 = torch.float64
SEEDS = [0, 42]


def cases():
    g = torch.Generator().manual_seed(515)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    t = lambda *v: torch.tensor(v, dtype=f64)
    q = t(0.05, 0.3, 0.5, 0.9)  # icdf arguments, broadcast against the batch of 4 where there is one
    return {
        "exponential": (D.Exponential, {"rate": r(4) + 0.5}, r(2, 4) * 3),
        "laplace": (D.Laplace, {"loc": n(4), "scale": r(4) + 0.5}, n(2, 4)),
        "cauchy": (D.Cauchy, {"loc": n(4), "scale": r(4) + 0.5}, n(2, 4) * 3),
        "lognormal": (D.LogNormal, {"loc": n(4), "scale": r(4) + 0.5}, r(2, 4) * 4 + 0.05),
        "halfnormal": (D.HalfNormal, {"scale": r(4) + 0.5}, r(2, 4) * 2),
        "halfcauchy": (D.HalfCauchy, {"scale": r(4) + 0.5}, r(2, 4) * 5),
        "studentt": (D.StudentT, {"df": t(0.8, 1.5, 3.0, 10.0), "loc": n(4), "scale": r(4) + 0.5}, n(2, 4) * 2),
        "chi2": (D.Chi2, {"df": t(0.7, 2.0, 5.0, 11.0)}, r(2, 4) * 6 + 0.05),
        "poisson": (D.Poisson, {"rate": t(0.5, 3.0, 9.5, 40.0)}, t(0, 2, 11, 37, 1, 5, 8, 45).view(2, 4)),
        "binomial": (D.Binomial, {"total_count": t(5, 20, 60, 100), "probs": t(0.3, 0.55, 0.1, 0.9)}, t(1, 9, 7, 88, 5, 13, 0, 93).view(2, 4)),
        "binomial_logits": (D.Binomial, {"total_count": t(30, 30, 30, 30), "logits": n(4)}, t(3, 17, 29, 0, 12, 30, 1, 15).view(2, 4)),
        "geometric": (D.Geometric, {"probs": t(0.1, 0.4, 0.7, 0.95)}, t(3, 0, 2, 0, 12, 4, 1, 1).view(2, 4)),
        "geometric_logits": (D.Geometric, {"logits": n(4)}, t(3, 0, 2, 1, 5, 4, 1, 0).view(2, 4)),
        "negbinomial": (D.NegativeBinomial, {"total_count": t(0.5, 3.0, 10.0, 25.0), "probs": t(0.2, 0.5, 0.7, 0.4)}, t(0, 4, 30, 12, 2, 1, 18, 20).view(2, 4)),
        "negbinomial_logits": (D.NegativeBinomial, {"total_count": t(2.0, 4.0, 6.0, 8.0), "logits": n(4)}, t(0, 4, 3, 12, 2, 1, 8, 20).view(2, 4)),
        "multinomial": (D.Multinomial, {"total_count": 6, "probs": r(2, 3) + 0.1}, t(1, 2, 3, 0, 6, 0).view(2, 3)),
        "gumbel": (D.Gumbel, {"loc": n(4), "scale": r(4) + 0.5}, n(2, 4) * 2),
        "pareto": (D.Pareto, {"scale": r(4) + 0.5, "alpha": t(0.7, 1.5, 2.5, 4.0)}, r(2, 4) * 3 + 1.5),
        "weibull": (D.Weibull, {"scale": r(4) + 0.5, "concentration": t(0.6, 1.0, 2.0, 4.5)}, r(2, 4) * 3 + 0.05),
        "gamma_rs": (D.Gamma, {"concentration": t(0.2, 0.9, 4.0, 30.0), "rate": r(4) + 0.5}, r(2, 4) * 3 + 0.05),
        "beta_rs": (D.Beta, {"concentration1": t(0.3, 2.0, 9.0, 1.0), "concentration0": t(0.6, 7.0, 12.0, 1.0)}, r(2, 4) * 0.9 + 0.05),
    }, q


def main():
    out = {}
    cs, q = cases()
    for name, (cls, p, value) in cs.items():
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
            except NotImplementedError:
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
            for k, gr in zip(ks, torch.autograd.grad((rs * rs).sum(), ls)):
                out[f"{name}_rs_grad_{k}"] = gr

    g = torch.Generator().manual_seed(77)
    r = lambda *s: torch.rand(*s, generator=g, dtype=f64)
    n = lambda *s: torch.randn(*s, generator=g, dtype=f64)
    t = lambda *v: torch.tensor(v, dtype=f64)
    kl_cases = {
        "exponential": (D.Exponential, {"rate": r(3) + 0.5}, {"rate": r(3) + 0.5}),
        "laplace": (D.Laplace, {"loc": n(3), "scale": r(3) + 0.5}, {"loc": n(3), "scale": r(3) + 0.5}),
        "poisson": (D.Poisson, {"rate": r(3) * 5 + 0.1}, {"rate": r(3) * 5 + 0.1}),
        "binomial": (D.Binomial, {"total_count": t(10, 10, 10), "probs": r(3) * 0.8 + 0.1}, {"total_count": t(10, 10, 10), "logits": n(3)}),
        "geometric": (D.Geometric, {"probs": r(3) * 0.8 + 0.1}, {"probs": r(3) * 0.8 + 0.1}),
        "gumbel": (D.Gumbel, {"loc": n(3), "scale": r(3) + 0.5}, {"loc": n(3), "scale": r(3) + 0.5}),
        "pareto": (D.Pareto, {"scale": t(1.0, 2.0, 0.5), "alpha": r(3) + 0.5}, {"scale": t(0.5, 1.0, 0.7), "alpha": r(3) + 0.5}),
        "lognormal": (D.LogNormal, {"loc": n(3), "scale": r(3) + 0.5}, {"loc": n(3), "scale": r(3) + 0.5}),
        "halfnormal": (D.HalfNormal, {"scale": r(3) + 0.5}, {"scale": r(3) + 0.5}),
        "chi2": (D.Chi2, {"df": r(3) * 5 + 0.5}, {"df": r(3) * 5 + 0.5}),
    }
    for name, (cls, pp, qp) in kl_cases.items():
        pp = {k: v.clone().requires_grad_() for k, v in pp.items()}
        qp = {k: v.clone().requires_grad_() for k, v in qp.items()}
        for k, v in pp.items():
            out[f"kl_{name}_p_{k}"] = v
        for k, v in qp.items():
            out[f"kl_{name}_q_{k}"] = v
        kl = kl_divergence(cls(**pp), cls(**qp))
        out[f"kl_{name}"] = kl
        leaves = list(pp.values()) + list(qp.values())
        names = [f"p_{k}" for k in pp] + [f"q_{k}" for k in qp]
        for k, gr in zip(names, torch.autograd.grad(kl.sum(), leaves, allow_unused=True)):
            if gr is not None:
                out[f"kl_{name}_grad_{k}"] = gr

    # Transforms on their own: forward, inverse and log|det J| (with gradients through x).
    x = torch.randn(3, 4, generator=g, dtype=f64)
    out["tr_x"] = x
    tr = {
        "exp": D.ExpTransform(), "affine": D.AffineTransform(0.5, -2.0), "sigmoid": D.SigmoidTransform(),
        "tanh": D.TanhTransform(), "stickbreaking": D.StickBreakingTransform(),
        "compose": D.ComposeTransform([D.AffineTransform(0.3, 1.5), D.ExpTransform().inv.inv, D.PowerTransform(torch.tensor(0.5, dtype=f64))]),
    }
    for name, tf in tr.items():
        xx = x.clone().requires_grad_()
        y = tf(xx)
        out[f"tr_{name}_y"] = y
        out[f"tr_{name}_inv"] = tf.inv(y.detach())
        ladj = tf.log_abs_det_jacobian(xx, y)
        out[f"tr_{name}_ladj"] = ladj
        out[f"tr_{name}_ladj_grad"] = torch.autograd.grad(ladj.sum(), xx)[0] if ladj.requires_grad else torch.zeros_like(x)
    out["tr_softmax_y"] = D.SoftmaxTransform()(x)
    save("distributions_more.json", out)


if __name__ == "__main__":
    main()
