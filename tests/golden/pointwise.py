"""Golden values for Ember's pointwise family (tests/Ember.Tests/Pointwise*.cs).

Inputs are saved with the outputs, so the tests feed Ember exactly the numbers PyTorch saw.
Keys: "<op>_<dtype>" for ops over the shared inputs; "promo|<lhs>|<rhs>|<op>" for the type
promotion table, whose operand codes the tests parse (see PointwisePromotionTests).
"""
import torch

from golden_io import save

torch.manual_seed(0)
out = {}

EDGE = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1e-30, -1e-30, 1e-10, -1e-7, 0.5, -0.5, 1.5,
        2.5, -2.5, 3.0, -1.0, -2.0, 20.0, -20.0, 88.0, -88.0, 100.0, -100.0, 710.0, -745.0, 1e10, 1e30]
SMALL_EDGE = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 1e-30, -1e-7, 0.5, -2.5, 3.0, 20.0, -88.0]

base = torch.randn(3, 4, dtype=torch.float64)
for name, dt in (("f32", torch.float32), ("f64", torch.float64)):
    a = (base * 2).to(dt)
    a[0, 0] = 0.0
    a[0, 1] = -0.0
    a[1, 2] = 1.0
    b = torch.tensor([0.75, -1.5, 2.0, 1.0], dtype=dt)
    a[2, 1] = -1.5           # equal to b[1] for comparisons
    c = (torch.randn(3, 1, dtype=torch.float64) + 3).to(dt)   # non-zero divisor, broadcast on dim 1
    p = (torch.rand(3, 4, dtype=torch.float64) * 4 + 0.1).to(dt)
    w = torch.rand(3, 4, dtype=torch.float64).to(dt)
    w[0, 0], w[0, 1], w[0, 2] = 0.0, 1.0, 0.5
    e = torch.tensor(EDGE, dtype=dt)
    s = torch.tensor(SMALL_EDGE, dtype=dt)
    m = torch.rand(3, 4) > 0.5
    out.update({f"a_{name}": a, f"b_{name}": b, f"c_{name}": c, f"p_{name}": p, f"w_{name}": w,
                f"edge_{name}": e, f"small_{name}": s, f"m_{name}": m})
    un = {
        "neg": torch.neg, "abs": torch.abs, "sign": torch.sign, "relu": torch.relu, "exp": torch.exp,
        "exp2": torch.exp2, "expm1": torch.expm1, "log": torch.log, "log2": torch.log2, "log10": torch.log10,
        "log1p": torch.log1p, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "tanh": torch.tanh,
        "sigmoid": torch.sigmoid, "reciprocal": torch.reciprocal, "floor": torch.floor, "ceil": torch.ceil,
        "trunc": torch.trunc, "round": torch.round, "square": torch.square,
    }
    for op, f in un.items():
        out[f"{op}_a_{name}"] = f(a)
        out[f"{op}_edge_{name}"] = f(e)
    for op, f in {"sin": torch.sin, "cos": torch.cos}.items():
        out[f"{op}_a_{name}"] = f(a)
        out[f"{op}_edge_{name}"] = f(s)
    out[f"round2_{name}"] = torch.round(a * 10, decimals=2)
    out[f"roundm1_{name}"] = torch.round(a * 100, decimals=-1)
    bi = {
        "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
        "divtrunc": lambda x, y: torch.div(x, y, rounding_mode="trunc"),
        "divfloor": lambda x, y: torch.div(x, y, rounding_mode="floor"),
        "maximum": torch.maximum, "minimum": torch.minimum,
        "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
        "logical_and": torch.logical_and, "logical_or": torch.logical_or, "logical_xor": torch.logical_xor,
        "pow": torch.pow,
    }
    for op, f in bi.items():
        out[f"{op}_ab_{name}"] = f(a, b)
    out[f"addalpha_{name}"] = torch.add(a, b, alpha=2.5)
    out[f"subalpha_{name}"] = torch.sub(a, b, alpha=0.5)
    out[f"divfloor_edge_{name}"] = torch.div(e, torch.tensor(-0.75, dtype=dt), rounding_mode="floor")
    out[f"divfloor_edge0_{name}"] = torch.div(e, torch.tensor(0.0, dtype=dt), rounding_mode="floor")
    out[f"maximum_edge_{name}"] = torch.maximum(e, torch.flip(e, [0]))
    out[f"pow_pb_{name}"] = torch.pow(p, b)
    for tag, ex in (("2", 2), ("3", 3), ("0", 0), ("1", 1), ("h", 0.5), ("mh", -0.5), ("m1", -1), ("m2", -2), ("x", 1.7)):
        out[f"pows{tag}_{name}"] = torch.pow(a, ex)
    out[f"pows_edge_h_{name}"] = torch.pow(e, 0.5)
    out[f"rpow_{name}"] = torch.pow(2, a)
    out[f"rpow1_{name}"] = torch.pow(1, a)
    # ternary
    out[f"where_{name}"] = torch.where(m, a, b)
    out[f"where0_{name}"] = torch.where(m, a, torch.tensor(0.0, dtype=dt))
    out[f"lerps_{name}"] = torch.lerp(a, b, 0.3)
    out[f"lerpt_{name}"] = torch.lerp(a, b, w)
    out[f"addcmul_{name}"] = torch.addcmul(a, b, c, value=0.5)
    out[f"addcmul1_{name}"] = torch.addcmul(a, p, w)
    out[f"addcdiv_{name}"] = torch.addcdiv(a, b, c, value=2)
    out[f"clamps_{name}"] = torch.clamp(a, -0.5, 0.5)
    out[f"clampmin_{name}"] = torch.clamp(a, min=0.1)
    out[f"clampmax_{name}"] = torch.clamp(a, max=0.2)
    out[f"clampinv_{name}"] = torch.clamp(a, 1.0, -1.0)
    lo = torch.tensor([-1.0, -0.5, 0.0, 0.25], dtype=dt)
    hi = (torch.rand(3, 1, dtype=torch.float64) + 0.3).to(dt)
    out[f"lo_{name}"], out[f"hi_{name}"] = lo, hi
    out[f"clampt_{name}"] = torch.clamp(a, lo, hi)
    out[f"clampmint_{name}"] = torch.clamp(a, min=lo)
    out[f"clamp_edge_{name}"] = torch.clamp(e, -1.0, 1.0)
    nan = float("nan")
    out[f"clampnanmin_{name}"] = torch.clamp(a, min=nan)       # a lone NaN number bound is ignored
    out[f"clampnanmax_{name}"] = torch.clamp(a, max=nan)
    out[f"clampnanboth_{name}"] = torch.clamp(a, nan, 2.0)     # ...but not next to another bound
    out[f"clampnant_{name}"] = torch.clamp(a, min=torch.tensor(nan, dtype=dt))
    # empty and 0-d
    out[f"zd_{name}"] = torch.tensor(-1.25, dtype=dt)
    out[f"zdexp_{name}"] = torch.exp(out[f"zd_{name}"])
    out[f"zdadd_{name}"] = torch.tensor(-1.25, dtype=dt) + b

ai = torch.tensor([[7, -7, 0, 5], [-9, 9, 2, -1], [3, -4, 6, 8]], dtype=torch.int64)
bi_ = torch.tensor([2, -3, 4, -1], dtype=torch.int64)
ei = torch.tensor([0, 1, 2, 3], dtype=torch.int64)
out.update({"ai": ai, "bi": bi_, "ei": ei})
for op, f in {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "divtrunc": lambda x, y: torch.div(x, y, rounding_mode="trunc"),
              "divfloor": lambda x, y: torch.div(x, y, rounding_mode="floor"),
              "maximum": torch.maximum, "minimum": torch.minimum, "lt": torch.lt, "eq": torch.eq,
              "bitand": torch.bitwise_and, "bitor": torch.bitwise_or, "bitxor": torch.bitwise_xor}.items():
    out[f"{op}_i64"] = f(ai, bi_)
out["pow_i64"] = torch.pow(ai, ei)
out["pows3_i64"] = torch.pow(ai, 3)
out["rpow_i64"] = torch.pow(2, ei)
out["powneg_i64"] = torch.pow(ai, torch.tensor([-1, -2, -1, -2]))
for op, f in {"neg": torch.neg, "abs": torch.abs, "sign": torch.sign, "square": torch.square, "floor": torch.floor,
              "bitnot": torch.bitwise_not, "sqrt": torch.sqrt, "exp": torch.exp, "sigmoid": torch.sigmoid,
              "reciprocal": torch.reciprocal, "relu": torch.relu}.items():
    out[f"{op}_i64u"] = f(ai)
out["absmin_i64"] = torch.abs(torch.tensor([-2**63, -5, 5], dtype=torch.int64))
out["clamp_i64"] = torch.clamp(ai, -3, 4)
out["clampf_i64"] = torch.clamp(ai, 0.5)
out["addcmul_i64"] = torch.addcmul(ai, bi_, ei, value=3)
out["where_i64"] = torch.where(ai > 0, ai, 2.5)

mb = torch.tensor([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
nb = torch.tensor([True, False, False, True])
out.update({"mb": mb, "nb": nb})
for op, f in {"add": torch.add, "mul": torch.mul, "and": torch.bitwise_and, "or": torch.bitwise_or,
              "xor": torch.bitwise_xor, "lt": torch.lt, "maximum": torch.maximum, "div": torch.div}.items():
    out[f"{op}_bool"] = f(mb, nb)
out["not_bool"] = torch.bitwise_not(mb)
out["square_bool"] = torch.square(mb)
out["sign_bool"] = torch.sign(mb)
out["sqrt_bool"] = torch.sqrt(mb)
out["addint_bool"] = mb + 2

# empty tensors
ez = torch.zeros(0, 3)
out["empty"] = ez
out["empty_add"] = ez + torch.ones(3)
out["empty_exp"] = torch.exp(ez)
out["empty_where"] = torch.where(torch.zeros(0, 1, dtype=torch.bool), ez, torch.ones(3))

# The type promotion table: every pair of operand kinds through add and true division.
KINDS = {}
for dn, dt in (("f32", torch.float32), ("f64", torch.float64), ("i64", torch.int64), ("i32", torch.int32),
               ("u8", torch.uint8), ("bool", torch.bool)):
    KINDS[f"{dn}[2]"] = lambda dt=dt: torch.tensor([1, 0], dtype=dt) if dt == torch.bool else torch.tensor([3, 2], dtype=dt)
    KINDS[f"{dn}[]"] = lambda dt=dt: torch.tensor(True, dtype=dt) if dt == torch.bool else torch.tensor(2, dtype=dt)
KINDS["int"] = lambda: 3
KINDS["float"] = lambda: 2.5
KINDS["true"] = lambda: True
for ln, lf in KINDS.items():
    for rn, rf in KINDS.items():
        l, r = lf(), rf()
        if not torch.is_tensor(l) and not torch.is_tensor(r):
            continue
        for op in ("add", "div", "mul"):
            try:
                res = l + r if op == "add" else l / r if op == "div" else l * r
            except Exception:
                continue
            # the dtype must be torch.result_type's (true division raises integers to the default float)
            rt = torch.result_type(l, r)
            expect = rt if op != "div" or rt.is_floating_point else torch.get_default_dtype()
            assert res.dtype == expect, (ln, rn, op, res.dtype, expect)
            out[f"promo|{ln}|{rn}|{op}"] = res

save("pointwise.json", out)
print(len(out), "tensors")
