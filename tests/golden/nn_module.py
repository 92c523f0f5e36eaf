"""Expected values for Module tests: default Linear initialisation from a seed, state-dict keys, and
the printed module tree of the chapter's models."""
import json
import os

import torch
from torch import nn
from golden_io import save

out = {}
for seed, (i, o) in [(0, (1000, 100)), (1, (100, 10)), (2, (3, 5))]:
    torch.manual_seed(seed)
    lin = nn.Linear(i, o)
    out[f"linear_{seed}_weight"] = lin.weight.detach()
    out[f"linear_{seed}_bias"] = lin.bias.detach()

torch.manual_seed(0)
seq = nn.Sequential(nn.Linear(1000, 100), nn.ReLU(), nn.Linear(100, 10))
for k, v in seq.state_dict().items():
    out["seq_" + k] = v


class TwoLayerNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        return self.linear2(self.linear1(x).clamp(min=0))


torch.manual_seed(3)
net = TwoLayerNet(4, 3, 2)
x = torch.randn(5, 4)
out["twolayer_x"] = x
out["twolayer_y"] = net(x).detach()
for k, v in net.state_dict().items():
    out["twolayer_" + k] = v

save("nn_module.json", out)
texts = {"sequential": str(seq), "twolayer": str(net), "seq_keys": list(seq.state_dict().keys()),
         "twolayer_keys": list(net.state_dict().keys())}
tmp = "nn_module_text.json.tmp"
with open(tmp, "w") as f:
    json.dump(texts, f, indent=1)
os.replace(tmp, "nn_module_text.json")
print(texts)
