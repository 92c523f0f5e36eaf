"""Golden values of nn.AdaptiveLogSoftmaxWithLoss (issue 15 item 4), read by
tests/Ember.Tests/NN/AdaptiveLogSoftmaxTests.cs: after torch.manual_seed(0) the module
AdaptiveLogSoftmaxWithLoss(16, 20, [5, 12], div_value=2.0, head_bias=True) in float64; its state dict
("param.<name>"), an input "x" [7, 16] and targets "target" covering the shortlist and both clusters,
the output, loss, the gradients of the input and of every parameter ("grad.<name>", from
loss + (output * gout).sum()), log_prob and predict; the unbatched case "u.*"; the printed module in meta.
"""
import os

import torch
import torch.nn as nn

from golden_io import save

out = {}
torch.manual_seed(0)
m = nn.AdaptiveLogSoftmaxWithLoss(16, 20, [5, 12], div_value=2.0, head_bias=True).double()
for k, v in m.state_dict().items():
    out["param." + k] = v
gen = torch.Generator().manual_seed(1)
x = torch.randn(7, 16, generator=gen, dtype=torch.float64).requires_grad_()
target = torch.tensor([0, 4, 5, 11, 12, 19, 7])
gout = torch.randn(7, generator=gen, dtype=torch.float64)
res = m(x, target)
(res.loss + (res.output * gout).sum()).backward()
out["x"] = x.detach()
out["target"] = target
out["gout"] = gout
out["output"] = res.output.detach()
out["loss"] = res.loss.detach()
out["grad.x"] = x.grad
for k, p in m.named_parameters():
    out["grad." + k] = p.grad
with torch.no_grad():
    out["log_prob"] = m.log_prob(x)
    out["predict"] = m.predict(x)
    xu = torch.randn(16, generator=gen, dtype=torch.float64)
    r = m(xu, torch.tensor(13))
    out["u.x"] = xu
    out["u.output"] = r.output
    out["u.loss"] = r.loss

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_adaptive_softmax.json"), out, {"repr": repr(m)})
