"""Writes PyTorch tensors to the JSON layout Ember's tests read (tests/Ember.Tests/Golden.cs).

A golden file is {"tensors": {name: {"dtype": "float32", "shape": [...], "data": [...]}}}.
Data is the flat row-major list; non-finite floats are written as the strings "nan", "inf", "-inf"
so the file stays strict JSON. Floats are written with repr(), which round-trips exactly.
"""
import json
import math
import os

import torch

_NAMES = {
    torch.float32: "float32", torch.float64: "float64", torch.int64: "int64",
    torch.int32: "int32", torch.uint8: "uint8", torch.bool: "bool",
}


def _value(v):
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    if isinstance(v, bool):
        return 1 if v else 0
    return v


def encode(t):
    t = t.detach().cpu()
    flat = t.contiguous().reshape(-1)
    if t.dtype == torch.bool:
        data = [1 if b else 0 for b in flat.tolist()]
    elif t.dtype.is_floating_point:
        data = [_value(float(x)) for x in flat.tolist()]
    else:
        data = [int(x) for x in flat.tolist()]
    return {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data": data}


def save(path, tensors, meta=None):
    """Writes a dict name -> tensor atomically (temporary file, then rename)."""
    doc = {"torch_version": torch.__version__, "tensors": {k: encode(v) for k, v in tensors.items()}}
    if meta:
        doc["meta"] = meta
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
