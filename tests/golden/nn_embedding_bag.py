"""Golden values and gradients of F.embedding_bag / nn.EmbeddingBag and the printing and state-dict
names of nn.ParameterDict (issue 15 item 4), read by tests/Ember.Tests/NN/EmbeddingBagTests.cs.

Each case runs in float64 and float32 on the same table; names are "<case>.<f64|f32>.<tensor>":
"weight", "input", "offsets" (when given), "psw" (per-sample weights, when given), "gout", "value",
"grad.weight" and "grad.psw". The options of each case are in meta. "init.weight" is
nn.EmbeddingBag(6, 3, padding_idx=1).weight after torch.manual_seed(3).
With include_last_offset, the last offset is the input's length: PyTorch 1.13 corrupts its heap when
it is less (the bags then end early; Ember ignores the entries after it).
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from golden_io import save

out = {}
meta = {"cases": {}}

L = lambda *v: torch.tensor(v, dtype=torch.int64)
CASES = {
    "mean_2d": dict(input=L([1, 2, 4, 5], [4, 3, 2, 9], [0, 0, 7, 3]), mode="mean"),
    "sum_offsets_empty": dict(input=L(1, 2, 4, 5, 4, 3, 2, 9, 7), offsets=L(0, 2, 2, 6), mode="sum"),
    "sum_psw": dict(input=L(1, 2, 4, 5, 4, 3, 2, 9, 7), offsets=L(0, 3, 5), mode="sum", psw=True),
    "sum_psw_2d_pad": dict(input=L([1, 2, 4], [2, 2, 2], [9, 2, 7]), mode="sum", psw=True, padding_idx=2),
    "max_offsets": dict(input=L(1, 2, 4, 5, 4, 3, 2, 9, 7), offsets=L(0, 4, 4, 7), mode="max"),
    "max_2d_pad": dict(input=L([1, 8, 4, 5], [8, 8, 8, 8], [6, 0, 8, 3]), mode="max", padding_idx=8),
    "mean_pad_neg": dict(input=L(1, 9, 4, 9, 9, 3, 2, 9, 7), offsets=L(0, 3, 5, 6), mode="mean", padding_idx=-1),
    "mean_last_offset": dict(input=L(1, 2, 4, 5, 4, 3, 2, 9, 7), offsets=L(0, 3, 5, 9), mode="mean", include_last_offset=True),
}

for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(99)
    W = torch.randn(10, 4, generator=gen, dtype=torch.float64).to(dt)
    for name, c in CASES.items():
        meta["cases"][name] = {k: v for k, v in c.items() if k in ("mode", "padding_idx", "include_last_offset", "psw")}
        p = f"{name}.{tag}."
        w = W.clone().requires_grad_()
        psw = None
        leaves = [w]
        if c.get("psw"):
            psw = (torch.rand(c["input"].shape, generator=gen, dtype=torch.float64) + 0.5).to(dt).requires_grad_()
            out[p + "psw"] = psw.detach()
            leaves.append(psw)
        y = F.embedding_bag(c["input"], w, c.get("offsets"), mode=c["mode"], per_sample_weights=psw,
                            include_last_offset=c.get("include_last_offset", False), padding_idx=c.get("padding_idx"))
        gout = torch.randn(y.shape, generator=gen, dtype=torch.float64).to(dt)
        gs = torch.autograd.grad(y, leaves, gout)
        out[p + "weight"] = W
        out[p + "input"] = c["input"]
        if "offsets" in c:
            out[p + "offsets"] = c["offsets"]
        out[p + "gout"] = gout
        out[p + "value"] = y.detach()
        out[p + "grad.weight"] = gs[0]
        if psw is not None:
            out[p + "grad.psw"] = gs[1]

torch.manual_seed(3)
out["init.weight"] = nn.EmbeddingBag(6, 3, padding_idx=1).weight.detach()


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.params = nn.ParameterDict({"alpha": nn.Parameter(torch.zeros(2, 3)), "beta": nn.Parameter(torch.zeros(4, dtype=torch.float64))})


meta["repr"] = {
    "EmbeddingBag(10, 3)": repr(nn.EmbeddingBag(10, 3)),
    "EmbeddingBag(10, 3, mode=max, padding_idx=0)": repr(nn.EmbeddingBag(10, 3, mode="max", padding_idx=0, include_last_offset=True)),
    "EmbeddingBag(10, 3, mode=sum, padding_idx=-1)": repr(nn.EmbeddingBag(10, 3, mode="sum", padding_idx=-1)),
    "Holder": repr(Holder()),
}
meta["state_dict_keys"] = list(Holder().state_dict().keys())

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_embedding_bag.json"), out, meta)
