"""Golden values and input gradients of the losses (tests/Ember.Tests/NN/NNLossTests.cs).

Every case runs in float64 and float32 on the same values (drawn in float64, then converted) and
under every reduction it accepts. Names are "<case>.<f64|f32>.<tensor>":
  - the inputs ("input", "target", and where used "weight", "pos_weight"),
  - per reduction R in none/mean/sum (and batchmean for KL-div): "R.value" and "R.grad", the
    gradient of the input; for "none" the backward pass is seeded with "gout" (stored), for the
    others with 1.
Options (beta, delta, ignore_index, label_smoothing, log_target) are fixed per case; the test file
repeats them next to the case name.
"""
import torch
import torch.nn.functional as F

from golden_io import save

out = {}
REDUCTIONS = ("none", "mean", "sum")


def run(case, tag, fn, inputs, reductions=REDUCTIONS, gen=None):
    """inputs: dict of named tensors; "input" is the one whose gradient is stored."""
    for k, v in inputs.items():
        out[f"{case}.{tag}.{k}"] = v
    for red in reductions:
        x = inputs["input"].clone().requires_grad_()
        loss = fn(x, red)
        if red == "none":
            gout = torch.randn(loss.shape, generator=gen, dtype=torch.float64).to(loss.dtype)
            out[f"{case}.{tag}.gout"] = gout
            (g,) = torch.autograd.grad(loss, [x], gout)
        else:
            (g,) = torch.autograd.grad(loss, [x])
        out[f"{case}.{tag}.{red}.value"] = loss.detach()
        out[f"{case}.{tag}.{red}.grad"] = g


for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(1234)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    def ru(lo, hi, *s):
        return (torch.rand(*s, generator=gen, dtype=torch.float64) * (hi - lo) + lo).to(dt)

    def ri(hi, *s):
        return torch.randint(0, hi, s, generator=gen)

    def R(case, fn, inputs, reductions=REDUCTIONS):
        run(case, tag, fn, inputs, reductions, gen)

    # ---- regression losses
    x, y = rn(3, 4), rn(3, 4)
    y[0, 0] = x[0, 0]  # a tie: L1's gradient there is 0
    R("mse", lambda a, r: F.mse_loss(a, y, reduction=r), dict(input=x, target=y))
    yb = rn(4)
    R("mse_bcast", lambda a, r: F.mse_loss(a, yb.expand(3, 4), reduction=r), dict(input=x, target=yb))
    R("l1", lambda a, r: F.l1_loss(a, y, reduction=r), dict(input=x, target=y))
    xs = rn(3, 4) * 2
    ys = rn(3, 4)
    ys[1, 1] = xs[1, 1] - 0.5  # exactly at beta = 0.5 and delta = 0.5
    for name, beta in (("smooth_l1", 1.0), ("smooth_l1_b05", 0.5), ("smooth_l1_b0", 0.0)):
        R(name, lambda a, r, b=beta: F.smooth_l1_loss(a, ys, reduction=r, beta=b), dict(input=xs, target=ys))
    for name, delta in (("huber", 1.0), ("huber_d05", 0.5), ("huber_d2", 2.0)):
        R(name, lambda a, r, d=delta: F.huber_loss(a, ys, reduction=r, delta=d), dict(input=xs, target=ys))

    # ---- NLL (inputs are log-probabilities, as from log_softmax)
    lp = torch.log_softmax(rn(5, 4), 1)
    t = torch.tensor([0, 3, 1, 3, 2])
    w = ru(0.2, 2.0, 4)
    R("nll", lambda a, r: F.nll_loss(a, t, reduction=r), dict(input=lp, target=t))
    R("nll_w", lambda a, r: F.nll_loss(a, t, weight=w, reduction=r), dict(input=lp, target=t, weight=w))
    ti = torch.tensor([0, -100, 1, 3, -100])
    R("nll_ign", lambda a, r: F.nll_loss(a, ti, reduction=r), dict(input=lp, target=ti))
    tc = torch.tensor([0, 2, 1, 3, 2])  # ignore_index=2, a valid class
    R("nll_w_ign2", lambda a, r: F.nll_loss(a, tc, weight=w, ignore_index=2, reduction=r), dict(input=lp, target=tc, weight=w))
    lp1 = torch.log_softmax(rn(4), 0)
    t1 = torch.tensor(2)
    R("nll_1d", lambda a, r: F.nll_loss(a, t1, weight=w, reduction=r), dict(input=lp1, target=t1, weight=w))
    lpd = torch.log_softmax(rn(2, 4, 3, 2), 1)
    td = ri(4, 2, 3, 2)
    td[0, 1, 1] = -100
    R("nll_nd", lambda a, r: F.nll_loss(a, td, weight=w, reduction=r), dict(input=lpd, target=td, weight=w))
    tall = torch.tensor([-100, -100, -100, -100, -100])
    R("nll_all_ign", lambda a, r: F.nll_loss(a, tall, reduction=r), dict(input=lp, target=tall))

    # ---- cross-entropy, class indices
    z = rn(5, 4) * 2
    R("ce", lambda a, r: F.cross_entropy(a, t, reduction=r), dict(input=z, target=t))
    R("ce_w", lambda a, r: F.cross_entropy(a, t, weight=w, reduction=r), dict(input=z, target=t, weight=w))
    R("ce_ign", lambda a, r: F.cross_entropy(a, ti, reduction=r), dict(input=z, target=ti))
    R("ce_ls", lambda a, r: F.cross_entropy(a, t, label_smoothing=0.1, reduction=r), dict(input=z, target=t))
    R("ce_w_ign_ls", lambda a, r: F.cross_entropy(a, ti, weight=w, label_smoothing=0.25, reduction=r), dict(input=z, target=ti, weight=w))
    R("ce_ls_ign2", lambda a, r: F.cross_entropy(a, tc, ignore_index=2, label_smoothing=0.3, reduction=r), dict(input=z, target=tc))
    z1 = rn(4)
    R("ce_1d", lambda a, r: F.cross_entropy(a, t1, label_smoothing=0.2, reduction=r), dict(input=z1, target=t1))
    zd = rn(2, 4, 3, 2)
    R("ce_nd", lambda a, r: F.cross_entropy(a, td, reduction=r), dict(input=zd, target=td))
    R("ce_nd_w_ls", lambda a, r: F.cross_entropy(a, td, weight=w, label_smoothing=0.15, reduction=r), dict(input=zd, target=td, weight=w))

    # ---- cross-entropy, class probabilities
    p = torch.softmax(rn(5, 4), 1)
    R("cep", lambda a, r: F.cross_entropy(a, p, reduction=r), dict(input=z, target=p))
    R("cep_w", lambda a, r: F.cross_entropy(a, p, weight=w, reduction=r), dict(input=z, target=p, weight=w))
    R("cep_w_ls", lambda a, r: F.cross_entropy(a, p, weight=w, label_smoothing=0.2, reduction=r), dict(input=z, target=p, weight=w))
    p1 = torch.softmax(rn(4), 0)
    R("cep_1d", lambda a, r: F.cross_entropy(a, p1, reduction=r), dict(input=z1, target=p1))
    pd = torch.softmax(rn(2, 4, 3, 2), 1)
    R("cep_nd", lambda a, r: F.cross_entropy(a, pd, weight=w, reduction=r), dict(input=zd, target=pd, weight=w))

    # ---- binary cross-entropy (probabilities; exact 0 and 1 hit the -100 clamp)
    q = ru(0.02, 0.98, 3, 4)
    q[0, 0], q[0, 1], q[0, 2], q[0, 3] = 0.0, 1.0, 0.0, 1.0
    u = ru(0, 1, 3, 4)
    u[0, 0], u[0, 1], u[0, 2], u[0, 3] = 1.0, 0.0, 0.0, 1.0
    w4 = ru(0.2, 2.0, 4)
    R("bce", lambda a, r: F.binary_cross_entropy(a, u, reduction=r), dict(input=q, target=u))
    R("bce_w", lambda a, r: F.binary_cross_entropy(a, u, weight=w4, reduction=r), dict(input=q, target=u, weight=w4))

    # ---- binary cross-entropy with logits (wide range, for the stable formula)
    s = rn(3, 4) * 3
    s[0, 0], s[0, 1], s[0, 2], s[0, 3] = 40.0, -40.0, 0.0, -120.0
    pw = ru(0.5, 3.0, 4)
    R("bcel", lambda a, r: F.binary_cross_entropy_with_logits(a, u, reduction=r), dict(input=s, target=u))
    R("bcel_w", lambda a, r: F.binary_cross_entropy_with_logits(a, u, weight=w4, reduction=r), dict(input=s, target=u, weight=w4))
    R("bcel_pw", lambda a, r: F.binary_cross_entropy_with_logits(a, u, pos_weight=pw, reduction=r), dict(input=s, target=u, pos_weight=pw))
    R("bcel_w_pw", lambda a, r: F.binary_cross_entropy_with_logits(a, u, weight=w4, pos_weight=pw, reduction=r), dict(input=s, target=u, weight=w4, pos_weight=pw))

    # ---- KL divergence (input log-probabilities; target probabilities with a zero, or log-probabilities)
    kin = torch.log_softmax(rn(3, 4), 1)
    kt = torch.softmax(rn(3, 4), 1)
    kt[1, 2] = 0.0
    KR = REDUCTIONS + ("batchmean",)
    R("kl", lambda a, r: F.kl_div(a, kt, reduction=r), dict(input=kin, target=kt), KR)
    klt = torch.log_softmax(rn(3, 4), 1)
    R("kl_log", lambda a, r: F.kl_div(a, klt, reduction=r, log_target=True), dict(input=kin, target=klt), KR)

save(__file__.replace(".py", ".json"), out)
