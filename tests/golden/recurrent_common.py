"""What the recurrent golden scripts (nn_recurrent.py, nn_recurrent_packed.py) share: the backward
pass through a layer's results and the gradients it records."""


def record_backward(out, name, ys, x, state, module, rnd, dtype):
    """Records each result in ys under NAME_key, backpropagates sum(result * g) for a random g per
    result (also recorded, as NAME_gkey), then records the gradients of the input (NAME_gx), of the
    initial states (NAME_gh0, NAME_gc0) and of every parameter (NAME_g_<parameter name>)."""
    loss = 0
    for k, t in ys.items():
        out[f"{name}_{k}"] = t.detach()
        g = rnd(*t.shape, dtype=dtype)
        out[f"{name}_g{k}"] = g
        loss = loss + (t * g).sum()
    loss.backward()
    out[f"{name}_gx"] = x.grad
    for key, t in zip(("h0", "c0"), state):
        out[f"{name}_g{key}"] = t.grad
    for n, p in module.named_parameters():
        out[f"{name}_g_{n}"] = p.grad
