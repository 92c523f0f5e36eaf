"""Expected losses for examples 05-nn, 06-optim, 07-custom-module and 08-dynamic-net (chapter
20.3.7-20.3.10) and w, b of 09-linear-regression (20.3.11): PyTorch running the same programs."""
import torch
from torch import nn
from golden_io import save

N, D_in, H, D_out = 64, 1000, 100, 10


def data():
    torch.manual_seed(0)
    return torch.randn(N, D_in), torch.randn(N, D_out)


def run(model, step_fn):
    x, y = step_fn["data"]
    loss_fn = nn.MSELoss(reduction="sum")
    losses = []
    for t in range(500):
        loss = loss_fn(model(x), y)
        losses.append(loss.item())
        step_fn["step"](loss)
    return torch.tensor(losses, dtype=torch.float64)


def ex05():
    x, y = data()
    model = nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))
    def step(loss):
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 1e-4 * p.grad
    return run(model, {"data": (x, y), "step": step})


def with_optimizer(model_fn, opt_fn):
    x, y = data()
    model = model_fn()
    opt = opt_fn(model.parameters())
    def step(loss):
        opt.zero_grad()
        loss.backward()
        opt.step()
    return run(model, {"data": (x, y), "step": step})


class TwoLayerNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.linear1 = nn.Linear(D_in, H)
        self.linear2 = nn.Linear(H, D_out)

    def forward(self, x):
        return self.linear2(self.linear1(x).clamp(min=0))


class DynamicNet(nn.Module):
    def __init__(self, D_in, H, D_out):
        super().__init__()
        self.input_linear = nn.Linear(D_in, H)
        self.middle_linear = nn.Linear(H, H)
        self.output_linear = nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(int(torch.randint(0, 4, ()).item())):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        return self.output_linear(h_relu)


def ex09():
    torch.manual_seed(100)
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = 3 * x.pow(2) + 2 + 0.2 * torch.rand(x.size())
    w = torch.randn(1, 1, requires_grad=True)
    b = torch.zeros(1, 1, requires_grad=True)
    for _ in range(800):
        loss = (0.5 * (x.pow(2).mm(w) + b - y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.001 * w.grad
            b -= 0.001 * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return w.detach(), b.detach()


out = {
    "nn": ex05(),
    "optim": with_optimizer(lambda: nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out)),
                            lambda p: torch.optim.Adam(p, lr=1e-4)),
    "custom_module": with_optimizer(lambda: TwoLayerNet(D_in, H, D_out), lambda p: torch.optim.SGD(p, lr=1e-4)),
    "dynamic_net": with_optimizer(lambda: DynamicNet(D_in, H, D_out), lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.9)),
}
out["linreg_w"], out["linreg_b"] = ex09()
save("examples_nn.json", out)
for k in ["nn", "optim", "custom_module", "dynamic_net"]:
    print(k, [f"{out[k][i].item():.7g}" for i in range(99, 500, 100)])
print("w, b =", out["linreg_w"].item(), out["linreg_b"].item())
