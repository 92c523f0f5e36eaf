"""Golden values for joining and index ops (cat, stack, gather, scatter, index_select/add/fill,
masked_fill/select, repeat, tile, flip, roll, tril, triu). Writes joining.json.

Inputs are stored beside the expected outputs; names ending in _perm or _nc mark inputs the C#
test turns into non-contiguous views (TestViews.Permuted / NonContiguous) before calling the op,
and the expected value here is computed on the same view in PyTorch.
"""
import torch

from golden_io import save

torch.manual_seed(0)
T = {}


def f32(*s):
    return torch.randn(*s, dtype=torch.float32)


def f64(*s):
    return torch.randn(*s, dtype=torch.float64)


def i64(*s):
    return torch.randint(-9, 10, s, dtype=torch.int64)


def b(*s):
    return torch.rand(*s) > 0.5


# ---- cat / stack ----
a, c = f32(2, 3), f32(4, 3)
T.update({"cat_f32_a": a, "cat_f32_b": c, "cat_f32": torch.cat([a, c], 0)})
a, c = f64(2, 3, 2), f64(2, 1, 2)
T.update({"cat_f64_a": a, "cat_f64_b": c, "cat_f64_neg": torch.cat([a, c], -2)})
a, c, d = i64(2, 2), f32(2, 3), b(2, 1)
T.update({"cat_mix_a": a, "cat_mix_b": c, "cat_mix_c": d, "cat_mix": torch.cat([a, c, d], 1)})
a, c = i64(3, 4), i64(4, 2)
T.update({"cat_i64_perm_a": a, "cat_i64_b": c, "cat_i64_perm": torch.cat([a.permute(1, 0), c], 1)})
a, c = b(2, 2), b(1, 2)
T.update({"cat_bool_a": a, "cat_bool_b": c, "cat_bool": torch.cat([a, c])})
a, e = f32(2, 3), torch.zeros(0, dtype=torch.float64)
T.update({"cat_skip_a": a, "cat_skip": torch.cat([a, e, a], 0)})
a, z = f32(2, 3), torch.zeros(2, 0)
T.update({"cat_empty_a": a, "cat_empty": torch.cat([z, a, z], 1)})

a, c = f32(2, 3), f32(2, 3)
T.update({"stack_f32_a": a, "stack_f32_b": c, "stack_f32": torch.stack([a, c]), "stack_f32_neg": torch.stack([a, c], -1),
          "stack_f32_mid": torch.stack([a, c], 1)})
a, c = i64(3, 2), f64(2, 3)
T.update({"stack_mix_perm_a": a, "stack_mix_b": c, "stack_mix_perm": torch.stack([a.permute(1, 0), c], 2)})
T["stack_scalars"] = torch.stack([torch.tensor(1.5), torch.tensor(2.5)])
a, c = b(4), b(4)
T.update({"stack_bool_a": a, "stack_bool_b": c, "stack_bool": torch.stack([a, c], -1)})

# ---- gather ----
x = f32(3, 4)
idx = torch.tensor([[0, 3, 3], [2, 1, 0]])
T.update({"gather_f32_x": x, "gather_f32_i": idx, "gather_f32": x.gather(1, idx)})
x = f64(2, 3, 4)
idx = torch.randint(0, 3, (1, 5, 3))
T.update({"gather_f64_x": x, "gather_f64_i": idx, "gather_f64_neg": x.gather(-2, idx)})
x = i64(3, 4, 5)
idx = torch.randint(0, 5, (2, 3, 4))
T.update({"gather_i64_perm_x": x, "gather_i64_i": idx, "gather_i64_perm": x.permute(2, 0, 1).gather(0, idx)})
x = b(3, 3)
idx = torch.tensor([[2, 0, 1], [1, 1, 1]])
T.update({"gather_bool_x": x, "gather_bool_i": idx, "gather_bool": x.gather(0, idx)})

# ---- scatter / scatter_add ----
s = f32(3, 5)
idx = torch.stack([torch.randperm(5)[:3] for _ in range(2)])
src = f32(3, 4)
T.update({"scatter_f32_s": s, "scatter_f32_i": idx, "scatter_f32_src": src, "scatter_f32": s.scatter(1, idx, src)})
s = f64(3, 4)
idx = torch.tensor([[2, 0, 1, 2], [1, 2, 0, 0]])
T.update({"scatter_f64_s": s, "scatter_f64_i": idx, "scatter_f64_value": s.scatter(0, idx, 2.5)})
s = i64(2, 4)
idx = torch.tensor([[3], [0]])
T.update({"scatter_i64_s": s, "scatter_i64_i": idx, "scatter_i64_value": s.scatter(-1, idx, 7)})
s, src = b(3, 3), b(2, 3)
idx = torch.tensor([[2, 0, 1], [0, 1, 2]])
T.update({"scatter_bool_s": s, "scatter_bool_i": idx, "scatter_bool_src": src, "scatter_bool": s.scatter(0, idx, src)})
s = f32(3, 4)
idx = torch.tensor([[0, 0, 2, 0], [1, 0, 2, 2], [0, 0, 0, 0]])
src = f32(3, 4)
T.update({"scatter_add_f32_s": s, "scatter_add_f32_i": idx, "scatter_add_f32_src": src, "scatter_add_f32": s.scatter_add(0, idx, src)})
s = f64(4, 3)  # used permuted: (3, 4)
idx = torch.randint(0, 4, (3, 6))
src = f64(3, 6)  # used non-contiguous
T.update({"scatter_add_f64_perm_s": s, "scatter_add_f64_i": idx, "scatter_add_f64_nc_src": src,
          "scatter_add_f64_perm": s.permute(1, 0).scatter_add(-1, idx, src)})
s = i64(5)
idx = torch.tensor([1, 1, 1, 4, 0, 1])
src = i64(6)
T.update({"scatter_add_i64_s": s, "scatter_add_i64_i": idx, "scatter_add_i64_src": src, "scatter_add_i64": s.scatter_add(0, idx, src)})

# ---- index_select / index_add / index_fill ----
x = f32(4, 3)
T.update({"isel_f32_x": x, "isel_f32": x.index_select(0, torch.tensor([2, 0, 2])), "isel_f32_0d": x.index_select(1, torch.tensor(1))})
x = f64(3, 4, 2)  # used permuted (2, 0, 1): shape (2, 3, 4)
T.update({"isel_f64_perm_x": x, "isel_f64_perm": x.permute(2, 0, 1).index_select(-1, torch.tensor([3, 1]))})
x = i64(3, 5)
T.update({"isel_i64_x": x, "isel_i64": x.index_select(1, torch.tensor([4, 0, 0, 1], dtype=torch.int32))})
x = b(3, 2)
T.update({"isel_bool_x": x, "isel_bool": x.index_select(0, torch.tensor([1, 1]))})

s, src = f32(5, 3), f32(4, 3)
T.update({"iadd_f32_s": s, "iadd_f32_src": src, "iadd_f32": s.index_add(0, torch.tensor([0, 4, 0, 2]), src)})
s, src = f64(2, 4, 3), f64(2, 4, 2)  # self used permuted (0, 2, 1): (2, 3, 4); source (2, 4, 2) used permuted (0, 2, 1): (2, 2, 4)
T.update({"iadd_f64_perm_s": s, "iadd_f64_perm_src": src,
          "iadd_f64_perm": s.permute(0, 2, 1).index_add(-2, torch.tensor([2, 2]), src.permute(0, 2, 1), alpha=2.5)})
s, src = i64(3, 4), i64(3, 2)
T.update({"iadd_i64_s": s, "iadd_i64_src": src, "iadd_i64": s.index_add(1, torch.tensor([3, 0], dtype=torch.int32), src, alpha=3)})

x = f32(3, 4)
T.update({"ifill_f32_x": x, "ifill_f32": x.index_fill(1, torch.tensor([0, -1]), 9.0)})
x = i64(3, 4)
T.update({"ifill_i64_x": x, "ifill_i64": x.index_fill(0, torch.tensor(1), -5)})

# ---- masked_fill / masked_select ----
x, m = f32(2, 3), torch.tensor([True, False, True])
T.update({"mfill_f32_x": x, "mfill_f32_m": m, "mfill_f32": x.masked_fill(m, -1.5)})
x, m = f64(3, 4), b(2, 1, 4)
T.update({"mfill_f64_x": x, "mfill_f64_m": m, "mfill_f64_bcast": x.masked_fill(m, torch.tensor(0.25, dtype=torch.float64))})
x, m = i64(3, 4), b(3, 4)
T.update({"mfill_i64_x": x, "mfill_i64_m": m, "mfill_i64_trunc": x.masked_fill(m, 2.7)})
x, m = b(2, 3), b(2, 3)
T.update({"mfill_bool_x": x, "mfill_bool_m": m, "mfill_bool": x.masked_fill(m, True)})
x, m = f32(4, 3), b(3, 4)  # x used permuted: (3, 4)
T.update({"mfill_perm_x": x, "mfill_perm_m": m, "mfill_perm": x.permute(1, 0).masked_fill(m, 5.0)})

x, m = f32(2, 3), b(2, 3)
T.update({"msel_f32_x": x, "msel_f32_m": m, "msel_f32": x.masked_select(m)})
x, m = f64(3, 1), b(1, 4)
T.update({"msel_f64_x": x, "msel_f64_m": m, "msel_f64_bcast": x.masked_select(m)})
x, m = i64(3, 4), b(4)
T.update({"msel_i64_x": x, "msel_i64_m": m, "msel_i64": x.masked_select(m)})
x, m = b(3, 2), b(2, 3)  # x used permuted
T.update({"msel_bool_perm_x": x, "msel_bool_m": m, "msel_bool_perm": x.permute(1, 0).masked_select(m)})

# ---- repeat / tile ----
x = f32(2, 3)
T.update({"rep_f32_x": x, "rep_f32": x.repeat(2, 1, 2), "rep_f32_same": x.repeat(3, 2), "rep_f32_zero": x.repeat(2, 0),
          "tile_f32_short": x.tile(2), "tile_f32_long": x.tile(2, 1, 1)})
x = i64(3)
T.update({"rep_i64_x": x, "rep_i64": x.repeat(2, 2)})
x = b(3, 2)
T.update({"rep_bool_perm_x": x, "rep_bool_perm": x.permute(1, 0).repeat(1, 2)})
x = f64(2, 3)
T.update({"rep_f64_nc_x": x, "rep_f64_nc": x.repeat(2, 2)})
T["rep_scalar"] = torch.tensor(4.5).repeat(3)

# ---- flip ----
x = f32(2, 3, 4)
T.update({"flip_f32_x": x, "flip_f32": x.flip(0, 2), "flip_f32_neg": x.flip(-1)})
x = i64(3, 4)
T.update({"flip_i64_perm_x": x, "flip_i64_perm": x.permute(1, 0).flip(0)})
x = b(2, 3)
T.update({"flip_bool_x": x, "flip_bool": x.flip(0, 1)})
x = f64(3, 4)
T.update({"flip_f64_nc_x": x, "flip_f64_nc": x.flip(1)})

# ---- roll ----
x = f32(3, 4)
T.update({"roll_f32_x": x, "roll_f32_flat": x.roll(5), "roll_f32_dim": x.roll(-1, 0), "roll_f32_two": x.roll((1, -6), (0, 1)),
          "roll_f32_same": x.roll((1, 2), (1, 1))})
x = i64(4, 3)
T.update({"roll_i64_perm_x": x, "roll_i64_perm": x.permute(1, 0).roll(2, -1), "roll_i64_perm_flat": x.permute(1, 0).roll(-2)})
x = b(5)
T.update({"roll_bool_x": x, "roll_bool": x.roll(13)})
x = f64(2, 3)
T.update({"roll_f64_nc_x": x, "roll_f64_nc": x.roll(1, 1)})

# ---- tril / triu ----
x = f32(4, 5)
T.update({"tri_f32_x": x, "tril_f32": x.tril(), "tril_f32_p1": x.tril(1), "tril_f32_m1": x.tril(-1),
          "triu_f32": x.triu(), "triu_f32_p2": x.triu(2), "triu_f32_m2": x.triu(-2), "tril_f32_big": x.tril(9), "triu_f32_big": x.triu(9)})
x = f64(2, 3, 4)
T.update({"tri_f64_x": x, "tril_f64_batch": x.tril(-1), "triu_f64_batch": x.triu(1)})
x = i64(4, 3)
T.update({"tri_i64_perm_x": x, "triu_i64_perm": x.permute(1, 0).triu(), "tril_i64_perm": x.permute(1, 0).tril(2)})
x = b(3, 3)
T.update({"tri_bool_x": x, "tril_bool": x.tril(), "triu_bool": x.triu()})

# ---- take / take_along_dim / index_copy ----
x = f32(3, 4)
ti = torch.tensor([[0, 11, -1], [5, -12, 5]])
T.update({"take_f32_x": x, "take_f32_i": ti, "take_f32": x.take(ti)})
x = i64(4, 3)  # used permuted: (3, 4)
T.update({"take_i64_perm_x": x, "take_i64_perm": x.permute(1, 0).take(torch.tensor([1, 4, 7]))})
x = f64(3, 4)
ai = torch.tensor([[0], [3], [1]])
T.update({"tad_f64_x": x, "tad_f64_i": ai, "tad_f64": x.take_along_dim(ai, 1), "tad_f64_flat": x.take_along_dim(torch.tensor([11, 0]))})
bi = torch.tensor([[2, 0, 1, 2]])
T.update({"tad_f64_bi": bi, "tad_f64_bcast": x.take_along_dim(bi, 0)})
ci = torch.tensor([[[0], [3]], [[1], [1]], [[2], [0]]])  # (3, 2, 1) broadcasts against x3 (1, 2, 4)
x3 = f32(1, 2, 4)
T.update({"tad_f32_x": x3, "tad_f32_i": ci, "tad_f32_bcast": x3.take_along_dim(ci, -1)})
s, src = f32(4, 3), f32(2, 3)
T.update({"icopy_f32_s": s, "icopy_f32_src": src, "icopy_f32": s.index_copy(0, torch.tensor([3, 1]), src)})
s, src = i64(3, 4), i64(3, 2)  # self used permuted (1, 0) -> (4, 3); source permuted -> (2, 3)
T.update({"icopy_i64_perm_s": s, "icopy_i64_perm_src": src,
          "icopy_i64_perm": s.permute(1, 0).index_copy(0, torch.tensor([0, 2]), src.permute(1, 0))})

# ---- vstack / hstack / dstack / column_stack ----
v1, m = f32(3), f32(2, 3)
T.update({"st_v1": v1, "st_m": m, "vstack": torch.vstack([v1, m, torch.tensor(1.5).expand(3)]),
          "hstack_1d": torch.hstack([v1, torch.tensor(2.5), v1]), "hstack_2d": torch.hstack([m, m[:, :1]]),
          "dstack_1d": torch.dstack([v1, v1]), "dstack_2d": torch.dstack([m, m]),
          "column_stack": torch.column_stack([torch.arange(2.), m, torch.tensor([7., 8.])]),
          "column_stack_0d": torch.column_stack([torch.tensor(1.), torch.tensor(2.)])})

# ---- scatter_reduce ----
s = f32(3, 5)
idx = torch.tensor([[0, 0, 4, 0], [1, 1, 1, 2], [3, 3, 0, 3]])
src = f32(3, 4)
src[1, 2] = float("nan")
T.update({"sred_f32_s": s, "sred_f32_i": idx, "sred_f32_src": src})
for red in ["sum", "prod", "mean", "amax", "amin"]:
    T[f"sred_f32_{red}"] = s.scatter_reduce(1, idx, src, red)
    T[f"sred_f32_{red}_noself"] = s.scatter_reduce(1, idx, src, red, include_self=False)
s = i64(4, 3)
idx = torch.tensor([[0, 1, 1], [0, 3, 1], [0, 0, 1]])
src = i64(3, 3)
T.update({"sred_i64_s": s, "sred_i64_i": idx, "sred_i64_src": src})
for red in ["sum", "prod", "mean", "amax", "amin"]:
    T[f"sred_i64_{red}"] = s.scatter_reduce(0, idx, src, red)
    T[f"sred_i64_{red}_noself"] = s.scatter_reduce(0, idx, src, red, include_self=False)
s, src = b(2, 3), b(2, 3)
idx = torch.tensor([[0, 0, 2], [1, 1, 1]])
T.update({"sred_bool_s": s, "sred_bool_i": idx, "sred_bool_src": src})
for red in ["sum", "prod", "amax", "amin"]:
    T[f"sred_bool_{red}_noself"] = s.scatter_reduce(1, idx, src, red, include_self=False)
s = f64(4, 3)  # used permuted: (3, 4)
idx = torch.tensor([[3, 3], [0, 1], [2, 2]])
src = f64(3, 2)
T.update({"sred_f64_perm_s": s, "sred_f64_i": idx, "sred_f64_src": src,
          "sred_f64_perm_mean": s.permute(1, 0).scatter_reduce(-1, idx, src, "mean", include_self=False)})

save("joining.json", T)
print(len(T), "tensors")
