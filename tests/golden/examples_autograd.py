"""Expected losses for examples 02-tensor-backprop, 03-autograd and 04-custom-function (chapter 20.3.3-20.3.5):
PyTorch running the same programs, float32, torch.manual_seed(0), loss at every step."""
import torch
from golden_io import save

N, D_in, H, D_out = 64, 1000, 100, 10
lr = 1e-6


def data():
    torch.manual_seed(0)
    return (torch.randn(N, D_in), torch.randn(N, D_out), torch.randn(D_in, H), torch.randn(H, D_out))


def tensor_backprop():
    x, y, w1, w2 = data()
    losses = []
    for t in range(500):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        losses.append((y_pred - y).pow(2).sum().item())
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h = grad_y_pred.mm(w2.t()).clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return losses


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        ctx.save_for_backward(inp)
        return inp.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        inp, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[inp < 0] = 0
        return grad_input


def autograd_run(relu):
    x, y, w1, w2 = data()
    w1.requires_grad_()
    w2.requires_grad_()
    losses = []
    for t in range(500):
        y_pred = relu(x.mm(w1)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w1 -= lr * w1.grad
            w2 -= lr * w2.grad
            w1.grad.zero_()
            w2.grad.zero_()
    return losses


out = {
    "tensor_backprop": torch.tensor(tensor_backprop(), dtype=torch.float64),
    "autograd": torch.tensor(autograd_run(lambda t: t.clamp(min=0)), dtype=torch.float64),
    "custom_function": torch.tensor(autograd_run(MyReLU.apply), dtype=torch.float64),
}
save("examples_autograd.json", out)
for k, v in out.items():
    print(k, [f"{v[i].item():.7g}" for i in range(99, 500, 100)])
