"""Golden values for reductions, scans, sort and top-k (tests/Ember.Tests/ReductionTests.cs, SortTests.cs).

Each case is stored under a name that the C# test parses back into a call:
    "case|OP|INPUT|VIEW|ARGS"          (single result)
    "case|OP|INPUT|VIEW|ARGS#0", "#1"  (values, indices)
INPUT names a tensor stored as "in|INPUT"; VIEW is "c" (as stored), "p" (permuted (2, 0, 1), or
reversed dims for other ranks) or "nc" (same values, strided storage); ARGS is ";"-separated k=v.
"""
import math
import torch
from golden_io import save

torch.manual_seed(0)
out = {}
inputs = {}

base = torch.randn(3, 4, 5, dtype=torch.float64)
inputs["f32"] = base.float()
inputs["f64"] = base.clone()
inputs["i64"] = torch.randint(-4, 5, (3, 4, 5))
inputs["bool"] = torch.randint(0, 2, (3, 4, 5)).bool()
inputs["u8"] = torch.randint(0, 3, (3, 4, 5)).to(torch.uint8)
# ties (small integers as floats) and NaN/inf
inputs["tie32"] = torch.randint(0, 3, (4, 6)).float()
nan = torch.randn(4, 6, dtype=torch.float64)
nan[0, 2] = float("nan"); nan[1, 0] = float("nan"); nan[1, 4] = float("nan"); nan[2, 3] = float("inf"); nan[3, 1] = float("-inf")
inputs["nan64"] = nan
inputs["nan32"] = nan.float()
inf = torch.tensor([[1.0, float("inf"), 2.0], [float("-inf"), float("-inf"), float("-inf")], [float("inf"), float("-inf"), 0.0], [3.0, 4.0, 5.0]])
inputs["inf32"] = inf
inputs["empty32"] = torch.empty(0, 3)
inputs["empty64"] = torch.empty(2, 0, dtype=torch.float64)
inputs["s32"] = torch.tensor(2.5)
inputs["s64"] = torch.tensor(-1.5, dtype=torch.float64)
inputs["si64"] = torch.tensor(7)
inputs["pos64"] = (base.abs() + 0.5)[:2]  # for prod / cumprod, moderate values
# a long sum, tests accumulation accuracy; not stored: the C# test rebuilds it with the same formula
# (exact IEEE operations, so both sides get identical float32 values)
long32 = torch.tensor([((i * 7919) % 1000) / 7.0 + 0.1 for i in range(100003)], dtype=torch.float64).float()

DT = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64}


def view(x, v):
    if v == "c":
        return x
    if v == "p":
        return x.permute(2, 0, 1) if x.dim() == 3 else x.permute(*reversed(range(x.dim())))
    if v == "nc":
        return x  # same values; the C# side stores them with gaps
    raise ValueError(v)


def parse(args):
    d = {}
    if args:
        for kv in args.split(";"):
            k, v = kv.split("=")
            d[k] = v
    return d


def dims_of(d):
    s = d.get("dims")
    if s is None:
        return None
    return [int(t) for t in s.split(",")] if s else []


def run(op, x, a):
    keep = a.get("keep") == "1"
    dims = dims_of(a)
    dim = int(a["dim"]) if "dim" in a else None
    if op in ("sum", "mean"):
        kw = {"dtype": DT[a["dtype"]]} if "dtype" in a else {}
        f = getattr(torch, op)
        if dims is None and dim is None:
            return f(x, **kw)
        return f(x, dims if dims is not None else dim, keepdim=keep, **kw)
    if op == "prod":
        return torch.prod(x) if dim is None else torch.prod(x, dim, keepdim=keep)
    if op in ("max", "min"):
        f = getattr(torch, op)
        return f(x) if dim is None else tuple(f(x, dim, keepdim=keep))
    if op in ("amax", "amin"):
        return getattr(torch, op)(x, dims if dims is not None else [], keepdim=keep)
    if op in ("argmax", "argmin"):
        return getattr(torch, op)(x) if dim is None else getattr(torch, op)(x, dim, keepdim=keep)
    if op in ("var", "std"):
        c = float(a.get("corr", "1"))
        c = int(c) if c == int(c) else c
        return getattr(torch, op)(x, dims, correction=c, keepdim=keep)
    if op == "logsumexp":
        return torch.logsumexp(x, dims, keepdim=keep)
    if op == "norm":
        p = float(a.get("p", "2"))
        return torch.norm(x, p, dims, keepdim=keep)
    if op in ("cumsum", "cumprod"):
        kw = {"dtype": DT[a["dtype"]]} if "dtype" in a else {}
        return getattr(torch, op)(x, dim, **kw)
    if op in ("all", "any"):
        f = getattr(torch, op)
        return f(x) if dim is None else f(x, dim, keepdim=keep)
    if op == "sort":
        r = torch.sort(x, dim=dim if dim is not None else -1, descending=a.get("desc") == "1", stable=True)
        return tuple(r)
    if op == "median":
        return torch.median(x) if dim is None else tuple(torch.median(x, dim, keepdim=keep))
    if op == "topk":
        r = torch.topk(x, int(a["k"]), dim=dim if dim is not None else -1, largest=a.get("largest", "1") == "1")
        return tuple(r)
    raise ValueError(op)


def case(op, inp, v, args=""):
    name = f"case|{op}|{inp}|{v}|{args}"
    r = run(op, view(inputs[inp], v), parse(args))
    if isinstance(r, tuple):
        for i, t in enumerate(r):
            out[f"{name}#{i}"] = t
    else:
        out[name] = r


FL = ["f32", "f64"]
VIEWS = ["c", "p", "nc"]
for inp in FL:
    for v in VIEWS:
        for op in ("sum", "mean"):
            case(op, inp, v)
            for args in ("dim=0", "dim=-1;keep=1", "dim=1", "dims=0,2", "dims=-1,0;keep=1", "dims=", "dims=0,1,2"):
                case(op, inp, v, args)
        case("prod", inp, v, "dim=1")
        case("prod", inp, v, "dim=-1;keep=1")
        for op in ("max", "min", "argmax", "argmin"):
            case(op, inp, v)
            case(op, inp, v, "dim=0")
            case(op, inp, v, "dim=-1;keep=1")
            case(op, inp, v, "dim=1")
        for op in ("amax", "amin"):
            for args in ("dims=", "dims=1", "dims=0,2;keep=1", "dims=-1"):
                case(op, inp, v, args)
        for op in ("var", "std"):
            for args in ("", "dims=1", "dims=0,2;keep=1", "dims=-1;corr=0", "dims=0;corr=2"):
                case(op, inp, v, args)
        for args in ("dims=1", "dims=0,2;keep=1", "dims=0,1,2"):
            case("logsumexp", inp, v, args)
        for args in ("", "p=1", "p=inf;dims=1", "p=-inf;dims=0", "p=0;dims=2", "p=3;dims=1,2;keep=1", "p=0.5;dims=0", "p=2;dims=-1"):
            case("norm", inp, v, args)
        for op in ("cumsum", "cumprod"):
            for args in ("dim=0", "dim=1", "dim=-1"):
                case(op, inp, v, args)
        for op in ("all", "any"):
            case(op, inp, v)
            case(op, inp, v, "dim=1")
        for args in ("dim=-1", "dim=0;desc=1", "dim=1"):
            case("sort", inp, v, args)
        for args in ("k=2", "k=3;dim=0;largest=0", "k=1;dim=1"):
            case("topk", inp, v, args)

for v in ("c", "p"):
    for args in ("", "dim=0", "dim=-1;keep=1", "dims=0,2", "dtype=f64", "dim=1;dtype=f32"):
        case("sum", "i64", v, args)
    case("sum", "bool", v)
    case("sum", "bool", v, "dim=1")
    case("sum", "u8", v, "dim=2")
    case("prod", "i64", v, "dim=1")
    case("prod", "bool", v, "dim=1")
    case("mean", "i64", v, "dim=1;dtype=f64")
    for op in ("max", "min", "argmax", "argmin"):
        case(op, "i64", v)
        case(op, "i64", v, "dim=1")
    case("max", "bool", v, "dim=2")
    case("amax", "i64", v, "dims=0,1")
    case("amin", "bool", v, "dims=2")
    for op in ("cumsum", "cumprod"):
        case(op, "i64", v, "dim=1")
    case("cumsum", "bool", v, "dim=2")
    case("cumsum", "i64", v, "dim=0;dtype=f32")
    for op in ("all", "any"):
        for inp in ("i64", "bool", "u8"):
            case(op, inp, v)
            case(op, inp, v, "dim=2")
            case(op, inp, v, "dim=0;keep=1")
    case("sort", "i64", v, "dim=1")
    case("sort", "i64", v, "dim=-1;desc=1")
    case("sort", "bool", v, "dim=2")
    case("topk", "i64", v, "k=2;dim=0;largest=0")

for inp in ("pos64",):
    case("prod", inp, "c")
    case("prod", inp, "c", "dim=2")
    case("cumprod", inp, "c", "dim=2")

# median: lower median, NaN propagates (indices among ties are unspecified: the test checks they point at the value)
for inp in ("f32", "f64", "i64"):
    for v in ("c", "p", "nc"):
        case("median", inp, v)
        for args in ("dim=0", "dim=1", "dim=-1;keep=1"):
            case("median", inp, v, args)
for inp in ("nan32", "nan64", "tie32"):
    case("median", inp, "c")
    case("median", inp, "c", "dim=1")
    case("median", inp, "c", "dim=0;keep=1")
case("median", "empty32", "c")
case("median", "empty32", "c", "dim=1")
for inp in ("s32", "si64"):
    case("median", inp, "c")
    case("median", inp, "c", "dim=0")

# ties: first index for max/min/argmax/argmin, stable sort order
for op in ("max", "min", "argmax", "argmin"):
    case(op, "tie32", "c", "dim=1")
    case(op, "tie32", "c", "dim=0")
    case(op, "tie32", "p", "dim=1")
    case(op, "tie32", "c")
for args in ("dim=1", "dim=0", "dim=1;desc=1", "dim=0;desc=1"):
    case("sort", "tie32", "c", args)
    case("sort", "tie32", "p", args)

# NaN and infinities
for inp in ("nan32", "nan64"):
    for op in ("sum", "mean", "prod", "cumsum"):
        case(op, inp, "c", "dim=1")
    for op in ("max", "min", "argmax", "argmin"):
        case(op, inp, "c")
        case(op, inp, "c", "dim=1")
        case(op, inp, "c", "dim=0")
    for op in ("amax", "amin"):
        case(op, inp, "c", "dims=1")
    for args in ("dim=1", "dim=0;desc=1", "dim=1;desc=1"):
        case("sort", inp, "c", args)
    case("topk", inp, "c", "k=2;dim=1")
    case("topk", inp, "c", "k=2;dim=1;largest=0")
    case("logsumexp", inp, "c", "dims=1")
    case("norm", inp, "c", "p=inf;dims=1")
    case("all", inp, "c", "dim=1")
    case("any", inp, "c", "dim=1")
for args in ("dims=1", "dims=0", "dims=0,1"):
    case("logsumexp", "inf32", "c", args)
for args in ("p=2;dims=1", "p=inf;dims=1", "p=1;dims=0"):
    case("norm", "inf32", "c", args)

# empty and 0-d
for inp in ("empty32", "empty64"):
    for op in ("sum", "mean", "prod"):
        case(op, inp, "c")
        case(op, inp, "c", "dim=0")
        case(op, inp, "c", "dim=1")
    for args in ("dims=0", "dims=1", ""):
        case("var", inp, "c", args)
        case("logsumexp", inp, "c", args if args else "dims=0,1")
        case("norm", inp, "c", args)
    case("norm", inp, "c", "p=inf")
    for op in ("all", "any"):
        case(op, inp, "c")
        case(op, inp, "c", "dim=0")
    for op in ("cumsum", "cumprod"):
        case(op, inp, "c", "dim=0")
        case(op, inp, "c", "dim=1")
    case("sort", inp, "c", "dim=0")
    case("sort", inp, "c", "dim=1")
case("max", "empty32", "c", "dim=1")
case("argmax", "empty32", "c", "dim=1")
case("amax", "empty32", "c", "dims=1")
case("topk", "empty32", "c", "k=0;dim=0")
case("topk", "empty32", "c", "k=2;dim=1")
for inp in ("s32", "s64", "si64"):
    for op in ("sum", "prod", "max", "argmax", "all", "any"):
        case(op, inp, "c")
        case(op, inp, "c", "dim=0")
    case("sum", inp, "c", "dim=-1;keep=1")
    case("amax", inp, "c", "dims=0")
    case("cumsum", inp, "c", "dim=0")
    case("sort", inp, "c", "dim=0")
    case("topk", inp, "c", "k=1;dim=0")
for inp in ("s32", "s64"):
    case("mean", inp, "c")
    case("var", inp, "c")
    case("var", inp, "c", "corr=0")
    case("logsumexp", inp, "c", "dims=0")
    case("norm", inp, "c")

# a long float32 sum (100003 elements), where naive float accumulation drifts
out["long32|sum"] = long32.sum()
out["long32|mean"] = long32.mean()
out["long32|cumsum_last"] = long32.cumsum(0)[-1]
out["long32|sum64"] = long32.double().sum()

for k, t in inputs.items():
    out[f"in|{k}"] = t
save("reductions.json", out)
print(len(out), "tensors")
