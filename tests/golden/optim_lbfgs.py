"""Golden trajectories for Ember.Optim.LBFGS (tests/Ember.Tests/Optim/LbfgsGoldenTests.cs): PyTorch 1.13.

Each case CASE starts from the parameters stored as "CASE.init.<name>" and takes STEPS optimizer steps.
Recorded: "CASE.losses" (the loss of every closure evaluation, in order, float64), "CASE.step_losses"
(what each step returned), "CASE.after<s>.<name>" (the parameters after step s) and the final
"CASE.func_evals" / "CASE.n_iter" counters.
Problems: least squares (float64, a [5, 3] weight and a [3] bias, history_size 3 so the history wraps),
with a fixed step and with strong_wolfe; Rosenbrock (float64, strong_wolfe: exercises the zoom phase);
and PyTorch's time_sequence_prediction example in small (LSTMCell(1, 8) + Linear(8, 1) on sine waves,
float32 with a fixed step lr=0.8 as the example uses but max_iter=4: over 20 iterations float32 rounding alone
(a 1e-7 relative nudge of the start) moves PyTorch's own trajectory by 1e-3, and float64 with strong_wolfe).
Run from tests/golden/: /usr/bin/python3 optim_lbfgs.py
"""
import torch
from golden_io import save

out = {}


def run(case, params, loss_fn, steps, **opts):
    """params: dict name -> leaf tensor. loss_fn() computes the loss from them."""
    for n, p in params.items():
        out[f"{case}.init.{n}"] = p.detach().clone()
    opt = torch.optim.LBFGS(list(params.values()), **opts)
    losses, step_losses = [], []

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        return loss

    for s in range(steps):
        step_losses.append(opt.step(closure).item())
        for n, p in params.items():
            out[f"{case}.after{s}.{n}"] = p.detach().clone()
    out[f"{case}.losses"] = torch.tensor(losses, dtype=torch.float64)
    out[f"{case}.step_losses"] = torch.tensor(step_losses, dtype=torch.float64)
    st = opt.state[next(iter(params.values()))]
    out[f"{case}.func_evals"] = torch.tensor(st["func_evals"], dtype=torch.int64)
    out[f"{case}.n_iter"] = torch.tensor(st["n_iter"], dtype=torch.int64)


# Least squares: y = x @ w + b with noise; the features are scaled unevenly so it takes several iterations.
g = torch.Generator().manual_seed(7)
X = torch.randn(20, 5, generator=g, dtype=torch.float64) * torch.tensor([1.0, 3.0, 0.5, 2.0, 1.5], dtype=torch.float64)
Y = torch.randn(20, 3, generator=g, dtype=torch.float64)
out["ls.x"], out["ls.y"] = X, Y
w0 = torch.randn(5, 3, generator=g, dtype=torch.float64)
b0 = torch.randn(3, generator=g, dtype=torch.float64)
for case, opts in (("ls_fixed", dict(lr=0.5, max_iter=6, history_size=3)),
                   ("ls_wolfe", dict(max_iter=6, history_size=3, line_search_fn="strong_wolfe"))):
    w = w0.clone().requires_grad_()
    b = b0.clone().requires_grad_()
    run(case, {"w": w, "b": b}, lambda w=w, b=b: ((X @ w + b - Y) ** 2).mean(), 3, **opts)

# Rosenbrock from (-1.5, 2).
xy = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
run("rosenbrock_wolfe", {"xy": xy}, lambda: (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2, 3,
    max_iter=10, history_size=4, line_search_fn="strong_wolfe")

# Sine-wave sequence prediction (PyTorch's time_sequence_prediction example, scaled down): predict
# each next value of 3 sine waves of 12 steps from the current one.
T, N, L = 20, 3, 13
phase = torch.tensor([0.0, 7.0, 13.0]).unsqueeze(1)
wave = torch.sin((torch.arange(L).unsqueeze(0) + phase) / T)  # [N, L]
out["seq.wave"] = wave


class Seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = torch.nn.LSTMCell(1, 8)
        self.linear = torch.nn.Linear(8, 1)

    def forward(self, x):  # x: [N, steps]
        h = torch.zeros(x.size(0), 8, dtype=x.dtype)
        c = torch.zeros(x.size(0), 8, dtype=x.dtype)
        outs = []
        for i in range(x.size(1)):
            h, c = self.lstm1(x[:, i:i + 1], (h, c))
            outs.append(self.linear(h))
        return torch.cat(outs, 1)


for case, dt, steps, opts in (("lstm_fixed", torch.float32, 3, dict(lr=0.8, max_iter=4)),
                              ("lstm_wolfe", torch.float64, 3, dict(max_iter=8, line_search_fn="strong_wolfe"))):
    torch.manual_seed(0)
    m = Seq().to(dt)
    inp, tgt = wave[:, :-1].to(dt), wave[:, 1:].to(dt)
    run(case, dict(m.named_parameters()), lambda m=m, inp=inp, tgt=tgt: ((m(inp) - tgt) ** 2).mean(), steps, **opts)

save("optim_lbfgs.json", out)
print(len(out), "tensors")
for k in out:
    if k.endswith(".losses") or k.endswith("func_evals") or k.endswith("n_iter"):
        print(k, out[k].tolist() if out[k].numel() < 8 else (out[k].numel(), out[k][-1].item()))
