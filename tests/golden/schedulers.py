"""Golden learning-rate sequences for Ember.Optim's schedulers (tests/Ember.Tests/Optim/SchedulerTests.cs).

Each case builds an optimizer over two parameter groups (lr 0.1 and 0.05 unless the case says
otherwise), attaches a scheduler and records get_last_lr() after construction and after every
step: "<case>.lr" is [steps + 1, groups] float64. OneCycleLR cases also record each group's momentum
(SGD) or beta1 (Adam) as "<case>.momentum". Cases that call step(epoch) use the closed forms.
meta["keys"][case] lists the scheduler's state_dict keys.
Run from tests/golden/: /usr/bin/python3 schedulers.py
"""
import math
import warnings
import torch
from torch.optim import lr_scheduler as S
from golden_io import save

warnings.simplefilter("ignore")
out = {}
keys = {}


def sgd(lrs=(0.1, 0.05), **kw):
    return torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], **kw)


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def run(name, opt, make, steps, epochs=None, metrics=None, momentum=False):
    s = make(opt)
    lrs = [list(s.get_last_lr()) if hasattr(s, "get_last_lr") else [g["lr"] for g in opt.param_groups]]
    moms = [momentum_of(opt)]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            s.step(metrics[i])
            lrs.append([g["lr"] for g in opt.param_groups])
        else:
            if epochs is not None:
                s.step(epochs[i])
            else:
                s.step()
            lrs.append(list(s.get_last_lr()))
        moms.append(momentum_of(opt))
    out[name + ".lr"] = torch.tensor(lrs, dtype=torch.float64)
    if momentum:
        out[name + ".momentum"] = torch.tensor(moms, dtype=torch.float64)
    keys[name] = sorted(s.state_dict().keys())


run("step", sgd(), lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12)
run("step_closed", sgd(), lambda o: S.StepLR(o, step_size=3, gamma=0.5), 6, epochs=[1, 3, 7, 2, 9, 0])
run("multistep", sgd(), lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 12)
run("multistep_closed", sgd(), lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 5, epochs=[5, 1, 9, 4, 12])
run("exponential", sgd(), lambda o: S.ExponentialLR(o, gamma=0.9), 15)
run("exponential_closed", sgd(), lambda o: S.ExponentialLR(o, gamma=0.9), 4, epochs=[3, 10, 1, 0])
run("cosine", sgd(), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 35)
run("cosine_eta0", sgd(), lambda o: S.CosineAnnealingLR(o, T_max=7), 20)
run("cosine_closed", sgd(), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 6, epochs=[3, 7, 2, 10, 15, 0])


def resumed_cosine(o):
    for g in o.param_groups:
        g["initial_lr"] = g["lr"] * 2
    return S.CosineAnnealingLR(o, T_max=10, eta_min=0.001, last_epoch=4)


run("cosine_resume", sgd(), resumed_cosine, 12)
run("warm", sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), 25)
run("warm_mult1", sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), 15)
run("warm_frac", sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.01), 8,
    epochs=[0.5, 1.0, 2.7, 3.1, 7.5, 12.25, 20.0, 2.0])
run("warm_frac_mult1", sgd(), lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4), 5, epochs=[0.5, 5.25, 9.0, 3.75, 17.5])
run("linear", sgd(), lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), 8)
run("linear_decay", sgd(), lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=6), 9)
run("linear_closed", sgd(), lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), 4, epochs=[2, 6, 1, 4])
run("lambda", sgd(), lambda o: S.LambdaLR(o, lambda e: 0.95 ** e), 10)
run("lambda_groups", sgd(), lambda o: S.LambdaLR(o, [lambda e: 1.0 / (e + 1), lambda e: 0.9 ** e]), 10)
run("onecycle_cos", sgd(momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=20), 20, momentum=True)
run("onecycle_linear_three", sgd(momentum=0.9),
    lambda o: S.OneCycleLR(o, max_lr=0.3, epochs=4, steps_per_epoch=5, pct_start=0.25, anneal_strategy="linear",
                           three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8,
                           max_momentum=0.9), 19, momentum=True)
run("onecycle_adam", torch.optim.Adam([{"params": [torch.zeros(1, requires_grad=True)]}], lr=0.001, betas=(0.9, 0.99)),
    lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=15), 14, momentum=True)
run("onecycle_nomomentum", sgd(),
    lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=10, cycle_momentum=False, pct_start=0.5), 9, momentum=True)
run("sequential", sgd(), lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)],
                                                  milestones=[4]), 12)
run("sequential3", sgd(), lambda o: S.SequentialLR(o, [S.StepLR(o, 2, 0.5), S.CosineAnnealingLR(o, T_max=5), S.ExponentialLR(o, 0.8)],
                                                   milestones=[3, 8]), 14)
PLATEAU = [1.0, 0.95, 0.93, 0.94, 0.92, 0.96, 0.90, 0.80, 0.81, 0.82, 0.83, 0.79, 0.85, 0.86, 0.87, 0.88, 0.90, 0.91, 0.92, 0.93]
run("plateau", sgd(), lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=0.05, cooldown=1, min_lr=[0.01, 0.02]),
    len(PLATEAU), metrics=PLATEAU)
run("plateau_max_abs", sgd(), lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.01,
                                                            threshold_mode="abs", min_lr=0.004, eps=0.002),
    len(PLATEAU), metrics=[-m for m in PLATEAU])
run("plateau_default", sgd(), lambda o: S.ReduceLROnPlateau(o), len(PLATEAU), metrics=PLATEAU)

save("schedulers.json", out, meta={"keys": keys, "plateau": PLATEAU})
