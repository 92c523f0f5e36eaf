"""PyTorch's gradients at the points where reductions have conventions (tests/Ember.Tests/Autograd/ReductionGradConventionTests.cs).

For each case NAME and dtype DT (f32, f64): "x|NAME|DT" is the input, "g|NAME|DT" the upstream gradient
(random), "grad|NAME|DT" the gradient PyTorch gives the input ("none|NAME|DT" marks an input PyTorch
leaves without a gradient). The C# test maps NAME to the same call.
"""
import torch
from golden_io import save

torch.manual_seed(0)
nan, inf = float("nan"), float("inf")

cases = {
    # ties: max/min/median over all elements split the gradient evenly, amax/amin per slice
    "max_all_ties": ([[1.0, 3.0, 3.0], [0.0, 3.0, 2.0]], lambda x: x.max()),
    "min_all_ties": ([[1.0, 0.0, 3.0], [0.0, 3.0, 0.0]], lambda x: x.min()),
    "max_all_nan": ([[1.0, nan, 3.0], [nan, 3.0, 2.0]], lambda x: x.max()),
    "median_all_ties": ([[1.0, 2.0], [2.0, 3.0]], lambda x: x.median()),
    "amax_ties": ([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], lambda x: x.amax(1)),
    "amin_ties_keepdim": ([[1.0, 3.0, 1.0], [2.0, 0.0, 2.0]], lambda x: x.amin(0, keepdim=True)),
    # ties along a dim: the gradient goes to the reported index only
    "max_dim_ties": ([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], lambda x: x.max(1)[0]),
    "min_dim_ties": ([[1.0, 0.0, 0.0], [2.0, 2.0, 2.0]], lambda x: x.min(1)[0]),
    "sort_ties": ([[1.0, 3.0, 1.0, 3.0]], lambda x: x.sort(stable=True, dim=1)[0]),
    # norms at zero and at ties
    "norm2_zero_row": ([[0.0, 0.0, 0.0], [3.0, -4.0, 0.0]], lambda x: x.norm(2, 1)),
    "norm2_all_zero": ([[0.0, 0.0], [0.0, 0.0]], lambda x: x.norm()),
    "norm1_zero": ([[0.0, -2.0, 1.0]], lambda x: x.norm(1)),
    "norminf_ties": ([[3.0, -3.0, 1.0], [0.0, 2.0, -1.0]], lambda x: x.norm(inf, 1)),
    "norm3_zero_row": ([[0.0, 0.0], [1.0, -2.0]], lambda x: x.norm(3, 1)),
    "norm05_zero": ([[0.0, 1.0, 4.0]], lambda x: x.norm(0.5, 1)),
    "norm0": ([[0.0, 1.0, 4.0]], lambda x: x.norm(0, 1)),
    # zeros in products
    "prod_one_zero": ([[2.0, 0.0, 3.0], [1.5, -1.0, 2.0]], lambda x: x.prod()),
    "prod_two_zeros": ([[2.0, 0.0, 3.0], [0.0, -1.0, 2.0]], lambda x: x.prod()),
    "prod_dim_zeros": ([[2.0, 0.0, 3.0], [0.0, -1.0, 0.0], [1.0, 2.0, 3.0]], lambda x: x.prod(1)),
    "cumprod_zeros": ([[2.0, 0.0, 3.0, 4.0], [0.0, -1.0, 0.0, 2.0], [1.0, 2.0, 0.0, 3.0]], lambda x: x.cumprod(1)),
    # var/std where N - correction <= 0, and std of a constant slice
    "var_single_0d": (2.0, lambda x: x.var()),  # ([[2.0]] trips a shape bug in PyTorch 1.13)
    "var_dim_single": ([[2.0, 3.0]], lambda x: x.var(0)),
    "var_dim_negative_dof": ([[1.0, 3.0], [2.0, 5.0]], lambda x: x.var(1, correction=3)),
    "std_constant_rows": ([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]], lambda x: x.std(1)),
    # logsumexp with -inf entries
    "logsumexp_neginf": ([[-inf, 0.0, 1.0], [2.0, -inf, -inf]], lambda x: x.logsumexp(1)),
}

out = {}
for name, (data, fn) in cases.items():
    for dt, tdt in (("f64", torch.float64), ("f32", torch.float32)):
        x = torch.tensor(data, dtype=tdt, requires_grad=True)
        y = fn(x)
        g = torch.randn(y.shape, dtype=tdt)
        y.backward(g)
        key = f"{name}|{dt}"
        out["x|" + key] = x.detach()
        out["g|" + key] = g
        if x.grad is None:
            out["none|" + key] = torch.tensor(True)
        else:
            out["grad|" + key] = x.grad
save("grad_reductions.json", out)
