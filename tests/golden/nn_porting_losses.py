"""Golden values and gradients of the losses and distances added for porting (issue 15 item 4),
read by tests/Ember.Tests/NN/PortingLossTests.cs.

Every case runs in float64 and float32 on the same values (drawn in float64, then converted) and
under each reduction it accepts. Names are "<case>.<f64|f32>.<tensor>":
  - the inputs, by the name the test passes them under ("input", "input1", "target", "var", ...);
  - per reduction R: "R.value", and "R.grad.<name>" for every floating input that gets a gradient;
    for "none" (and the reductionless distances, tagged "none") the backward pass is seeded with
    "gout" (stored), for the others with 1.
Options are fixed per case; the test file repeats them next to the case name. Values avoid the
kinks of the hinges (no ties), where the one-sided gradients would depend on the convention.
"""
import os

import torch
import torch.nn.functional as F

from golden_io import save

out = {}
REDUCTIONS = ("none", "mean", "sum")


def run(case, tag, fn, inputs, grads, reductions, gen):
    """fn(tensors by name, reduction) -> loss; grads: the names differentiated."""
    for k, v in inputs.items():
        out[f"{case}.{tag}.{k}"] = v
    for red in reductions:
        leaves = {k: (v.clone().requires_grad_() if k in grads else v) for k, v in inputs.items()}
        loss = fn(leaves, red)
        ws = [leaves[k] for k in grads]
        if red == "none":
            gout = torch.randn(loss.shape, generator=gen, dtype=torch.float64).to(loss.dtype)
            out[f"{case}.{tag}.gout"] = gout
            gs = torch.autograd.grad(loss, ws, gout)
        else:
            gs = torch.autograd.grad(loss, ws)
        out[f"{case}.{tag}.{red}.value"] = loss.detach()
        for k, g in zip(grads, gs):
            out[f"{case}.{tag}.{red}.grad.{k}"] = g


for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(4321)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    def ru(lo, hi, *s):
        return (torch.rand(*s, generator=gen, dtype=torch.float64) * (hi - lo) + lo).to(dt)

    def sign(*s):
        return (torch.randint(0, 2, s, generator=gen) * 2 - 1).to(dt)

    def R(case, fn, inputs, grads, reductions=REDUCTIONS):
        run(case, tag, fn, inputs, grads, reductions, gen)

    # ---- ranking and embedding losses
    a, b, y = rn(6), rn(6), sign(6)
    R("margin_ranking", lambda t, r: F.margin_ranking_loss(t["input1"], t["input2"], t["target"], reduction=r),
      dict(input1=a, input2=b, target=y), ["input1", "input2"])
    R("margin_ranking_m05", lambda t, r: F.margin_ranking_loss(t["input1"], t["input2"], t["target"], margin=0.5, reduction=r),
      dict(input1=rn(3, 4), input2=rn(1, 4), target=sign(3, 1)), ["input1", "input2"])
    d = ru(0.05, 2.0, 3, 4)
    yh = sign(3, 4)
    R("hinge", lambda t, r: F.hinge_embedding_loss(t["input"], t["target"], reduction=r), dict(input=d, target=yh), ["input"])
    R("hinge_m2", lambda t, r: F.hinge_embedding_loss(t["input"], t["target"], margin=2.3, reduction=r), dict(input=d, target=yh), ["input"])
    R("soft_margin", lambda t, r: F.soft_margin_loss(t["input"], t["target"], reduction=r), dict(input=rn(3, 4) * 2, target=sign(3, 4)), ["input"])
    R("cosine_emb", lambda t, r: F.cosine_embedding_loss(t["input1"], t["input2"], t["target"], reduction=r),
      dict(input1=rn(5, 3), input2=rn(5, 3), target=sign(5)), ["input1", "input2"])
    R("cosine_emb_m", lambda t, r: F.cosine_embedding_loss(t["input1"], t["input2"], t["target"], margin=-0.4, reduction=r),
      dict(input1=rn(5, 3), input2=rn(5, 3), target=sign(5)), ["input1", "input2"])
    R("cosine_emb_1d", lambda t, r: F.cosine_embedding_loss(t["input1"], t["input2"], t["target"], reduction=r),
      dict(input1=rn(4), input2=rn(4), target=torch.tensor(-1.0, dtype=dt)), ["input1", "input2"])
    A, P, N = rn(4, 5), rn(4, 5), rn(4, 5)
    R("triplet", lambda t, r: F.triplet_margin_loss(t["anchor"], t["positive"], t["negative"], margin=2.0, reduction=r),
      dict(anchor=A, positive=P, negative=N), ["anchor", "positive", "negative"])
    R("triplet_p1_swap", lambda t, r: F.triplet_margin_loss(t["anchor"], t["positive"], t["negative"], margin=3.0, p=1, swap=True, reduction=r),
      dict(anchor=A, positive=P, negative=N), ["anchor", "positive", "negative"])
    R("triplet_p3_eps", lambda t, r: F.triplet_margin_loss(t["anchor"], t["positive"], t["negative"], margin=1.5, p=3, eps=1e-3, reduction=r),
      dict(anchor=A, positive=P, negative=N), ["anchor", "positive", "negative"])

    # ---- multi-class and multi-label
    z = rn(4, 5)
    ml = (torch.rand(4, 5, generator=gen, dtype=torch.float64) > 0.5).to(dt)
    w5 = ru(0.2, 2.0, 5)
    R("multilabel_soft", lambda t, r: F.multilabel_soft_margin_loss(t["input"], t["target"], reduction=r), dict(input=z, target=ml), ["input"])
    R("multilabel_soft_w", lambda t, r: F.multilabel_soft_margin_loss(t["input"], t["target"], weight=t["weight"], reduction=r),
      dict(input=z, target=ml, weight=w5), ["input"])
    tm = torch.tensor([[3, 0, -1, 1, 2], [1, 4, 2, 0, 3], [-1, 2, 2, 2, 2], [4, -1, 0, 0, 0]])
    R("multilabel_margin", lambda t, r: F.multilabel_margin_loss(t["input"], t["target"], reduction=r), dict(input=z, target=tm), ["input"])
    R("multilabel_margin_1d", lambda t, r: F.multilabel_margin_loss(t["input"], t["target"], reduction=r),
      dict(input=rn(5), target=torch.tensor([2, 4, -1, 0, 1])), ["input"])
    tc = torch.tensor([1, 4, 0, 2])
    R("multi_margin", lambda t, r: F.multi_margin_loss(t["input"], t["target"], reduction=r), dict(input=z, target=tc), ["input"])
    R("multi_margin_p2_w", lambda t, r: F.multi_margin_loss(t["input"], t["target"], p=2, margin=0.7, weight=t["weight"], reduction=r),
      dict(input=z, target=tc, weight=w5), ["input"])
    R("multi_margin_1d", lambda t, r: F.multi_margin_loss(t["input"], t["target"], margin=2.0, reduction=r),
      dict(input=rn(5), target=torch.tensor(3)), ["input"])

    # ---- likelihoods
    lr = rn(3, 4)
    cnt = torch.poisson(torch.full((3, 4), 2.0, dtype=torch.float64), generator=gen).to(dt)
    rate = ru(0.1, 3.0, 3, 4)
    R("poisson", lambda t, r: F.poisson_nll_loss(t["input"], t["target"], reduction=r), dict(input=lr, target=cnt), ["input"])
    R("poisson_full", lambda t, r: F.poisson_nll_loss(t["input"], t["target"], full=True, reduction=r), dict(input=lr, target=cnt), ["input", "target"])
    R("poisson_rate_full", lambda t, r: F.poisson_nll_loss(t["input"], t["target"], log_input=False, full=True, eps=1e-4, reduction=r),
      dict(input=rate, target=cnt), ["input"])
    mu, tg = rn(3, 4), rn(3, 4)
    v = ru(0.2, 2.0, 3, 4)
    v[0, 0] = 1e-7  # below eps: clamped for the value, gradient as if unclamped
    R("gaussian", lambda t, r: F.gaussian_nll_loss(t["input"], t["target"], t["var"], reduction=r),
      dict(input=mu, target=tg, var=v), ["input", "target", "var"])
    R("gaussian_full_row", lambda t, r: F.gaussian_nll_loss(t["input"], t["target"], t["var"], full=True, eps=1e-3, reduction=r),
      dict(input=mu, target=tg, var=ru(0.2, 2.0, 3)), ["input", "var"])
    R("gaussian_row1", lambda t, r: F.gaussian_nll_loss(t["input"], t["target"], t["var"], reduction=r),
      dict(input=mu, target=tg, var=ru(0.2, 2.0, 3, 1)), ["input", "var"])

    # ---- distances (no reduction: tagged "none")
    def D(case, fn, inputs, grads):
        run(case, tag, lambda t, r: fn(t), inputs, grads, ("none",), gen)

    x1, x2 = rn(3, 4), rn(3, 4)
    D("cos_sim", lambda t: F.cosine_similarity(t["x1"], t["x2"]), dict(x1=x1, x2=x2), ["x1", "x2"])
    D("cos_sim_dim0_bcast", lambda t: F.cosine_similarity(t["x1"], t["x2"], dim=0), dict(x1=rn(4, 3), x2=rn(4, 1)), ["x1", "x2"])
    small = rn(2, 3) * 1e-6
    D("cos_sim_eps", lambda t: F.cosine_similarity(t["x1"], t["x2"], dim=-1, eps=1e-3), dict(x1=small, x2=rn(2, 3)), ["x1", "x2"])
    D("pdist", lambda t: F.pairwise_distance(t["x1"], t["x2"]), dict(x1=x1, x2=x2), ["x1", "x2"])
    D("pdist_p1_keep", lambda t: F.pairwise_distance(t["x1"], t["x2"], p=1, keepdim=True), dict(x1=x1, x2=rn(4)), ["x1", "x2"])
    D("pdist_inf", lambda t: F.pairwise_distance(t["x1"], t["x2"], p=float("inf"), eps=1e-2), dict(x1=x1, x2=x2), ["x1", "x2"])
    D("pdist_p3", lambda t: F.pairwise_distance(t["x1"], t["x2"], p=3), dict(x1=rn(2, 3, 4), x2=rn(2, 3, 4)), ["x1", "x2"])
    D("logsigmoid", lambda t: F.logsigmoid(t["input"]), dict(input=torch.cat([rn(5) * 3, torch.tensor([0.0, 40.0, -40.0], dtype=dt)])), ["input"])

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_porting_losses.json"), out)
print(len(out), "tensors")
