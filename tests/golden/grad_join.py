"""Gradients of joining/index ops at PyTorch's conventions (ties, zeros, repeated indices), computed
by PyTorch 1.13 for tests/Ember.Tests/Autograd/JoiningGradGoldenTests.cs. Writes grad_join.json.

Each case stores its inputs, the upstream gradient g and the resulting input gradients.
"""
import torch

from golden_io import save

T = {}
d = torch.float64


def t(v):
    return torch.tensor(v, dtype=d)


def leaf(v):
    return t(v).requires_grad_()


def scatter_reduce(name, self_v, index_v, src_v, reduce, include_self, g_v):
    s, src, idx, g = leaf(self_v), leaf(src_v), torch.tensor(index_v), t(g_v)
    out = s.scatter_reduce(0, idx, src, reduce, include_self=include_self)
    out.backward(g)
    T[name + "_out"] = out
    T[name + "_gself"] = s.grad
    T[name + "_gsrc"] = src.grad


# amax/amin: ties among self and src share the gradient evenly.
scatter_reduce("amax_ties", [1., 3., 2.], [0, 1, 1, 2, 1], [1., 3., 0., 2., 3.], "amax", True, [1., 2., 3.])
scatter_reduce("amin_ties", [1., 3., 2.], [0, 1, 1, 2, 1], [1., 3., 5., 2., 3.], "amin", True, [1., 2., 3.])
# include_self=False with a tie among src values only (self does not equal the result).
scatter_reduce("amax_noself_srctie", [0., 5.], [0, 0], [4., 4.], "amax", False, [1., 2.])
# prod: a single zero in src, a zero in self, two zeros in src.
for inc in (True, False):
    scatter_reduce("prod_zeros_" + ("self" if inc else "noself"), [2., 0., 3., 4.], [0, 0, 1, 2, 2, 3],
                   [0., 5., 2., 0., 0., 3.], "prod", inc, [1., 2., 3., 4.])
scatter_reduce("mean_noself", [1., 2., 3.], [0, 0, 2], [4., 5., 6.], "mean", False, [1., 2., 3.])

# scatter with a repeated index: every src element gets g at its target (even the one overwritten).
s, src = leaf([1., 2., 3.]), leaf([4., 5., 6.])
s.scatter(0, torch.tensor([1, 1, 0]), src).backward(t([1., 2., 3.]))
T["scatter_dup_gself"], T["scatter_dup_gsrc"] = s.grad, src.grad

# index_fill with a tensor value and a repeated index: each filled slice counts once.
x, v = leaf([[1., 2.], [3., 4.], [5., 6.]]), leaf(7.)
x.index_fill(0, torch.tensor([0, 2, 0]), v).backward(t([[1., 2.], [3., 4.], [5., 6.]]))
T["index_fill_gx"], T["index_fill_gv"] = x.grad, v.grad

# index_copy with a repeated index: both source rows get the gradient of the row they target.
x, src = leaf([[1., 2.], [3., 4.]]), leaf([[5., 6.], [7., 8.]])
x.index_copy(0, torch.tensor([1, 1]), src).backward(t([[1., 2.], [3., 4.]]))
T["index_copy_gx"], T["index_copy_gsrc"] = x.grad, src.grad

# masked_fill with a tensor value, self broadcast against the mask.
x, v = leaf([1., 2., 3.]), leaf(0.5)
m = torch.tensor([[True, False, True], [False, False, True]])
x.masked_fill(m, v).backward(t([[1., 2., 3.], [4., 5., 6.]]))
T["masked_fill_gx"], T["masked_fill_gv"] = x.grad, v.grad

# masked_select with self broadcast against the mask.
x = leaf([[1., 2., 3.]])
x.masked_select(m).backward(t([1., 2., 3.]))
T["masked_select_gx"] = x.grad

# take with negative and repeated indices accumulates.
x = leaf([[1., 2., 3.], [4., 5., 6.]])
x.take(torch.tensor([[-1, 0], [5, 5]])).backward(t([[1., 2.], [3., 4.]]))
T["take_gx"] = x.grad

# repeat with extra leading dims sums over the tiles.
x = leaf([[1., 2.]])
x.repeat(2, 2, 1).backward(torch.arange(8, dtype=d).reshape(2, 2, 2))
T["repeat_gx"] = x.grad

# roll over two dims (one repeated) rolls the gradient back.
x = leaf([[1., 2., 3.], [4., 5., 6.]])
x.roll((1, 2, -1), (0, 1, 1)).backward(torch.arange(6, dtype=d).reshape(2, 3))
T["roll_gx"] = x.grad

save("grad_join.json", T)
