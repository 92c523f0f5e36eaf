"""Golden values for the 3-D and block layers of issue 15 item 4 (tests/Ember.Tests/NN/Layers3dTests.cs):
Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, adaptive 1-D/3-D pools, MaxUnpool1d/3d, LPPool1d/2d,
BatchNorm3d, 3-D reflection/replication/circular padding, Fold and Unfold.

Names are "<case>.<f64|f32>.<tensor>": the inputs "x" (and "w", "b" for convolutions and batch norm),
"aux" (the indices an unpooling case takes), the output "y", the indices "idx" where the op returns
them, the backward seed "gy" and the gradients "gx", "gw", "gb" of sum(y * gy). Module cases
(names starting "mod_") load "w"/"b" into the module's parameters. Also the seeded initial weights of
the new convolution modules ("init_<i>_weight"/"_bias") and the modules' printed text (meta "texts").
The test file repeats each case's options.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import save

out = {}

for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(97531)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    def ties(*s):
        return torch.randint(0, 3, s, generator=gen).to(dt)

    def C(case, fn, x, w=None, b=None, aux=None):
        ts = {"x": x, "w": w, "b": b}
        leaves = {}
        for k, t in ts.items():
            if t is not None:
                out[f"{case}.{tag}.{k}"] = t.clone()
                leaves[k] = t.clone().requires_grad_()
        if aux is not None:
            out[f"{case}.{tag}.aux"] = aux
        y = fn(leaves["x"], leaves.get("w"), leaves.get("b"))
        if isinstance(y, tuple):
            y, idx = y
            out[f"{case}.{tag}.idx"] = idx
        gy = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dt)
        out[f"{case}.{tag}.y"] = y.detach()
        out[f"{case}.{tag}.gy"] = gy
        names = list(leaves)
        grads = torch.autograd.grad(y, [leaves[k] for k in names], gy)
        for k, g in zip(names, grads):
            out[f"{case}.{tag}.g{k}"] = g

    # ---- convolutions
    C("conv3d_basic", lambda x, w, b: F.conv3d(x, w, b), rn(2, 3, 5, 6, 5), rn(4, 3, 3, 3, 3), rn(4))
    C("conv3d_opts", lambda x, w, b: F.conv3d(x, w, b, stride=(2, 1, 2), padding=(1, 2, 0), dilation=(2, 1, 1), groups=2),
      rn(1, 4, 7, 6, 7), rn(6, 2, 2, 3, 2), rn(6))
    C("conv3d_same_even", lambda x, w, b: F.conv3d(x, w, b, padding="same", dilation=(1, 2, 1)), rn(1, 2, 5, 6, 4), rn(3, 2, 2, 3, 4), rn(3))
    C("conv3d_valid_unbatched", lambda x, w, b: F.conv3d(x, w, padding="valid"), rn(3, 4, 5, 4), rn(2, 3, 2, 2, 2))
    C("conv3d_pointwise", lambda x, w, b: F.conv3d(x, w, b, stride=2), rn(2, 4, 3, 4, 5), rn(5, 4, 1, 1, 1), rn(5))
    C("convt3d_basic", lambda x, w, b: F.conv_transpose3d(x, w, b), rn(2, 3, 3, 4, 3), rn(3, 2, 3, 3, 3), rn(2))
    C("convt3d_opts", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=(2, 1, 3), padding=(1, 0, 1), output_padding=(1, 0, 2),
                                                         groups=2, dilation=(1, 2, 1)), rn(1, 4, 3, 3, 2), rn(4, 3, 3, 2, 2), rn(6))
    C("convt3d_unbatched", lambda x, w, b: F.conv_transpose3d(x, w, stride=2), rn(2, 2, 3, 2), rn(2, 3, 2, 2, 2))
    C("convt3d_dil_pad", lambda x, w, b: F.conv_transpose3d(x, w, b, stride=3, padding=2, dilation=2, output_padding=1),
      rn(1, 2, 2, 3, 2), rn(2, 2, 3, 2, 3), rn(2))
    C("mod_conv3d_reflect", lambda x, w, b: F.conv3d(F.pad(x, (2, 2, 1, 1, 1, 1), mode="reflect"), w, b),
      rn(2, 2, 4, 5, 5), rn(3, 2, 2, 3, 3), rn(3))
    C("mod_conv3d_circular_same", lambda x, w, b: F.conv3d(F.pad(x, (1, 2, 1, 1, 0, 1), mode="circular"), w, None),
      rn(1, 2, 3, 4, 5), rn(2, 2, 2, 3, 4))

    # ---- pooling
    C("maxpool3d_basic", lambda x, w, b: F.max_pool3d(x, 2, return_indices=True), rn(2, 3, 4, 6, 5))
    C("maxpool3d_opts", lambda x, w, b: F.max_pool3d(x, (3, 2, 3), stride=(2, 1, 2), padding=1, dilation=(1, 2, 1), ceil_mode=True,
                                                     return_indices=True), rn(1, 2, 7, 6, 8))
    C("maxpool3d_ties", lambda x, w, b: F.max_pool3d(x, 3, stride=1, padding=1, return_indices=True), ties(1, 2, 4, 5, 4))
    C("maxpool3d_unbatched", lambda x, w, b: F.max_pool3d(x, 2, stride=1, return_indices=True), rn(2, 3, 4, 3))
    C("avgpool3d_basic", lambda x, w, b: F.avg_pool3d(x, 2), rn(2, 3, 4, 6, 6))
    C("avgpool3d_pad", lambda x, w, b: F.avg_pool3d(x, 3, stride=2, padding=1), rn(1, 2, 5, 7, 6))
    C("avgpool3d_exclude_ceil", lambda x, w, b: F.avg_pool3d(x, (3, 2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False),
      rn(1, 2, 6, 5, 6))
    C("avgpool3d_include_ceil", lambda x, w, b: F.avg_pool3d(x, 3, stride=2, padding=1, ceil_mode=True), rn(1, 1, 6, 6, 5))
    C("avgpool3d_divisor", lambda x, w, b: F.avg_pool3d(x, 2, stride=1, padding=1, divisor_override=3), rn(2, 3, 4, 3))
    C("adaptiveavg1d", lambda x, w, b: F.adaptive_avg_pool1d(x, 3), rn(2, 3, 7))
    C("adaptiveavg1d_up", lambda x, w, b: F.adaptive_avg_pool1d(x, 6), rn(3, 4))
    C("adaptivemax1d", lambda x, w, b: F.adaptive_max_pool1d(x, 4, return_indices=True), rn(2, 3, 9))
    C("adaptivemax1d_unbatched", lambda x, w, b: F.adaptive_max_pool1d(x, 3, return_indices=True), ties(2, 7))
    C("adaptiveavg3d", lambda x, w, b: F.adaptive_avg_pool3d(x, (2, 3, 4)), rn(2, 2, 5, 7, 6))
    C("adaptiveavg3d_none", lambda x, w, b: F.adaptive_avg_pool3d(x, (None, 2, 3)), rn(1, 2, 3, 5, 4))
    C("adaptiveavg3d_global", lambda x, w, b: F.adaptive_avg_pool3d(x, 1), rn(2, 3, 4, 3))
    C("adaptivemax3d", lambda x, w, b: F.adaptive_max_pool3d(x, (2, 3, 3), return_indices=True), rn(1, 2, 5, 6, 7))
    C("adaptivemax3d_ties", lambda x, w, b: F.adaptive_max_pool3d(x, 2, return_indices=True), ties(2, 1, 4, 5, 4))
    src = rn(2, 3, 8)
    C("unpool1d", lambda x, w, b: F.max_unpool1d(x, F.max_pool1d(src, 2, return_indices=True)[1], 2), rn(2, 3, 4),
      aux=F.max_pool1d(src, 2, return_indices=True)[1])
    src = rn(1, 2, 4, 4, 6)
    i3 = F.max_pool3d(src, 2, return_indices=True)[1]
    C("unpool3d", lambda x, w, b: F.max_unpool3d(x, i3, 2), rn(1, 2, 2, 2, 3), aux=i3)
    src = rn(2, 5, 6, 5)
    i3s = F.max_pool3d(src, 3, stride=2, padding=1, return_indices=True)[1]
    C("unpool3d_size", lambda x, w, b: F.max_unpool3d(x, i3s, 3, stride=2, padding=1, output_size=(5, 6, 6)), rn(*i3s.shape), aux=i3s)
    C("lppool1d", lambda x, w, b: F.lp_pool1d(x, 2, 3, stride=2), rn(2, 3, 8))
    C("lppool1d_p1_ceil", lambda x, w, b: F.lp_pool1d(x, 1, 2, ceil_mode=True), rn(2, 7))
    C("lppool2d", lambda x, w, b: F.lp_pool2d(x, 2, (2, 3), stride=1, ceil_mode=True), rn(1, 2, 4, 5))
    C("lppool2d_frac", lambda x, w, b: F.lp_pool2d(x, 1.5, 2), rn(2, 2, 4, 6).abs() + 0.1)

    # ---- batch norm 3d (training step, then eval)
    x = rn(2, 3, 2, 3, 2) * 2 + 0.5
    C("mod_bn3d", lambda x, w, b: F.batch_norm(x, torch.zeros(3, dtype=dt), torch.ones(3, dtype=dt), w, b, training=True), x, rn(3), rn(3))
    m = nn.BatchNorm3d(3, momentum=0.3).to(dt)
    m(x)
    out[f"mod_bn3d_stats.{tag}.running_mean"] = m.running_mean.clone()
    out[f"mod_bn3d_stats.{tag}.running_var"] = m.running_var.clone()

    # ---- padding
    C("reflpad3d", lambda x, w, b: nn.ReflectionPad3d((1, 2, 0, 1, 2, 1))(x), rn(2, 3, 4, 4, 5))
    C("reflpad3d_4d", lambda x, w, b: nn.ReflectionPad3d(1)(x), rn(2, 3, 3, 4))
    C("replpad3d", lambda x, w, b: nn.ReplicationPad3d((2, 0, 1, 3, 1, 2))(x), rn(1, 2, 3, 3, 4))
    C("pad_circular_3d", lambda x, w, b: F.pad(x, (1, 2, 2, 0, 1, 1), mode="circular"), rn(1, 2, 3, 3, 4))

    # ---- fold / unfold
    C("unfold_basic", lambda x, w, b: F.unfold(x, 2), rn(2, 3, 4, 5))
    C("unfold_opts", lambda x, w, b: F.unfold(x, (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1)), rn(2, 3, 5, 6))
    C("unfold_unbatched", lambda x, w, b: F.unfold(x, 3, padding=1), rn(2, 4, 4))
    C("fold_basic", lambda x, w, b: F.fold(x, (4, 5), 2), rn(2, 3 * 4, 12))
    C("fold_opts", lambda x, w, b: F.fold(x, (5, 6), (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1)), rn(2, 3 * 6, 3 * 2))
    C("fold_unbatched", lambda x, w, b: F.fold(x, 4, 3, padding=1, stride=2), rn(2 * 9, 4))

init = {}
for seed, (cls, args, kw) in enumerate([
        (nn.Conv3d, (2, 4, 3), {}),
        (nn.Conv3d, (4, 6, (1, 2, 3)), {"groups": 2}),
        (nn.ConvTranspose3d, (4, 6, (2, 3, 2)), {"groups": 2}),
        (nn.Conv3d, (2, 3, 2), {"bias": False}),
]):
    torch.manual_seed(seed)
    m = cls(*args, **kw)
    out[f"init_{seed}_weight"] = m.weight.detach()
    if m.bias is not None:
        out[f"init_{seed}_bias"] = m.bias.detach()

mods = {
    "conv3d": nn.Conv3d(2, 4, 3),
    "conv3d_full": nn.Conv3d(2, 4, (1, 2, 3), stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect"),
    "conv3d_same": nn.Conv3d(2, 2, 3, padding="same"),
    "convt3d": nn.ConvTranspose3d(2, 4, 3, stride=2, output_padding=1),
    "convt3d_full": nn.ConvTranspose3d(4, 2, (2, 3, 1), stride=(2, 1, 1), padding=1, groups=2, dilation=2, bias=False),
    "maxpool3d": nn.MaxPool3d(2),
    "maxpool3d_full": nn.MaxPool3d((1, 2, 3), stride=1, padding=1, dilation=2, ceil_mode=True),
    "avgpool3d": nn.AvgPool3d(2),
    "avgpool3d_full": nn.AvgPool3d((1, 2, 3), 1, 0, True, False, 2),
    "adaptiveavg1d": nn.AdaptiveAvgPool1d(3),
    "adaptiveavg3d": nn.AdaptiveAvgPool3d((2, None, 3)),
    "adaptiveavg3d_int": nn.AdaptiveAvgPool3d(2),
    "adaptivemax1d": nn.AdaptiveMaxPool1d(3, True),
    "adaptivemax3d": nn.AdaptiveMaxPool3d((1, 2, 3)),
    "maxunpool1d": nn.MaxUnpool1d(2),
    "maxunpool3d": nn.MaxUnpool3d(2, stride=1),
    "lppool1d": nn.LPPool1d(2, 3),
    "lppool2d": nn.LPPool2d(1.5, (2, 3), stride=1, ceil_mode=True),
    "bn3d": nn.BatchNorm3d(4),
    "reflpad3d": nn.ReflectionPad3d(1),
    "replpad3d": nn.ReplicationPad3d((1, 2, 3, 4, 5, 6)),
    "fold": nn.Fold((4, 5), 2),
    "fold_full": nn.Fold(4, (2, 3), dilation=2, padding=1, stride=(1, 2)),
    "unfold": nn.Unfold(2),
    "unfold_full": nn.Unfold((2, 3), 1, (0, 1), 2),
}
texts = {k: repr(m) for k, m in mods.items()}
save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_layers3d.json"), out, meta={"texts": texts})
print(len(out), "tensors")
