"""Golden outputs and input gradients of the layers added for porting (issue 15 item 4), read by
tests/Ember.Tests/NN/PortingLayerTests.cs, and their printed text (in "meta").

Names are "<case>.<f64|f32>.<tensor>": "input", "output", "gout" (the seed of the backward pass,
drawn per case) and "grad" (the input's gradient). The test file repeats each case's options.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import save

out = {}
texts = {}

for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(2468)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    def C(case, fn, x):
        xi = x.clone().requires_grad_()
        y = fn(xi)
        gout = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dt)
        (g,) = torch.autograd.grad(y, [xi], gout)
        out[f"{case}.{tag}.input"] = x
        out[f"{case}.{tag}.output"] = y.detach()
        out[f"{case}.{tag}.gout"] = gout
        out[f"{case}.{tag}.grad"] = g

    x3, x4 = rn(2, 3, 5), rn(2, 3, 4, 5)
    C("zeropad2d", nn.ZeroPad2d((1, 2, 0, 3)), x4)
    C("constpad1d", nn.ConstantPad1d(2, 3.5), x3)
    C("constpad2d_crop", nn.ConstantPad2d((-1, 2, 1, -2), -1.25), x4)
    C("constpad3d", nn.ConstantPad3d(1, 0.5), x4)
    C("reflpad1d", nn.ReflectionPad1d((3, 1)), x3)
    C("reflpad2d", nn.ReflectionPad2d((1, 2, 3, 0)), x4)
    C("reflpad2d_3d", nn.ReflectionPad2d(2), rn(3, 4, 5))
    C("replpad1d", nn.ReplicationPad1d((2, 4)), x3)
    C("replpad2d", nn.ReplicationPad2d((3, 0, 1, 2)), x4)
    C("pixel_shuffle", nn.PixelShuffle(2), rn(2, 8, 3, 2))
    C("pixel_shuffle_batch2", nn.PixelShuffle(3), rn(2, 1, 9, 2, 2))
    C("pixel_unshuffle", nn.PixelUnshuffle(2), rn(2, 2, 4, 6))
    C("pixel_unshuffle_3d", nn.PixelUnshuffle(3), rn(1, 3, 6))
    C("softmax2d", nn.Softmax2d(), x4)
    C("softmax2d_3d", nn.Softmax2d(), rn(3, 4, 5))
    C("lrn", nn.LocalResponseNorm(3), rn(2, 6, 4, 3) * 4)
    C("lrn_3d_even", nn.LocalResponseNorm(4, alpha=0.5, beta=0.6, k=2.0), rn(2, 5, 7) * 2)
    C("lrn_5d", nn.LocalResponseNorm(2, alpha=0.1), rn(1, 4, 2, 3, 2))
    C("logsigmoid", nn.LogSigmoid(), rn(3, 4) * 5)

    # ---- instance norm: "weight"/"bias" are loaded into the module; with running statistics,
    # "running_mean"/"running_var" after the training call, then "eval_output" of "eval_input".
    def I(case, m, x, affine=False, track=False):
        m = m.to(dt)
        if affine:
            with torch.no_grad():
                m.weight.copy_(rn(m.num_features))
                m.bias.copy_(rn(m.num_features))
            out[f"{case}.{tag}.weight"] = m.weight.detach().clone()
            out[f"{case}.{tag}.bias"] = m.bias.detach().clone()
        C(case, m, x)
        if track:
            out[f"{case}.{tag}.running_mean"] = m.running_mean.clone()
            out[f"{case}.{tag}.running_var"] = m.running_var.clone()
            m.eval()
            xe = rn(*x.shape)
            out[f"{case}.{tag}.eval_input"] = xe
            out[f"{case}.{tag}.eval_output"] = m(xe).detach()

    I("in1d", nn.InstanceNorm1d(3), rn(2, 3, 5))
    I("in1d_nobatch", nn.InstanceNorm1d(3), rn(3, 5))
    I("in2d_affine", nn.InstanceNorm2d(3, affine=True), rn(2, 3, 4, 3), affine=True)
    I("in2d_track", nn.InstanceNorm2d(3, momentum=0.3, track_running_stats=True), rn(2, 3, 3, 4) * 2 + 1, track=True)
    I("in3d_affine_track", nn.InstanceNorm3d(2, eps=1e-3, affine=True, track_running_stats=True), rn(2, 2, 3, 2, 2), affine=True, track=True)

mods = {
    "zeropad2d_1": nn.ZeroPad2d(1), "zeropad2d": nn.ZeroPad2d((1, 2, 0, 3)),
    "constpad1d": nn.ConstantPad1d(2, 3.5), "constpad2d": nn.ConstantPad2d((1, 0, 2, 1), 0),
    "constpad3d": nn.ConstantPad3d(1, -1),
    "reflpad1d": nn.ReflectionPad1d(2), "reflpad2d": nn.ReflectionPad2d((1, 0, 2, 1)),
    "replpad1d": nn.ReplicationPad1d((3, 1)), "replpad2d": nn.ReplicationPad2d(1),
    "pixel_shuffle": nn.PixelShuffle(2), "pixel_unshuffle": nn.PixelUnshuffle(3),
    "softmax2d": nn.Softmax2d(), "lrn": nn.LocalResponseNorm(2), "lrn_opts": nn.LocalResponseNorm(5, 0.001, 0.5, 2.0),
    "logsigmoid": nn.LogSigmoid(),
    "in1d": nn.InstanceNorm1d(3), "in2d": nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
    "in3d": nn.InstanceNorm3d(4, eps=1e-3, momentum=0.5),
}
texts = {k: repr(m) for k, m in mods.items()}
save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_porting_layers.json"), out, meta={"texts": texts})
print(len(out), "tensors;", texts)
