"""Golden values for advanced indexing (tests/Ember.Tests/IndexingTests.cs): reads and writes with
integer index tensors and bool masks, mixed with basic indices, adjacent and non-adjacent, negative
indices, non-contiguous and expanded inputs, empty and 0-d cases, for float32, float64 and int64.
Index tensors are stored too, so the C# side indexes with exactly these."""
import torch
from golden_io import save

out = {}
L = lambda *v: torch.tensor(v, dtype=torch.int64)
idx = {
    "i0": L(0, 2, -1),
    "i2d": torch.tensor([[0, 1], [3, 2]]),
    "i5": L(4, 0, -2),
    "i1": L(0, 2, 4),
    "i2": L(1, 5, 0),
    "ia": L(0, -1),
    "ib": L(5, 2),
    "ic": L(4, -5),
    "icol": torch.tensor([[0], [2], [1]]),
    "idup": L(0, 3, 0, 0),
    "empty": torch.zeros(0, dtype=torch.int64),
    "m3": (torch.arange(120) % 7 < 3).reshape(4, 5, 6),
    "m0": torch.tensor([True, False, False, True]),
    "m01": (torch.arange(20) % 3 == 1).reshape(4, 5),
    "m1": torch.tensor([False, True, True, False, True]),
    "mfalse": torch.zeros(4, dtype=torch.bool),
}
for k, v in idx.items():
    out["idx_" + k] = v
I = idx

def reads(x):
    i0, i2d, i5, i1, i2, ia, ib = I["i0"], I["i2d"], I["i5"], I["i1"], I["i2"], I["ia"], I["ib"]
    return {
        "int_tensor": x[i0],
        "idx_2d": x[i2d],
        "slice_then_idx": x[1:3, i5],
        "two_adjacent": x[:, i1, i2],
        "adjacent_broadcast": x[:, i1[:, None], ib],
        "nonadjacent": x[ia, :, ib],
        "int_then_slice_idx": x[0, :, i2],
        "idx_int_idx": x[ia, 1, ib],
        "mask_full": x[I["m3"]],
        "mask_rows": x[I["m0"]],
        "mask_2d": x[I["m01"]],
        "mask_mid": x[:, I["m1"]],
        "mask_and_idx": x[I["m0"], :, ib],
        "newaxis_idx": x[None, i0, ..., None],
        "ellipsis_idx": x[..., i2],
        "step_idx_step": x[::2, i5, 1::2],
        "permuted": x.permute(2, 0, 1)[:, ::2][ia, :, I["ic"]],
        "expanded": x[0:1].expand(3, 5, 6)[I["icol"], ia],
        "empty_idx": x[I["empty"]],
        "empty_mask": x[I["mfalse"]],
        "bool0d_true": x[torch.tensor(True)],
        "bool0d_false": x[torch.tensor(False)],
        "int0d": x[torch.tensor(-2)],
        "neg_basic": x[-1, -2],
    }

def writes(x):
    i0, i1, i2, ia, ib = I["i0"], I["i1"], I["i2"], I["ia"], I["ib"]
    r = {}
    def w(name, f):
        y = x.clone()
        f(y)
        r[name] = y
    w("scalar_idx", lambda y: y.__setitem__(i0, 7))
    w("scalar_mask", lambda y: y.__setitem__(I["m3"], 0))
    w("mask_values", lambda y: y.__setitem__(I["m3"], torch.arange(int(I["m3"].sum())).to(x.dtype)))
    w("broadcast_value", lambda y: y.__setitem__((slice(None), i1, i2), torch.tensor([[1], [2], [3], [4]]).to(x.dtype)))
    w("nonadjacent", lambda y: y.__setitem__((ia, slice(None), ib), (torch.arange(10).reshape(2, 5) + 100).to(x.dtype)))
    w("basic_view", lambda y: y.__setitem__((1, slice(2, 4)), (torch.arange(12).reshape(2, 6) * -1).to(x.dtype)))
    w("negative", lambda y: y.__setitem__((-1, L(-1, -5)), torch.tensor(9).to(x.dtype)))
    w("prefix_ones", lambda y: y.__setitem__(i0, torch.ones(1, 3, 5, 6).to(x.dtype) * 3))
    w("float_into", lambda y: y.__setitem__(I["m0"], 2.7))
    w("accumulate_dup", lambda y: y.index_put_((I["idup"],), torch.arange(30).reshape(5, 6).to(x.dtype), accumulate=True))
    w("accumulate_mask", lambda y: y.index_put_((I["m01"],), torch.ones(6).to(x.dtype), accumulate=True))
    w("mask_mid_row", lambda y: y.__setitem__((slice(None), I["m1"]), torch.arange(6).to(x.dtype)))
    return r

for dt in (torch.float32, torch.float64, torch.int64):
    name = str(dt).replace("torch.", "")
    x = (torch.arange(120) * 0.37 - 20).to(dt) if dt.is_floating_point else (torch.arange(120) - 50)
    x = x.reshape(4, 5, 6)
    out[f"{name}/x"] = x
    for k, v in reads(x).items():
        out[f"{name}/read/{k}"] = v
    for k, v in writes(x).items():
        out[f"{name}/write/{k}"] = v

# 0-d and empty inputs.
z = torch.tensor(5.5)
out["zero_d/none"] = z[None]
out["zero_d/true"] = z[torch.tensor(True)]
out["zero_d/false"] = z[torch.tensor(False)]
e = torch.zeros(0, 3)
out["empty/idx"] = e[I["empty"]]
out["empty/cols"] = e[:, L(2, 0)]

save("indexing.json", out)
