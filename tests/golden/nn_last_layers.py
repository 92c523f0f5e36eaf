"""Golden values for the last torch.nn layers Ember lacked (issue 15 item 4), read by
tests/Ember.Tests/NN/LastLayersTests.cs: FractionalMaxPool2d/3d, CrossMapLRN2d, NLLLoss2d.

fmp.<case>.{x,samples,out,indices,gout,grad}: F.fractional_max_pool{2,3}d with the stored samples
(or, for "seeded" cases, none: torch.manual_seed(meta seed) right before the call, so PyTorch draws
torch.rand(N, C, 2|3) in the input's dtype). meta["fmp"][case] = {dims, kernel, output_size | output_ratio, seed}.
lrn.<case>.{x,out,gout,grad}: nn.CrossMapLRN2d(size, alpha, beta, k), PyTorch's own backward
(which is not the derivative of its forward for C > 1; see the C# doc). meta["lrn"][case] = [size, alpha, beta, k].
nll2d.{x,target,weight,out,grad}: nn.NLLLoss2d(weight) on [N, C, H, W] log-probabilities.
meta["repr"]: printed modules; meta["warnings"]: NLLLoss2d's deprecation text.
"""
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import save

out = {}
meta = {"fmp": {}, "lrn": {}, "repr": {}, "warnings": {}}
gen = torch.Generator().manual_seed(7)


def fmp(case, dims, x, kernel, output_size=None, output_ratio=None, samples=None, seed=None):
    x = x.clone().requires_grad_()
    f = F.fractional_max_pool2d if dims == 2 else F.fractional_max_pool3d
    if seed is not None:
        torch.manual_seed(seed)
    y, ind = f(x, kernel, output_size=output_size, output_ratio=output_ratio, return_indices=True, _random_samples=samples)
    gout = torch.rand(y.shape, generator=gen, dtype=torch.float64).to(x.dtype)
    g, = torch.autograd.grad(y, [x], gout)
    p = "fmp." + case + "."
    out[p + "x"] = x
    if samples is not None:
        out[p + "samples"] = samples
    out[p + "out"] = y
    out[p + "indices"] = ind
    out[p + "gout"] = gout
    out[p + "grad"] = g
    meta["fmp"][case] = {"dims": dims, "kernel": kernel, "output_size": output_size, "output_ratio": output_ratio, "seed": seed}


def rnd(*s, dtype=torch.float64):
    return torch.randn(*s, generator=gen, dtype=torch.float64).to(dtype)


def rs(*s, dtype=torch.float64):
    return torch.rand(*s, generator=gen, dtype=torch.float64).to(dtype)


fmp("size_f64", 2, rnd(2, 3, 7, 8), [2, 2], output_size=[3, 4], samples=rs(2, 3, 2))
fmp("ratio_f32", 2, rnd(1, 2, 9, 10, dtype=torch.float32), [3, 2], output_ratio=[0.5, 0.5], samples=rs(1, 2, 2, dtype=torch.float32))
fmp("overlap_f64", 2, rnd(1, 2, 6, 6), [3, 3], output_size=[4, 3], samples=rs(1, 2, 2))
fmp("out1_f64", 2, rnd(1, 1, 5, 4), [2, 2], output_size=[1, 2], samples=rs(1, 1, 2))
fmp("ties_f64", 2, torch.randint(0, 3, (1, 2, 6, 6), generator=gen).double(), [2, 2], output_size=[3, 3], samples=rs(1, 2, 2))
fmp("seeded_unbatched_f32", 2, rnd(3, 8, 8, dtype=torch.float32), [2, 2], output_size=[4, 4], seed=0)
fmp("seeded_f64", 2, rnd(2, 2, 9, 7), [2, 3], output_ratio=[0.6, 0.5], seed=3)
fmp("three_f64", 3, rnd(1, 2, 5, 6, 7), [2, 2, 2], output_size=[2, 3, 4], samples=rs(1, 2, 3))
fmp("three_seeded_f32", 3, rnd(2, 2, 6, 6, 7, dtype=torch.float32), [2, 2, 3], output_ratio=[0.5, 0.6, 0.7], seed=1)
fmp("three_unbatched_f64", 3, rnd(2, 5, 5, 5), [3, 2, 2], output_size=[2, 2, 2], samples=rs(1, 2, 3))


def lrn(case, x, size, alpha, beta, k):
    x = x.clone().requires_grad_()
    y = nn.CrossMapLRN2d(size, alpha, beta, k)(x)
    gout = torch.rand(y.shape, generator=gen, dtype=torch.float64).to(x.dtype)
    p = "lrn." + case + "."
    out[p + "x"] = x
    out[p + "out"] = y
    if size >= 2:
        g, = torch.autograd.grad(y, [x], gout)
        out[p + "gout"] = gout
        out[p + "grad"] = g
    meta["lrn"][case] = [size, alpha, beta, k]


for size in (1, 2, 3, 4, 5, 7):
    for c in (1, 3, 6):
        lrn(f"s{size}_c{c}", rnd(2, c, 3, 2), size, 0.5, 0.75, 1.0)
lrn("f32", rnd(2, 5, 4, 3, dtype=torch.float32), 3, 1e-2, 0.6, 2.0)

with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    loss = nn.NLLLoss2d(weight=rs(3) + 0.5)
    meta["warnings"]["nll2d"] = [str(x.message) for x in w]
x = rnd(2, 3, 4, 5).log_softmax(1).requires_grad_()
t = torch.randint(0, 3, (2, 4, 5), generator=gen)
v = loss(x, t)
out["nll2d.x"] = x
out["nll2d.target"] = t
out["nll2d.weight"] = loss.weight
out["nll2d.out"] = v
out["nll2d.grad"], = torch.autograd.grad(v, [x])

meta["repr"] = {
    "nll2d": repr(loss),
    "lrn_default": repr(nn.CrossMapLRN2d(5)),
    "lrn_args": repr(nn.CrossMapLRN2d(3, 2e-4, 0.5, 2.5)),
    "fmp2": repr(nn.FractionalMaxPool2d(3, output_ratio=0.5)),
    "fmp3": repr(nn.FractionalMaxPool3d(2, output_size=3)),
}

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_last_layers.json"), out, meta)
