"""Golden values for the everyday Tensor API that porting hits (tests/Ember.Tests/TensorApiTests.cs):
isclose / allclose / equal (with NaN, infinities, broadcasting and custom tolerances), finfo / iinfo,
and torch.testing.assert_close's messages.
"""
import math

import torch

from golden_io import save

inf, nan = math.inf, math.nan
out = {}
meta = {"isclose": [], "equal": [], "finfo": {}, "iinfo": {}, "assert_close": []}

# isclose / allclose: (name, a, b, rtol, atol, equal_nan); None means PyTorch's default.
cases = [
    ("plain_f32", torch.tensor([1.0, 2.0, 3.0, 1e-9, 0.0, -1.0]), torch.tensor([1.0, 2.00001, 3.1, 0.0, 1e-9, -1.0000099]), None, None, False),
    ("nonfinite_f32", torch.tensor([inf, -inf, inf, nan, nan, 1.0]), torch.tensor([inf, -inf, -inf, nan, 1.0, nan]), None, None, False),
    ("nonfinite_equal_nan", torch.tensor([inf, -inf, inf, nan, nan, 1.0]), torch.tensor([inf, -inf, -inf, nan, 1.0, nan]), None, None, True),
    ("custom_tol_f64", torch.tensor([1.0, 100.0, 0.001, -5.0], dtype=torch.float64), torch.tensor([1.1, 101.0, 0.0015, -5.2], dtype=torch.float64), 0.01, 0.001, False),
    ("zero_tol", torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0000002, 3.0]), 0.0, 0.0, False),
    ("broadcast", torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([1.0, 2.0, 3.0000001]), None, None, False),
    ("int64", torch.tensor([1, 2, 3, 100, -7]), torch.tensor([1, 3, 3, 101, -7]), None, None, False),
    ("int64_tol", torch.tensor([1, 2, 3, 100, -7]), torch.tensor([1, 3, 3, 101, -7]), 0.01, 0.5, False),
    ("bool", torch.tensor([True, False, True]), torch.tensor([True, True, True]), None, None, False),
]
for name, a, b, rtol, atol, eq_nan in cases:
    kw = {"equal_nan": eq_nan}
    if rtol is not None:
        kw["rtol"] = rtol
    if atol is not None:
        kw["atol"] = atol
    out[f"isclose.{name}.a"] = a
    out[f"isclose.{name}.b"] = b
    out[f"isclose.{name}.out"] = torch.isclose(a, b, **kw)
    meta["isclose"].append({"name": name, "rtol": rtol, "atol": atol, "equal_nan": eq_nan,
                            "allclose": bool(torch.allclose(a, b, **kw))})

eq_cases = [
    ("same", torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])),
    ("differ", torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5])),
    ("shape", torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0]])),
    ("int_float", torch.tensor([1, 2]), torch.tensor([1.0, 2.0])),
    ("nan", torch.tensor([nan]), torch.tensor([nan])),
    ("empty", torch.zeros(0), torch.zeros(0)),
]
for name, a, b in eq_cases:
    out[f"equal.{name}.a"] = a
    out[f"equal.{name}.b"] = b
    meta["equal"].append({"name": name, "equal": bool(torch.equal(a, b))})

for name, dt in (("float32", torch.float32), ("float64", torch.float64)):
    fi = torch.finfo(dt)
    meta["finfo"][name] = {"bits": fi.bits, "eps": fi.eps, "max": fi.max, "min": fi.min, "tiny": fi.tiny,
                           "smallest_normal": fi.smallest_normal, "resolution": fi.resolution}
for name, dt in (("int64", torch.int64), ("int32", torch.int32), ("uint8", torch.uint8)):
    ii = torch.iinfo(dt)
    meta["iinfo"][name] = {"bits": ii.bits, "max": ii.max, "min": ii.min}

# assert_close: the message PyTorch gives, or null when the tensors pass.
ac = [
    ("close_f32", torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.000001, 3.0])),
    ("far_f32", torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0])),
    ("far_2d_f64", torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64), torch.tensor([[1.0, 2.0], [3.0, 4.001]], dtype=torch.float64)),
    ("ints", torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 2], [3, 5]])),
    ("nan", torch.tensor([1.0, nan]), torch.tensor([1.0, nan])),
    ("shape", torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0])),
    ("dtype", torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)),
]
for name, a, b in ac:
    out[f"assert_close.{name}.actual"] = a
    out[f"assert_close.{name}.expected"] = b
    try:
        torch.testing.assert_close(a, b)
        msg = None
    except AssertionError as e:
        msg = str(e)
    meta["assert_close"].append({"name": name, "message": msg})

save("tensor_api.json", out, meta)
