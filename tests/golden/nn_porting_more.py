"""Golden values and gradients of the activations, dropouts, shuffles, upsamplers and the triplet loss
with a distance function added for porting (issue 15 item 4), read by
tests/Ember.Tests/NN/PortingMoreTests.cs.

Deterministic cases run in float64 and float32 on the same values; names are "<case>.<f64|f32>.<tensor>":
"input" (or "anchor", "positive", "negative"), "gout" (the seed of the backward pass for unreduced
outputs), and per reduction R ("none" for the layers): "R.value", "R.grad.<input>". Inputs hit the kinks
on purpose (±lambd, ±3, the threshold, 0) where PyTorch's gradient convention matters.

Random cases ("rand.<case>.<tag>.*") seed the default generator with torch.manual_seed(seed) (the seed
is in meta) and record the output and the input gradient for the stored gout: the test seeds Ember's
generator alike and expects the same numbers bit for bit (float32 rounding aside).
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import save

out = {}
meta = {"seeds": {}, "repr": {}}


def run(case, tag, fn, inputs, grads, reductions, gen):
    for k, v in inputs.items():
        out[f"{case}.{tag}.{k}"] = v
    for red in reductions:
        leaves = {k: (v.clone().requires_grad_() if k in grads else v) for k, v in inputs.items()}
        y = fn(leaves, red)
        if red == "none":
            gout = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(y.dtype)
            out[f"{case}.{tag}.gout"] = gout
        else:
            gout = torch.ones_like(y)
        gs = torch.autograd.grad(y, [leaves[k] for k in grads], gout) if grads else []
        out[f"{case}.{tag}.{red}.value"] = y.detach()
        for k, g in zip(grads, gs):
            out[f"{case}.{tag}.{red}.grad.{k}"] = g


for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(777)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    def A(case, fn, x, grads=("input",)):
        run(case, tag, lambda t, r: fn(t["input"]), dict(input=x), list(grads), ("none",), gen)

    kinks = torch.tensor([-3.0, -1.0, -0.5, -0.3, 0.0, 0.1, 0.3, 0.5, 1.0, 3.0], dtype=torch.float64).to(dt)
    x = torch.cat([kinks, rn(14) * 2]).reshape(4, 6)
    A("celu", F.celu, x)
    A("celu_a2", lambda t: F.celu(t, alpha=2.0), x)
    A("glu", F.glu, x)
    A("glu_dim0", lambda t: F.glu(t, dim=0), x)
    A("hardshrink", F.hardshrink, x)
    A("hardshrink_1", lambda t: F.hardshrink(t, 1.0), x)
    A("hardsigmoid", F.hardsigmoid, x)
    A("softshrink", F.softshrink, x)
    A("softshrink_03", lambda t: F.softshrink(t, 0.3), x)
    A("softsign", F.softsign, x)
    A("tanhshrink", F.tanhshrink, x)
    A("threshold", lambda t: F.threshold(t, 0.1, 20.0), x)
    A("softmin", lambda t: F.softmin(t, dim=1), x)
    A("softmin_dim0", lambda t: F.softmin(t, dim=0), x)
    A("rrelu_eval", lambda t: F.rrelu(t, 0.1, 0.3, training=False), x)
    A("channel_shuffle", lambda t: F.channel_shuffle(t, 3), rn(2, 6, 2, 2), grads=())  # 1.13 has no derivative for it
    A("upsample_nearest2d", lambda t: nn.UpsamplingNearest2d(scale_factor=2)(t), rn(1, 2, 3, 3))
    A("upsample_bilinear2d", lambda t: nn.UpsamplingBilinear2d(size=(5, 7))(t), rn(1, 2, 3, 4))
    A("upsample_bilinear2d_scale", lambda t: nn.UpsamplingBilinear2d(scale_factor=2)(t), rn(2, 1, 3, 3))

    a, p, n = rn(5, 4), rn(5, 4), rn(5, 4)
    trip = dict(anchor=a, positive=p, negative=n)
    names = ["anchor", "positive", "negative"]
    run("triplet_dist", tag, lambda t, r: F.triplet_margin_with_distance_loss(t["anchor"], t["positive"], t["negative"], reduction=r),
        trip, names, ("none", "mean", "sum"), gen)
    cos = lambda u, v: 1.0 - F.cosine_similarity(u, v)
    run("triplet_dist_cos_swap", tag, lambda t, r: F.triplet_margin_with_distance_loss(
        t["anchor"], t["positive"], t["negative"], distance_function=cos, margin=0.5, swap=True, reduction=r),
        trip, names, ("none", "mean", "sum"), gen)

    # ---- random layers: the default generator, seeded.
    def Rnd(case, seed, fn, x):
        meta["seeds"][case] = seed
        leaf = x.clone().requires_grad_()
        torch.manual_seed(seed)
        y = fn(leaf)
        gout = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dt)
        g, = torch.autograd.grad(y, [leaf], gout)
        p = f"rand.{case}.{tag}."
        out[p + "input"] = x
        out[p + "gout"] = gout
        out[p + "value"] = y.detach()
        out[p + "grad"] = g

    Rnd("rrelu", 11, lambda t: F.rrelu(t, 0.1, 0.3, training=True), rn(6, 7))
    Rnd("rrelu_default", 12, lambda t: nn.RReLU()(t), rn(3, 5, 4))
    Rnd("dropout1d", 13, lambda t: F.dropout1d(t, 0.4), rn(4, 8, 5))
    Rnd("dropout1d_unbatched", 14, lambda t: F.dropout1d(t, 0.5), rn(8, 5))
    Rnd("dropout3d", 15, lambda t: F.dropout3d(t, 0.3), rn(2, 6, 2, 3, 2))
    Rnd("dropout3d_unbatched", 16, lambda t: F.dropout3d(t, 0.6), rn(6, 2, 3, 2))
    Rnd("alpha_dropout", 17, lambda t: F.alpha_dropout(t, 0.2, training=True), rn(10, 12))
    Rnd("feature_alpha_dropout", 18, lambda t: F.feature_alpha_dropout(t, 0.5, training=True), rn(4, 6, 3))

meta["repr"] = {
    "CELU()": repr(nn.CELU()), "CELU(2.0, True)": repr(nn.CELU(2.0, True)), "GLU()": repr(nn.GLU()),
    "Hardshrink()": repr(nn.Hardshrink()), "Softshrink(0.3)": repr(nn.Softshrink(0.3)),
    "Hardsigmoid(True)": repr(nn.Hardsigmoid(True)), "Softsign()": repr(nn.Softsign()), "Tanhshrink()": repr(nn.Tanhshrink()),
    "Threshold(0.1, 20.5, True)": repr(nn.Threshold(0.1, 20.5, True)), "Softmin()": repr(nn.Softmin()), "Softmin(1)": repr(nn.Softmin(1)),
    "RReLU()": repr(nn.RReLU()), "RReLU(0.1, 0.3, True)": repr(nn.RReLU(0.1, 0.3, True)),
    "Dropout1d()": repr(nn.Dropout1d()), "Dropout3d(0.2)": repr(nn.Dropout3d(0.2)), "AlphaDropout()": repr(nn.AlphaDropout()),
    "FeatureAlphaDropout(0.3, True)": repr(nn.FeatureAlphaDropout(0.3, True)), "ChannelShuffle(2)": repr(nn.ChannelShuffle(2)),
    "UpsamplingNearest2d(scale_factor=2)": repr(nn.UpsamplingNearest2d(scale_factor=2)),
    "UpsamplingBilinear2d(size=(3, 4))": repr(nn.UpsamplingBilinear2d(size=(3, 4))),
    "TripletMarginWithDistanceLoss()": repr(nn.TripletMarginWithDistanceLoss()),
    "TripletMarginWithDistanceLoss(lambda)": repr(nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: (u - v).abs().sum(-1))),
    "TripletMarginWithDistanceLoss(CosineSimilarity())": repr(nn.TripletMarginWithDistanceLoss(distance_function=nn.CosineSimilarity())),
}

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_porting_more.json"), out, meta)
