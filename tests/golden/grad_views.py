"""Golden gradients for views, indexing and copies (tests/Ember.Tests/Autograd/AutogradViewGoldenTests.cs).
Where PyTorch's gradient is a convention rather than calculus: repeated positions in an index read add
up; index_put_ without accumulate gives every value its position's gradient even when a later
duplicate overwrote it, and zeroes the old values there; unused outputs of unbind/split get zeros;
a cast's gradient comes back in the input's dtype. Inputs are arange-based so C# rebuilds them exactly."""
import torch
from golden_io import save

out = {}
d = torch.float64


def x_(*shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=d) / 4 - 1).reshape(shape).requires_grad_()


def g_(*shape):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=d) + 1).reshape(shape)


# index read with repeated positions, basic + advanced
x = x_(3, 4)
x[torch.tensor([2, 0, 2])][:, 1:].backward(g_(3, 3))
out["index_repeat"] = x.grad

# index_put_ without accumulate, duplicate positions
x = x_(4); v = x_(3)
y = x * 1
y.index_put_((torch.tensor([1, 1, 2]),), v)
y.backward(g_(4))
out["put_dup_self"] = x.grad; out["put_dup_values"] = v.grad

# index_put_ with accumulate, duplicates and a broadcast value
x = x_(4, 2); v = x_(2)
y = x.index_put((torch.tensor([3, 0, 3]),), v, accumulate=True)
y.backward(g_(4, 2))
out["put_acc_self"] = x.grad; out["put_acc_values"] = v.grad

# masked write on a non-leaf
x = x_(3, 4)
y = x * 2
y[y > 0] = 0
y.backward(g_(3, 4))
out["mask_write"] = x.grad

# column write of a broadcast value that requires grad, into a non-leaf
x = x_(3, 4); v = x_(1)
y = x * 1
y[:, 1] = v
y.backward(g_(3, 4))
out["col_write_self"] = x.grad; out["col_write_value"] = v.grad

# unbind / split with unused outputs
x = x_(3, 2)
x.unbind(0)[1].backward(g_(2))
out["unbind_unused"] = x.grad
x = x_(5, 2)
torch.autograd.backward([x.split(2)[0], x.split(2)[2]], [g_(2, 2), g_(1, 2)])
out["split_unused"] = x.grad

# a float32 round trip: the gradient comes back as float64
x = x_(2, 3)
(x.float() * 3).backward(g_(2, 3).float())
out["to_float"] = x.grad

save("grad_views.json", out)
