"""Golden trajectories for Ember.Optim (tests/Ember.Tests/Optim): PyTorch 1.13, foreach=False.

Each case: two parameters (shapes [2, 3] and [4]) in float32 and float64, a fixed sequence of
STEPS gradients, the parameters after every step (stacked, key "<case>.<dtype>.p<i>") and the tensor
state of each parameter after the last step ("<case>.<dtype>.p<i>.<state key>").
The "groups" cases put p1 in a second group with another lr, and give p1 no gradient at step 2.
Also gradient clipping (clip_grad_norm_, clip_grad_value_).
Run from tests/golden/: /usr/bin/python3 optim.py
"""
import math
import torch
from golden_io import save

STEPS = 8
out = {}

CASES = {
    "sgd": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.1, momentum=0.9)),
    "sgd_dampening": ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    "sgd_nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    "sgd_wd": ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.1)),
    "sgd_maximize": ("SGD", dict(lr=0.1, momentum=0.9, weight_decay=0.05, maximize=True)),
    "adam": ("Adam", dict()),
    "adam_lr": ("Adam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6)),
    "adam_wd": ("Adam", dict(lr=0.01, weight_decay=0.1)),
    "adam_amsgrad": ("Adam", dict(lr=0.01, amsgrad=True)),
    "adam_maximize": ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    "adamw": ("AdamW", dict()),
    "adamw_lr": ("AdamW", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    "adamw_amsgrad": ("AdamW", dict(lr=0.01, amsgrad=True)),
    "adamw_maximize": ("AdamW", dict(lr=0.01, amsgrad=True, maximize=True)),
    "adagrad": ("Adagrad", dict()),
    "adagrad_opts": ("Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5, eps=1e-6)),
    "adagrad_wd": ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    "adagrad_maximize": ("Adagrad", dict(lr=0.1, weight_decay=0.1, maximize=True)),
    "rmsprop": ("RMSprop", dict()),
    "rmsprop_alpha": ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6)),
    "rmsprop_centered": ("RMSprop", dict(lr=0.01, centered=True)),
    "rmsprop_momentum": ("RMSprop", dict(lr=0.01, momentum=0.9)),
    "rmsprop_all": ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1)),
    "rmsprop_maximize": ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, maximize=True)),
    "adadelta": ("Adadelta", dict()),
    "adadelta_opts": ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4)),
    "adadelta_wd": ("Adadelta", dict(weight_decay=0.1)),
    "adadelta_maximize": ("Adadelta", dict(weight_decay=0.1, maximize=True)),
    "adamax": ("Adamax", dict()),
    "adamax_opts": ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-4)),
    "adamax_wd": ("Adamax", dict(weight_decay=0.1)),
    "adamax_maximize": ("Adamax", dict(weight_decay=0.1, maximize=True)),
    "nadam": ("NAdam", dict()),
    "nadam_opts": ("NAdam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, momentum_decay=0.01)),
    "nadam_wd": ("NAdam", dict(weight_decay=0.1)),
    "radam": ("RAdam", dict()),
    "radam_betas": ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6)),
    "radam_wd": ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
}
GROUP_CASES = {
    "sgd_groups": ("SGD", dict(lr=0.1, momentum=0.9), 0.01),
    "adam_groups": ("Adam", dict(lr=0.01), 0.1),
    "rmsprop_groups": ("RMSprop", dict(lr=0.01, centered=True), 0.05),
    "adagrad_groups": ("Adagrad", dict(lr=0.1), 0.5),
}

torch.manual_seed(0)
init64 = [torch.randn(2, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)]
grads64 = [[torch.randn(2, 3, dtype=torch.float64), torch.randn(4, dtype=torch.float64)] for _ in range(STEPS)]
# one exact zero gradient entry, so sqrt(0)+eps paths are exercised
grads64[0][0][0, 0] = 0.0

for dt, name in ((torch.float32, "float32"), (torch.float64, "float64")):
    for i, p in enumerate(init64):
        out[f"init.{name}.p{i}"] = p.to(dt)
    for s in range(STEPS):
        for i in range(2):
            out[f"grad.{name}.s{s}.p{i}"] = grads64[s][i].to(dt)


def run(case, cls, opts, dt, name, lr2=None):
    params = [p.to(dt).clone().requires_grad_() for p in init64]
    if lr2 is None:
        opt = getattr(torch.optim, cls)(params, foreach=False, **opts)
    else:
        opt = getattr(torch.optim, cls)([{"params": [params[0]]}, {"params": [params[1]], "lr": lr2}], foreach=False, **opts)
    traj = [[], []]
    for s in range(STEPS):
        for i, p in enumerate(params):
            p.grad = None if (lr2 is not None and i == 1 and s == 2) else grads64[s][i].to(dt).clone()
        opt.step()
        for i, p in enumerate(params):
            traj[i].append(p.detach().clone())
    for i, p in enumerate(params):
        out[f"{case}.{name}.p{i}"] = torch.stack(traj[i])
        for k, v in opt.state[p].items():
            if isinstance(v, torch.Tensor):
                out[f"{case}.{name}.p{i}.{k}"] = v.detach().clone()
            elif v is not None:
                out[f"{case}.{name}.p{i}.{k}"] = torch.tensor(float(v), dtype=torch.float64)


for dt, name in ((torch.float32, "float32"), (torch.float64, "float64")):
    for case, (cls, opts) in CASES.items():
        run(case, cls, opts, dt, name)
    for case, (cls, opts, lr2) in GROUP_CASES.items():
        run(case, cls, opts, dt, name, lr2)

# Gradient clipping
for dt, name in ((torch.float32, "float32"), (torch.float64, "float64")):
    for norm_type, tag in ((2.0, "2"), (1.0, "1"), (math.inf, "inf"), (3.0, "3")):
        for max_norm, mtag in ((0.5, "clip"), (100.0, "noclip")):
            ps = [p.to(dt).clone().requires_grad_() for p in init64]
            for i, p in enumerate(ps):
                p.grad = grads64[1][i].to(dt).clone()
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
            out[f"clipnorm.{name}.{tag}.{mtag}.total"] = total
            for i, p in enumerate(ps):
                out[f"clipnorm.{name}.{tag}.{mtag}.g{i}"] = p.grad
    ps = [p.to(dt).clone().requires_grad_() for p in init64]
    for i, p in enumerate(ps):
        p.grad = grads64[1][i].to(dt).clone()
    torch.nn.utils.clip_grad_value_(ps, 0.7)
    for i, p in enumerate(ps):
        out[f"clipvalue.{name}.g{i}"] = p.grad


# A Linear layer trained with a hand-written MSE loss: optimizers driven by real backward passes.
torch.manual_seed(1)
lin = torch.nn.Linear(3, 2).double()
x = torch.randn(4, 3, dtype=torch.float64)
t = torch.randn(4, 2, dtype=torch.float64)
out2 = {"linear.x": x, "linear.t": t, "linear.w0": lin.weight.detach().clone(), "linear.b0": lin.bias.detach().clone()}
for oname, make in (("adam", lambda ps: torch.optim.Adam(ps, lr=0.1, foreach=False)),
                    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, foreach=False))):
    l2 = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        l2.weight.copy_(out2["linear.w0"]); l2.bias.copy_(out2["linear.b0"])
    opt = make(list(l2.parameters()))
    for s in range(5):
        opt.zero_grad()
        loss = ((l2(x) - t) ** 2).mean()
        loss.backward()
        opt.step()
        out2[f"linear.{oname}.w{s}"] = l2.weight.detach().clone()
        out2[f"linear.{oname}.b{s}"] = l2.bias.detach().clone()
        out2[f"linear.{oname}.loss{s}"] = loss.detach()
out.update(out2)
save("optim.json", out)
print(len(out), "tensors")
