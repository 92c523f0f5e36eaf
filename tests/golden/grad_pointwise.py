"""Gradients of pointwise ops at PyTorch's conventional points (tests/Ember.Tests/Autograd/PointwiseGradGoldenTests.cs).

Where a pointwise op is not differentiable (relu and abs at 0, clamp at its bounds, maximum/minimum
ties, pow with base or exponent 0, rounding ops), PyTorch's gradient is a convention. Each case runs
an op on fixed inputs and backpropagates ones; it stores, for float32 and float64:
    "NAME|DT|in0", "NAME|DT|in1", ...   the inputs (all of them require grad)
    "NAME|DT|out"                       the forward result
    "NAME|DT|g0", "NAME|DT|g1", ...     the gradients of the inputs (absent: no gradient reached it)
The C# test has a function of the same NAME; it reads the inputs, runs it and compares.
"""
import torch
from golden_io import save

nan = float("nan")
out = {}


def case(name, fn, *inputs):
    for dt, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
        xs = [torch.tensor(v, dtype=dt, requires_grad=True) for v in inputs]
        r = fn(*xs)
        r.backward(torch.ones_like(r))
        key = f"{name}|{tag}"
        for i, x in enumerate(xs):
            out[f"{key}|in{i}"] = x.detach()
            if x.grad is not None:
                out[f"{key}|g{i}"] = x.grad
        out[f"{key}|out"] = r.detach()


def inplace(op):
    def f(x, *rest):
        y = x * 1
        op(y, *rest)
        return y
    return f


X = [-2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0]
R = [-1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.0]

case("relu", lambda x: x.relu(), X)
case("relu_", inplace(lambda y: y.relu_()), X)
case("abs", lambda x: x.abs(), X)
case("abs_", inplace(lambda y: y.abs_()), X)
case("sign", lambda x: x.sign(), X)
case("floor", lambda x: x.floor(), R)
case("ceil", lambda x: x.ceil(), R)
case("round", lambda x: x.round(), R)
case("round_decimals", lambda x: x.round(decimals=1), R)
case("trunc", lambda x: x.trunc(), R)

# clamp with number bounds, at and beyond the bounds, and NaN
C = [-2.0, -1.0, -0.5, 0.0, 1.0, 2.0, nan]
case("clamp", lambda x: x.clamp(-1, 1), C)
case("clamp_min_only", lambda x: x.clamp(min=-1), C)
case("clamp_max_only", lambda x: x.clamp(max=1), C)
case("clamp_min", lambda x: x.clamp_min(-1), C)
case("clamp_max", lambda x: x.clamp_max(1), C)
case("clamp_equal_bounds", lambda x: x.clamp(0.5, 0.5), [0.0, 0.5, 1.0])
case("clamp_min_above_max", lambda x: x.clamp(1, -1), C)
case("clamp_nan_min_only", lambda x: x.clamp(min=nan), C)
case("clamp_nan_min", lambda x: x.clamp(nan, 1), C)
case("clamp_min_nan", lambda x: x.clamp_min(nan), C)
case("clamp_max_nan", lambda x: x.clamp_max(nan), C)
case("maximum_nan_number", lambda x: torch.maximum(x, torch.tensor(nan, dtype=x.dtype)), C)
case("clamp_", inplace(lambda y: y.clamp_(-1, 1)), C)

# clamp with tensor bounds: below, at min, inside, at max, above, min > max, min == max
CX = [-2.0, -1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 0.5, -3.0, 3.0]
LO = [-1.0, -1.0, -1.0, -1.0, -1.0, 1.0, 0.0, 1.0, 0.5, 0.5, 0.5]
HI = [1.0, 1.0, 1.0, 1.0, 1.0, -1.0, 0.0, 1.0, 0.5, 0.5, 0.5]
case("clamp_t", lambda x, lo, hi: x.clamp(lo, hi), CX, LO, HI)
case("clamp_t_min_only", lambda x, lo: x.clamp(min=lo), CX, LO)
case("clamp_t_max_only", lambda x, hi: x.clamp(max=hi), CX, HI)
case("clamp_min_t", lambda x, lo: x.clamp_min(lo), CX, LO)
case("clamp_max_t", lambda x, hi: x.clamp_max(hi), CX, HI)
case("clamp_t_", inplace(lambda y, lo, hi: y.clamp_(lo, hi)), CX, LO, HI)

# maximum / minimum: ties split the gradient; NaN passes it to both
A = [1.0, 2.0, 3.0, nan, 0.0, -0.0, nan]
B = [1.0, 3.0, 2.0, 1.0, nan, 0.0, nan]
case("maximum", lambda a, b: torch.maximum(a, b), A, B)
case("minimum", lambda a, b: torch.minimum(a, b), A, B)

# pow with a number exponent, at 0
P = [0.0, -0.0, -1.0, 2.0]
for name, e in (("pow_2", 2), ("pow_0", 0), ("pow_1", 1), ("pow_3", 3), ("pow_half", 0.5), ("pow_1p5", 1.5), ("pow_m1", -1), ("pow_m2", -2), ("pow_mhalf", -0.5)):
    case(name, lambda x, e=e: x ** e, P)
case("square", lambda x: torch.square(x), P)
case("pow_", inplace(lambda y: y.pow_(2)), P)
# pow of two tensors: base 0 with exponent 0, 1, 2, -1, 0.5; exponent 0 with other bases; negative bases
BASE = [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, -2.0, -2.0, -2.0, 3.0]
EXP = [0.0, 1.0, 2.0, -1.0, 0.5, 0.0, 0.5, 2.0, 0.0, -2.0]
case("pow_tt", lambda b, e: b ** e, BASE, EXP)
case("pow_tt_", inplace(lambda y, e: y.pow_(e)), BASE, EXP)
# pow with a number base
E = [0.0, 1.0, -1.0, 0.5, 2.0, -0.5]
case("pow_base0", lambda e: torch.pow(0.0, e), E)
case("pow_base2", lambda e: torch.pow(2.0, e), E)
case("pow_base1", lambda e: torch.pow(1.0, e), E)
case("pow_base_neg", lambda e: torch.pow(-2.0, e), E)

# division with a rounding mode: zero gradients
case("div_floor", lambda a, b: torch.div(a, b, rounding_mode="floor"), [1.5, -2.5, 3.0], [2.0, 3.0, -0.5])
case("div_trunc", lambda a, b: torch.div(a, b, rounding_mode="trunc"), [1.5, -2.5, 3.0], [2.0, 3.0, -0.5])
case("div_by_zero", lambda a, b: a / b, [1.0, 0.0, -1.0], [0.0, 0.0, 0.0])

# singular points of smooth functions
Z = [0.0, -0.0, 4.0, -1.0]
case("sqrt", lambda x: x.sqrt(), Z)
case("rsqrt", lambda x: x.rsqrt(), Z)
case("log", lambda x: x.log(), Z)
case("log2", lambda x: x.log2(), Z)
case("log1p", lambda x: x.log1p(), [-1.0, 0.0, -2.0])
case("reciprocal", lambda x: x.reciprocal(), Z)
case("tanh", lambda x: x.tanh(), [-100.0, 0.0, 100.0])
case("sigmoid", lambda x: x.sigmoid(), [-100.0, 0.0, 100.0])

# where, lerp at its ends, fill_ and zero_
case("where", lambda a, b: torch.where(a > 0, a, b), [1.0, -1.0, 0.0], [5.0, 6.0, 7.0])
case("lerp", lambda a, b, w: torch.lerp(a, b, w), [1.0, 2.0, 3.0], [4.0, 6.0, 8.0], [0.0, 1.0, 0.5])
case("fill_", lambda x: inplace(lambda y: y.fill_(3))(x) + x, [1.0, 2.0])
case("zero_", lambda x: inplace(lambda y: y.zero_())(x) * x, [1.0, 2.0])

save("grad_pointwise.json", out)
