"""Golden gradients of composite expressions (tests/Ember.Tests/Autograd/CompositeGradientTests.cs).

Each expression runs in float64 and float32 on the same values (drawn in float64, then converted).
Names are "<expr>.<f64|f32>.<tensor>": the inputs, the forward value ("loss", or named outputs) and
the gradients ("grad_<input>"), and for the second-order expressions the intermediate first-order
gradients too. Some inputs are stored transposed ("<name>_t"): the expression uses their transpose,
so Ember is checked on non-contiguous leaves, and the gradient is that of the stored tensor.
"""
import torch

from golden_io import save

out = {}


def leaf(x, dt):
    return x.to(dt).clone().requires_grad_()


def store(prefix, tensors):
    for k, v in tensors.items():
        out[f"{prefix}.{k}"] = v.detach()


for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    g = torch.Generator().manual_seed(2024)

    def rn(*s):
        return torch.randn(*s, generator=g, dtype=torch.float64)

    # The chapter's two-layer net: loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum().
    x, y = rn(4, 3).to(dt), rn(4, 2).to(dt)
    w1, w2 = leaf(rn(3, 5), dt), leaf(rn(5, 2), dt)
    loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
    gw1, gw2 = torch.autograd.grad(loss, [w1, w2])
    store(f"mlp2.{tag}", dict(x=x, y=y, w1=w1, w2=w2, loss=loss, grad_w1=gw1, grad_w2=gw2))

    # (a * b + c).sigmoid().sum(), everything broadcast: [3,1] * [1,4] + [4].
    a, b, c = leaf(rn(3, 1), dt), leaf(rn(1, 4), dt), leaf(rn(4), dt)
    loss = (a * b + c).sigmoid().sum()
    ga, gb, gc = torch.autograd.grad(loss, [a, b, c])
    store(f"sigmoid.{tag}", dict(a=a, b=b, c=c, loss=loss, grad_a=ga, grad_b=gb, grad_c=gc))

    # torch.tanh(a @ b).mean(dim=1).pow(2).sum(), batched a, b broadcast over the batch.
    a, b = leaf(rn(2, 3, 4), dt), leaf(rn(4, 5), dt)
    loss = torch.tanh(a @ b).mean(dim=1).pow(2).sum()
    ga, gb = torch.autograd.grad(loss, [a, b])
    store(f"tanh_matmul.{tag}", dict(a=a, b=b, loss=loss, grad_a=ga, grad_b=gb))

    # (a / (b.abs() + 1)).exp().log1p().sum(), a used transposed, b broadcast over rows.
    a_t, b = leaf(rn(4, 3), dt), leaf(rn(4), dt)
    loss = (a_t.t() / (b.abs() + 1)).exp().log1p().sum()
    ga, gb = torch.autograd.grad(loss, [a_t, b])
    store(f"div_abs.{tag}", dict(a_t=a_t, b=b, loss=loss, grad_a_t=ga, grad_b=gb))

    # Softmax by hand, weighted and summed: ((x - x.logsumexp(1, keepdim=True)).exp() * w).sum().
    x, w = leaf(rn(3, 5), dt), leaf(rn(5), dt)
    loss = ((x - x.logsumexp(1, keepdim=True)).exp() * w).sum()
    gx, gw = torch.autograd.grad(loss, [x, w])
    store(f"softmax.{tag}", dict(x=x, w=w, loss=loss, grad_x=gx, grad_w=gw))

    # Views: (x.permute(1, 0)[1:, :2].reshape(-1) * w).sum().
    x, w = leaf(rn(4, 3), dt), leaf(rn(4), dt)
    loss = (x.permute(1, 0)[1:, :2].reshape(-1) * w).sum()
    gx, gw = torch.autograd.grad(loss, [x, w])
    store(f"permute_slice.{tag}", dict(x=x, w=w, loss=loss, grad_x=gx, grad_w=gw))

    # index_select (repeated index: gradients accumulate) -> cat -> stack -> gather -> weighted sum.
    x, z = leaf(rn(4, 3), dt), leaf(rn(2, 3), dt)
    idx = torch.tensor([2, 0, 2])
    gidx = torch.randint(0, 3, (5, 2, 2), generator=g)
    wts = rn(5, 2, 2).to(dt)
    yy = torch.cat([x.index_select(0, idx), z], 0)
    s = torch.stack([yy, yy * yy], 1)
    loss = (s.gather(2, gidx) * wts).sum()
    gx, gz = torch.autograd.grad(loss, [x, z])
    store(f"gather_chain.{tag}", dict(x=x, z=z, idx=idx, gidx=gidx, wts=wts, loss=loss, grad_x=gx, grad_z=gz))

    # Matrix products and Mul only: ((a @ b) * c) @ v, then mv with u, then dot with w.
    a, b, c = leaf(rn(2, 3, 4), dt), leaf(rn(4, 5), dt), leaf(rn(5), dt)
    v, u, w = leaf(rn(5), dt), leaf(rn(3), dt), leaf(rn(2), dt)
    loss = ((a @ b) * c).matmul(v).mv(u).dot(w)
    grads = torch.autograd.grad(loss, [a, b, c, v, u, w])
    store(f"matmul_chain.{tag}", dict(a=a, b=b, c=c, v=v, u=u, w=w, loss=loss,
                                     **{f"grad_{n}": t for n, t in zip("abcvuw", grads)}))

    # bmm with a transposed leaf, times an outer product (broadcast), then matmul with a vector, mv, dot.
    m, n_t = leaf(rn(2, 4, 3), dt), leaf(rn(2, 4, 3), dt)
    p, q, r, s_ = (leaf(rn(4), dt) for _ in range(4))
    w = leaf(rn(2), dt)
    loss = (torch.bmm(m, n_t.transpose(1, 2)) * torch.outer(p, q)).matmul(r).mv(s_).dot(w)
    grads = torch.autograd.grad(loss, [m, n_t, p, q, r, s_, w])
    store(f"bmm_outer.{tag}", dict(m=m, n_t=n_t, p=p, q=q, r=r, s=s_, w=w, loss=loss,
                                  **{f"grad_{k}": t for k, t in zip(["m", "n_t", "p", "q", "r", "s", "w"], grads)}))

    # Second order with matrix products only: f = (x.mm(w1)).mv(u1) . (x.mm(w2)).mv(u2);
    # g1 = df/dw1 (create_graph), then the mixed Hessian-vector product d(g1 . v)/dw2 through grad_outputs.
    x, u1, u2, v = rn(5, 3).to(dt), rn(4).to(dt), rn(4).to(dt), rn(3, 4).to(dt)
    w1, w2 = leaf(rn(3, 4), dt), leaf(rn(3, 4), dt)
    f = x.mm(w1).mv(u1).dot(x.mm(w2).mv(u2))
    g1, = torch.autograd.grad(f, [w1], create_graph=True)
    h2, = torch.autograd.grad(g1, [w2], grad_outputs=v)
    store(f"hvp_bilinear.{tag}", dict(x=x, u1=u1, u2=u2, v=v, w1=w1, w2=w2, f=f, g1=g1, h2=h2))

    # Hessian-vector product of a small MLP: loss = (tanh(x @ w1) @ w2).pow(2).mean();
    # g = grad(loss, [w1, w2], create_graph=True); hvp = grad(sum(g_i * v_i), [w1, w2]).
    x = rn(5, 3).to(dt)
    w1, w2 = leaf(rn(3, 4), dt), leaf(rn(4, 1), dt)
    v1, v2 = rn(3, 4).to(dt), rn(4, 1).to(dt)
    loss = (torch.tanh(x @ w1) @ w2).pow(2).mean()
    g1, g2 = torch.autograd.grad(loss, [w1, w2], create_graph=True)
    gv = (g1 * v1).sum() + (g2 * v2).sum()
    h1, h2 = torch.autograd.grad(gv, [w1, w2])
    store(f"hvp_mlp.{tag}", dict(x=x, w1=w1, w2=w2, v1=v1, v2=v2, loss=loss, g1=g1, g2=g2, h1=h1, h2=h2))

    # Gradient penalty: gx = d/dx tanh(x @ w).sum() (create_graph); gp = (|gx|_row - 1)^2 mean; d gp / dw.
    x, w = leaf(rn(4, 3), dt), leaf(rn(3, 2), dt)
    o = torch.tanh(x @ w).sum()
    gx, = torch.autograd.grad(o, [x], create_graph=True)
    gp = (gx.norm(2, dim=1) - 1).pow(2).mean()
    gw, = torch.autograd.grad(gp, [w])
    store(f"grad_penalty.{tag}", dict(x=x, w=w, o=o, gx=gx, gp=gp, grad_w=gw))

    # An empty batch: the loss is 0 and every gradient is zeros of its input's shape.
    a, b = leaf(rn(2, 0, 3), dt), leaf(rn(3, 2), dt)
    loss = torch.tanh(a @ b).sum()
    ga, gb = torch.autograd.grad(loss, [a, b])
    store(f"empty.{tag}", dict(a=a, b=b, loss=loss, grad_a=ga, grad_b=gb))

save("grad_composite.json", out)
