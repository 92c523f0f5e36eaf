"""Golden values for the lazy modules (issue 15 item 4), read by tests/Ember.Tests/NN/LazyModuleTests.cs.

For each case: an input "<case>.x" drawn from seed 1, then torch.manual_seed(0) and one forward in
training mode, so the parameters are drawn at materialization from seed 0 as Ember must draw them.
Stored: "<case>.y" (the output) and each state-dict entry "<case>.sd.<key>" after the forward.
meta["repr"][case] = [repr before, repr after]; meta["warnings"] = the texts PyTorch warns with.
"loaded.*": a seeded nn.Linear(4, 5)'s state dict loaded into a LazyLinear(5), then a forward.
"""
import os
import warnings

import torch
import torch.nn as nn

from golden_io import save

out = {}
meta = {"repr": {}, "warnings": {}}

CASES = {
    "linear": (lambda: nn.LazyLinear(5), (3, 4)),
    "linear_nobias_3d": (lambda: nn.LazyLinear(3, bias=False), (2, 3, 6)),
    "conv1d": (lambda: nn.LazyConv1d(4, 3, stride=2, padding=1), (2, 3, 9)),
    "conv1d_unbatched": (lambda: nn.LazyConv1d(2, 2, padding="same", padding_mode="reflect"), (3, 7)),
    "conv2d": (lambda: nn.LazyConv2d(4, 3, groups=2), (2, 4, 5, 5)),
    "conv3d": (lambda: nn.LazyConv3d(2, (2, 1, 2), bias=False), (1, 3, 3, 4, 3)),
    "convt1d": (lambda: nn.LazyConvTranspose1d(3, 3, stride=2), (2, 4, 5)),
    "convt2d": (lambda: nn.LazyConvTranspose2d(4, 2, groups=2, output_padding=1, stride=2), (2, 6, 3, 3)),
    "convt3d": (lambda: nn.LazyConvTranspose3d(2, 2), (1, 3, 2, 2, 3)),
    "bn1d": (lambda: nn.LazyBatchNorm1d(), (6, 3)),
    "bn2d": (lambda: nn.LazyBatchNorm2d(momentum=None), (3, 4, 2, 2)),
    "bn3d": (lambda: nn.LazyBatchNorm3d(affine=False), (2, 3, 2, 2, 2)),
    "in1d": (lambda: nn.LazyInstanceNorm1d(), (2, 3, 5)),
    "in2d": (lambda: nn.LazyInstanceNorm2d(momentum=0.3), (2, 4, 3, 3)),
    "in3d": (lambda: nn.LazyInstanceNorm3d(track_running_stats=False), (2, 2, 2, 3, 2)),
}

with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    for name, (make, shape) in CASES.items():
        m = make()
        torch.manual_seed(1)
        x = torch.randn(*shape)
        before = repr(m)
        torch.manual_seed(0)
        y = m(x)
        meta["repr"][name] = [before, repr(m)]
        out[name + ".x"] = x
        out[name + ".y"] = y
        for k, v in m.state_dict().items():
            out[name + ".sd." + k] = v
    meta["warnings"]["lazy"] = sorted({str(x.message) for x in w})

torch.manual_seed(0)
full = nn.Linear(4, 5)
lazy = nn.LazyLinear(5)
lazy.load_state_dict(full.state_dict())
torch.manual_seed(1)
x = torch.randn(2, 4)
out["loaded.x"] = x
out["loaded.y"] = lazy(x)
out["loaded.weight"] = full.weight

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_lazy.json"), out, meta)
