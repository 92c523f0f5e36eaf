"""Expected repr() strings for Tensor.ToString() (tests/Ember.Tests/PrintingTests.cs).

golden_io stores only tensors, so this file writes its own JSON: {"cases": {name: {"input": tensor,
"repr": str}}}, the input in golden_io's tensor encoding. Written atomically, as golden_io does.
"""
import json
import math
import os

import torch

from golden_io import encode

torch.manual_seed(7)
nan, inf = math.nan, math.inf
f64 = torch.float64
cases = {
    "f32_row": torch.tensor([[0.4, 0.7]]),
    "f32_randn": torch.randn(3, 4),
    "f32_scalar": torch.tensor(3.5),
    "f32_scalar_tiny": torch.tensor(1e-8),
    "f32_int_valued": torch.tensor([1.0, 2.0, -3.0]),
    "f32_int_valued_sci": torch.tensor([1.0, 1e5]),
    "f32_int_valued_huge": torch.tensor([3.0, 2e9]),
    "f32_sci_ratio": torch.tensor([1e-3, 2.5]),
    "f32_sci_small": torch.tensor([1e-5, 0.5]),
    "f32_sci_large": torch.tensor([1.5e9, 0.5]),
    "f32_no_sci_edge": torch.tensor([0.0001, 0.1]),
    "f32_nonfinite": torch.tensor([nan, 1.5, inf, -inf]),
    "f32_only_nonfinite": torch.tensor([nan, inf, -inf]),
    "f32_int_nonfinite": torch.tensor([nan, 2.0, -inf]),
    "f32_zeros": torch.zeros(2, 3),
    "f32_neg_zero": torch.tensor([-0.0, 1.5]),
    "f32_neg_zero_int": torch.tensor([-0.0, 1.0]),
    "f32_ties": torch.tensor([1.03125, 0.125, 2.5, -0.65625]),
    "f32_sci_round": torch.tensor([9.99996e-5, 1.0]),
    "f32_3d": torch.randn(2, 3, 4),
    "f32_4d": torch.randn(2, 1, 2, 2),
    "f32_wrap": torch.randn(30),
    "f32_wrap_2d": torch.randn(2, 14),
    "f32_summ_vec": torch.arange(2000, dtype=torch.float32) / 7,
    "f32_summ_2d": torch.randn(40, 50),
    "f32_summ_3d": torch.randn(11, 10, 10),
    "f32_summ_narrow": torch.randn(1001, 1),
    "f64_vec": torch.randn(5, dtype=f64),
    "f64_row_10": torch.randn(10, dtype=f64),
    "f64_row_11": torch.randn(1, 11, dtype=f64),
    "f64_row_8": torch.randn(8, dtype=f64),
    "f64_scalar": torch.tensor(2.0, dtype=f64),
    "f64_precise": torch.tensor([0.1, 1 / 3, 2 / 3], dtype=f64),
    "i64_vec": torch.tensor([1, -20, 300]),
    "i64_big": torch.tensor([2 ** 62, -5]),
    "i64_scalar": torch.tensor(2),
    "i64_wrap": torch.arange(100),
    "i64_summ": torch.arange(1001),
    "i64_summ_3d": torch.arange(2000).reshape(20, 10, 10),
    "i32_mat": torch.tensor([[1, 2], [3, 4]], dtype=torch.int32),
    "u8_vec": torch.tensor([0, 255, 7], dtype=torch.uint8),
    "bool_vec": torch.tensor([True, False, True]),
    "bool_scalar": torch.tensor(True),
    "bool_mat": torch.tensor([[True], [False]]),
    "empty_f32": torch.zeros(0),
    "empty_f32_2d": torch.zeros(0, 3),
    "empty_i64": torch.zeros(0, dtype=torch.int64),
    "empty_f64_2d": torch.zeros(2, 0, dtype=f64),
    "empty_bool_3d": torch.zeros(1, 0, 2, dtype=torch.bool),
}

doc = {"torch_version": torch.__version__,
       "cases": {k: {"input": encode(v), "repr": repr(v)} for k, v in cases.items()}}
tmp = "printing.json.tmp"
with open(tmp, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
    f.write("\n")
os.replace(tmp, "printing.json")
