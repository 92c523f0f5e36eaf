"""Expected values for the layers (tests/Ember.Tests/NN/NNLayerTests.cs): activations, dropout masks,
batch/layer/group norm (with running statistics after a few training steps), embedding, bilinear,
flatten; forward values and input and parameter gradients in float32 and float64, seeded initial
weights, and the printed text of each module (nn_layers_text.json)."""
import json
import os
import warnings

import torch
from torch import nn
import torch.nn.functional as F
from golden_io import save

warnings.simplefilter("ignore")
out = {}
texts = {}
DT = {"f32": torch.float32, "f64": torch.float64}


def special(dtype):
    # Random values plus the kinks and saturation points of the activations.
    torch.manual_seed(0)
    x = torch.cat([torch.randn(20) * 3, torch.tensor([0., 1., -1., 3., -3., 6., 25., -25.])])
    return x.reshape(4, 7).to(dtype)


ACTS = {
    "relu": nn.ReLU, "relu6": nn.ReLU6, "leaky_relu": nn.LeakyReLU,
    "leaky_relu_0.2": lambda: nn.LeakyReLU(0.2), "elu": nn.ELU, "elu_0.5": lambda: nn.ELU(0.5),
    "selu": nn.SELU, "gelu": nn.GELU, "gelu_tanh": lambda: nn.GELU("tanh"), "silu": nn.SiLU,
    "mish": nn.Mish, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softmax_1": lambda: nn.Softmax(1),
    "softmax_0": lambda: nn.Softmax(0), "log_softmax_1": lambda: nn.LogSoftmax(1),
    "log_softmax_0": lambda: nn.LogSoftmax(0), "softplus": nn.Softplus,
    "softplus_2_5": lambda: nn.Softplus(2, 5), "hardtanh": nn.Hardtanh,
    "hardtanh_-2_3": lambda: nn.Hardtanh(-2., 3.), "hardswish": nn.Hardswish, "prelu": nn.PReLU,
    "prelu_7": lambda dt=torch.float32: nn.PReLU(7, 0.1, dtype=dt),
}
for name, ctor in ACTS.items():
    for dn, dt in DT.items():
        x = special(dt).requires_grad_()
        m = ctor(dt) if name == "prelu_7" else ctor().to(dt)
        y = m(x)
        torch.manual_seed(1)
        gy = torch.randn(y.shape, dtype=dt)
        y.backward(gy)
        k = f"act_{name}_{dn}"
        out[k + "_x"] = x.detach()
        out[k + "_gy"] = gy
        out[k + "_y"] = y.detach()
        out[k + "_gx"] = x.grad
        if isinstance(m, nn.PReLU):
            out[k + "_gw"] = m.weight.grad
    texts["act_" + name] = str(ctor())
for name, m in {"relu_inplace": nn.ReLU(True), "relu6_inplace": nn.ReLU6(True),
                "leaky_relu_inplace": nn.LeakyReLU(0.1, True), "elu_inplace": nn.ELU(inplace=True),
                "selu_inplace": nn.SELU(True), "silu_inplace": nn.SiLU(True), "mish_inplace": nn.Mish(True),
                "hardtanh_inplace": nn.Hardtanh(inplace=True), "hardswish_inplace": nn.Hardswish(True),
                "softmax_none": nn.Softmax(), "log_softmax_m1": nn.LogSoftmax(-1)}.items():
    texts["act_" + name] = str(m)

# ---- dropout: the masks come from the default generator
torch.manual_seed(5)
xd = torch.randn(6, 8)
xd4 = torch.randn(3, 4, 2, 5)
xd3 = torch.randn(3, 4, 5)
for dn, dt in DT.items():
    for p in (0.5, 0.2, 0.9):
        x = xd.to(dt).detach().clone().requires_grad_()
        torch.manual_seed(42)
        y = F.dropout(x, p, training=True)
        y2 = F.dropout(x, p, training=True)  # the generator moved on
        gy = torch.ones_like(y) * 2
        (y * gy).sum().backward()
        k = f"dropout_{p}_{dn}"
        out[k + "_x"] = x.detach()
        out[k + "_y"] = y.detach()
        out[k + "_y2"] = y2.detach()
        out[k + "_gx"] = x.grad
    for shape_name, src in (("4d", xd4), ("3d", xd3)):
        x = src.to(dt).detach().clone().requires_grad_()
        torch.manual_seed(7)
        y = F.dropout2d(x, 0.5, training=True)
        y.sum().backward()
        k = f"dropout2d_{shape_name}_{dn}"
        out[k + "_x"] = x.detach()
        out[k + "_y"] = y.detach()
        out[k + "_gx"] = x.grad
texts["dropout"] = str(nn.Dropout())
texts["dropout_0.2_inplace"] = str(nn.Dropout(0.2, True))
texts["dropout2d"] = str(nn.Dropout2d())

# ---- batch norm: three training steps, then eval
BN = {
    "bn1d": (lambda: nn.BatchNorm1d(3), (5, 3)),
    "bn1d_3d": (lambda: nn.BatchNorm1d(3), (4, 3, 2)),
    "bn2d": (lambda: nn.BatchNorm2d(3), (4, 3, 2, 3)),
    "bn2d_cumulative": (lambda: nn.BatchNorm2d(3, momentum=None), (2, 3, 2, 2)),
    "bn1d_noaffine": (lambda: nn.BatchNorm1d(3, affine=False), (5, 3)),
    "bn1d_notrack": (lambda: nn.BatchNorm1d(3, track_running_stats=False), (5, 3)),
    "bn2d_eps_mom": (lambda: nn.BatchNorm2d(3, eps=1e-3, momentum=0.3), (2, 3, 3, 2)),
}
for name, (ctor, shape) in BN.items():
    for dn, dt in DT.items():
        torch.manual_seed(10)
        m = ctor().to(dt)
        k = f"{name}_{dn}"
        if m.affine:
            with torch.no_grad():
                m.weight.normal_()
                m.bias.normal_()
            out[k + "_w0"] = m.weight.detach().clone()
            out[k + "_b0"] = m.bias.detach().clone()
        for step in range(3):
            x = torch.randn(shape, dtype=dt, requires_grad=True)
            y = m(x)
            gy = torch.randn(y.shape, dtype=dt)
            y.backward(gy)
            out[f"{k}_x{step}"] = x.detach()
            out[f"{k}_gy{step}"] = gy
        out[k + "_y"] = y.detach()
        out[k + "_gx"] = x.grad
        if m.affine:
            out[k + "_gw"] = m.weight.grad
            out[k + "_gb"] = m.bias.grad
        if m.track_running_stats:
            out[k + "_rm"] = m.running_mean
            out[k + "_rv"] = m.running_var
            out[k + "_nbt"] = m.num_batches_tracked
        m.eval()
        xe = torch.randn(shape, dtype=dt)
        out[k + "_xe"] = xe
        out[k + "_ye"] = m(xe).detach()
    texts[name] = str(ctor())

# ---- layer norm and group norm
NORMS = {
    "ln_4": (lambda: nn.LayerNorm(4), (2, 3, 4)),
    "ln_3x4": (lambda: nn.LayerNorm([3, 4]), (2, 3, 4)),
    "ln_noaffine": (lambda: nn.LayerNorm(4, elementwise_affine=False), (2, 3, 4)),
    "ln_eps": (lambda: nn.LayerNorm(4, eps=1e-2), (5, 4)),
    "gn_2_4": (lambda: nn.GroupNorm(2, 4), (3, 4, 2, 3)),
    "gn_4_4": (lambda: nn.GroupNorm(4, 4), (3, 4, 5)),
    "gn_1_4_noaffine": (lambda: nn.GroupNorm(1, 4, affine=False), (2, 4, 3)),
    "gn_eps": (lambda: nn.GroupNorm(2, 6, eps=1e-3), (2, 6)),
}
for name, (ctor, shape) in NORMS.items():
    for dn, dt in DT.items():
        torch.manual_seed(11)
        m = ctor().to(dt)
        k = f"{name}_{dn}"
        ps = list(m.parameters())
        with torch.no_grad():
            for p in ps:
                p.normal_()
        if ps:
            out[k + "_w0"] = ps[0].detach().clone()
            out[k + "_b0"] = ps[1].detach().clone()
        x = torch.randn(shape, dtype=dt, requires_grad=True)
        y = m(x)
        gy = torch.randn(y.shape, dtype=dt)
        y.backward(gy)
        out[k + "_x"] = x.detach()
        out[k + "_gy"] = gy
        out[k + "_y"] = y.detach()
        out[k + "_gx"] = x.grad
        if ps:
            out[k + "_gw"] = ps[0].grad
            out[k + "_gb"] = ps[1].grad
    texts[name] = str(ctor())

# ---- embedding
idx = torch.tensor([[1, 2, 0, 9], [0, 3, 3, 1]])
out["emb_idx"] = idx
for name, kw in {"emb": {}, "emb_pad0": {"padding_idx": 0}, "emb_padm1": {"padding_idx": -1}}.items():
    torch.manual_seed(3)
    m = nn.Embedding(10, 3, **kw)
    out[name + "_w0"] = m.weight.detach().clone()
    y = m(idx)
    torch.manual_seed(4)
    gy = torch.randn(y.shape)
    y.backward(gy)
    out[name + "_gy"] = gy
    out[name + "_y"] = y.detach()
    out[name + "_gw"] = m.weight.grad
    texts[name] = str(m)
torch.manual_seed(3)
m = nn.Embedding(10, 3, dtype=torch.float64)
out["emb_f64_w0"] = m.weight.detach().clone()

# ---- bilinear
for name, (kw, lead) in {"bil": ({}, (5,)), "bil_nobias": ({"bias": False}, (5,)), "bil_3d": ({}, (2, 3))}.items():
    for dn, dt in DT.items():
        torch.manual_seed(4)
        m = nn.Bilinear(3, 4, 2, dtype=dt, **kw)
        k = f"{name}_{dn}"
        out[k + "_w0"] = m.weight.detach().clone()
        if m.bias is not None:
            out[k + "_b0"] = m.bias.detach().clone()
        x1 = torch.randn(*lead, 3, dtype=dt, requires_grad=True)
        x2 = torch.randn(*lead, 4, dtype=dt, requires_grad=True)
        y = m(x1, x2)
        gy = torch.randn(y.shape, dtype=dt)
        y.backward(gy)
        for n, t in (("x1", x1.detach()), ("x2", x2.detach()), ("gy", gy), ("y", y.detach()),
                     ("gx1", x1.grad), ("gx2", x2.grad), ("gw", m.weight.grad)):
            out[f"{k}_{n}"] = t
        if m.bias is not None:
            out[k + "_gb"] = m.bias.grad
    texts[name] = str(nn.Bilinear(3, 4, 2, **kw))

texts["identity"] = str(nn.Identity())
texts["flatten"] = str(nn.Flatten())
texts["flatten_0_2"] = str(nn.Flatten(0, 2))
texts["unflatten"] = str(nn.Unflatten(1, (2, 5)))
texts["seq"] = str(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.GELU(), nn.Dropout(0.1),
                                 nn.Linear(8, 3), nn.LogSoftmax(dim=1)))

save("nn_layers.json", out)
tmp = "nn_layers_text.json.tmp"
with open(tmp, "w") as f:
    json.dump(texts, f, indent=1)
os.replace(tmp, "nn_layers_text.json")
print(len(out), "tensors")
