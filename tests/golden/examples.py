"""Expected values for examples/01-manual-backprop.cs (chapter 20.3.1 and 20.3.2), computed by PyTorch
running the same program (NumPy's float64, with torch tensors standing in for NumPy arrays)."""
import torch
from golden_io import save

out = {}
dt = torch.float64

# 20.3.1: the tiny case.
x = torch.tensor([[1.0, 2.0]], dtype=dt)
y = torch.tensor([[1.0, 2.0]], dtype=dt)
w1 = torch.tensor([[0.0, 0.1], [0.2, 0.3]], dtype=dt)
w2 = w1.clone()
h = x.mm(w1)
h_relu = h.clamp(min=0)
y_pred = h_relu.mm(w2)
loss = (y_pred - y).pow(2).sum()
grad_y_pred = 2.0 * (y_pred - y)
grad_w2 = h_relu.t().mm(grad_y_pred)
grad_h_relu = grad_y_pred.mm(w2.t())
grad_h = grad_h_relu.clone()
grad_h[h < 0] = 0
grad_w1 = x.t().mm(grad_h)
w1 -= 1e-6 * grad_w1
w2 -= 1e-6 * grad_w2
out.update({"tiny_h": h, "tiny_h_relu": h_relu, "tiny_y_pred": y_pred, "tiny_loss": loss,
            "tiny_grad_y_pred": grad_y_pred, "tiny_grad_w2": grad_w2, "tiny_grad_h_relu": grad_h_relu,
            "tiny_grad_w1": grad_w1, "tiny_w1": w1, "tiny_w2": w2})

# 20.3.2: the general case, seed 0, 500 steps, loss every step.
N, D_in, H, D_out = 64, 1000, 100, 10
torch.manual_seed(0)
x = torch.randn(N, D_in, dtype=dt)
y = torch.randn(N, D_out, dtype=dt)
w1 = torch.randn(D_in, H, dtype=dt)
w2 = torch.randn(H, D_out, dtype=dt)
losses = []
for t in range(500):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    losses.append((y_pred - y).pow(2).sum().item())
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h = grad_y_pred.mm(w2.t())
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)
    w1 -= 1e-6 * grad_w1
    w2 -= 1e-6 * grad_w2
out["general_losses"] = torch.tensor(losses, dtype=dt)
out["general_w2_final"] = w2
save("examples.json", out)
print("losses at 99..499:", [round(losses[i], 6) for i in range(99, 500, 100)])
