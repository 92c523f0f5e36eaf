"""Fixtures for Ember's serialization tests (tests/Ember.Tests/Serialization/).

Run from this folder: python3 serialization.py
1. Writes files made by PyTorch under serialization/: torch.save checkpoints (a LeNet state dict, Adam
   and SGD optimizer states, tensors of every dtype, views and shared storages, a single tensor, a
   Parameter) and safetensors files laid out as the reference implementation writes them (the
   safetensors package is not installed here, so the writer below follows its format by hand).
   The values Ember must read back go to serialization.json (golden_io format).
2. Loads the files Ember wrote under serialization/from_ember/ (tests/Ember.Tests writes them with
   EMBER_WRITE_FROM_EMBER=1) with torch.load(weights_only=True) where PyTorch 1.13 can, checks them,
   and writes serialization_from_ember.json, which a test asserts.
"""
import collections
import hashlib
import json
import os
import struct
import zipfile

import torch
import torch.nn as nn
import torch.nn.functional as F

import golden_io

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "serialization")
FROM_EMBER = os.path.join(OUT, "from_ember")

ST_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
ST_NAMES = {torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16", torch.float16: "F16",
            torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
ST_TYPES = {v: k for k, v in ST_NAMES.items()}


def st_save(tensors, path, metadata=None):
    """safetensors' save_file: sorted by dtype (widest first) then name, header padded with spaces to 8."""
    items = sorted(tensors.items(), key=lambda kv: (-ST_ORDER.index(ST_NAMES[kv[1].dtype]), kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    off, blobs = 0, []
    for k, t in items:
        b = t.detach().contiguous().flatten().view(torch.uint8).numpy().tobytes()
        header[k] = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def st_load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    buf = data[8 + n:]
    out = {}
    for k, e in header.items():
        b, end = e["data_offsets"]
        raw = bytearray(buf[b:end])
        dt = ST_TYPES[e["dtype"]]
        t = torch.frombuffer(raw, dtype=torch.uint8).view(dt) if raw else torch.empty(0, dtype=dt)
        out[k] = t.reshape(e["shape"])
    return out, meta, n


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def as_ember(t):
    """The dtype Ember loads a tensor as: half and bfloat16 become float32, int8/int16 int32."""
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.float()
    if t.dtype in (torch.int8, torch.int16):
        return t.int()
    return t


def dtype_tensors():
    return {
        "float32": torch.tensor([[1.5, -2.25, float("inf")], [0.0, -0.0, 3.0e-38]]),
        "float64": torch.tensor([1e-300, -0.1, 2.0 ** 60], dtype=torch.float64),
        "float16": torch.tensor([0.1, 65504.0, -2.5e-5, 1.0], dtype=torch.float16),
        "bfloat16": torch.tensor([0.1, 3.0e38, -1.5], dtype=torch.bfloat16),
        "int64": torch.tensor([-2 ** 62, 5, 0], dtype=torch.int64),
        "int32": torch.tensor([-7, 2 ** 31 - 1], dtype=torch.int32),
        "int16": torch.tensor([-300, 7], dtype=torch.int16),
        "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "uint8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }


def make_fixtures(g):
    os.makedirs(OUT, exist_ok=True)
    # LeNet state dict and logits.
    torch.manual_seed(0)
    net = LeNet()
    torch.save(net.state_dict(), os.path.join(OUT, "lenet.pt"))
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        logits = net(x)
    g["lenet.input"] = x
    g["lenet.logits"] = logits
    for k in ["conv1.weight", "conv1.bias", "conv2.bias", "fc3.weight", "fc3.bias"]:
        g["lenet." + k] = net.state_dict()[k]

    # Optimizer states: a Linear(3, 2) trained a few steps, then one more step to continue from.
    for name, make, steps in [("adam", lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99)), 3),
                              ("sgd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 2)]:
        torch.manual_seed(1)
        lin = nn.Linear(3, 2)
        opt = make(lin.parameters())
        xs = torch.randn(4, 3)
        ys = torch.randn(4, 2)
        for _ in range(steps):
            opt.zero_grad()
            ((lin(xs) - ys) ** 2).sum().backward()
            opt.step()
        torch.save(opt.state_dict(), os.path.join(OUT, name + ".pt"))
        torch.save(lin.state_dict(), os.path.join(OUT, name + "_model.pt"))
        g[name + ".x"] = xs
        g[name + ".y"] = ys
        for i, st in opt.state_dict()["state"].items():
            for k, v in st.items():
                if torch.is_tensor(v):
                    g[f"{name}.state.{i}.{k}"] = v.clone()  # state_dict() shares the live tensors
        opt.zero_grad()
        ((lin(xs) - ys) ** 2).sum().backward()
        opt.step()
        g[name + ".next.weight"] = lin.weight.detach()
        g[name + ".next.bias"] = lin.bias.detach()

    # Every dtype.
    d = dtype_tensors()
    torch.save(d, os.path.join(OUT, "dtypes.pt"))
    for k, v in d.items():
        g["dtypes." + k] = as_ember(v)
    st = {k: v for k, v in d.items()}
    st_save(st, os.path.join(OUT, "dtypes.safetensors"))
    st_save({"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64)},
            os.path.join(OUT, "meta.safetensors"), metadata={"format": "pt", "note": "ünïcode \"quoted\""})

    # Views and shared storages.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    other = torch.arange(5, dtype=torch.int64)
    views = collections.OrderedDict([
        ("base", base), ("row", base[1]), ("col", base[:, 2]), ("t", base.t()), ("strided", base[::2, 1::2]),
        ("narrow", base[1:3, 2:5]), ("expanded", torch.arange(3, dtype=torch.float64).expand(4, 3)),
        ("other", other[1:4]),
    ])
    torch.save(views, os.path.join(OUT, "views.pt"))
    for k, v in views.items():
        g["views." + k] = v.contiguous()
        g["views." + k + ".stride"] = torch.tensor(v.stride() or [0], dtype=torch.int64)
        g["views." + k + ".offset"] = torch.tensor([v.storage_offset()], dtype=torch.int64)

    # A single tensor and a Parameter.
    torch.save(torch.linspace(-1, 1, 5, dtype=torch.float64), os.path.join(OUT, "tensor.pt"))
    torch.save(nn.Parameter(torch.tensor([[1.0, 2.0]])), os.path.join(OUT, "param.pt"))


def check_from_ember():
    """Loads what Ember wrote; every check must hold for the test to pass."""
    results = {}
    if not os.path.isdir(FROM_EMBER):
        return results

    def record(name, fn):
        path = os.path.join(FROM_EMBER, name)
        if not os.path.exists(path):
            return
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        try:
            checks = fn(path)
            results[name] = {"sha256": sha, "loaded": True, "checks": checks}
        except Exception as e:  # recorded, and the C# test fails on it
            results[name] = {"sha256": sha, "loaded": False, "error": repr(e)}

    def tensors(path):
        d = torch.load(path, weights_only=True)
        base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
        exp = {k: as_ember(v) for k, v in dtype_tensors().items() if v.dtype not in (torch.float16, torch.bfloat16, torch.int8, torch.int16)}
        c = {k + "_equal": bool(torch.equal(d[k], exp[k])) and d[k].dtype == exp[k].dtype for k in exp}
        c["base_equal"] = bool(torch.equal(d["base"], base))
        c["col_equal"] = bool(torch.equal(d["col"], base[:, 1])) and d["col"].stride() == (4,)
        c["t_equal"] = bool(torch.equal(d["t"], base.t())) and d["t"].stride() == (1, 4)
        c["views_share_storage"] = d["col"].storage().data_ptr() == d["base"].storage().data_ptr() == d["t"].storage().data_ptr()
        c["param_is_parameter"] = isinstance(d["param"], nn.Parameter) and d["param"].requires_grad
        # Storage records start at 64-byte boundaries, as torch.save aligns them.
        with open(path, "rb") as f:
            raw = f.read()
        z = zipfile.ZipFile(path)
        starts = [i.header_offset + 30 + struct.unpack("<HH", raw[i.header_offset + 26:i.header_offset + 30])[0]
                  + struct.unpack("<HH", raw[i.header_offset + 26:i.header_offset + 30])[1] for i in z.infolist() if "/data/" in i.filename]
        c["storages_64_byte_aligned"] = bool(starts) and all(s % 64 == 0 for s in starts)
        c["zip_crc_ok"] = z.testzip() is None
        return c

    def linear(path):
        sd = torch.load(path, weights_only=True)
        lin = nn.Linear(3, 2)
        lin.load_state_dict(sd)
        return {"weight_equal": bool(torch.equal(lin.weight.detach(), torch.arange(6, dtype=torch.float32).reshape(2, 3) / 10)),
                "bias_equal": bool(torch.equal(lin.bias.detach(), torch.tensor([0.5, -0.5])))}

    def optimizer(path):
        # PyTorch 1.13's weights_only unpickler lacks BINFLOAT, so states holding floats (lr, betas)
        # load with weights_only=False there (PyTorch 2 reads them with weights_only=True).
        c = {}
        try:
            torch.load(path, weights_only=True)
            c["weights_only"] = True
        except Exception as e:
            c["weights_only_fails_only_on_binfloat"] = "Unsupported operand 71" in str(e)  # 71 is 'G', BINFLOAT
        sd = torch.load(path, weights_only=False)
        lin = nn.Linear(3, 2)
        opt = torch.optim.Adam(lin.parameters(), lr=0.5)
        opt.load_state_dict(sd)
        g0 = opt.param_groups[0]
        c["lr"] = g0["lr"] == 0.01
        c["betas"] = tuple(g0["betas"]) == (0.8, 0.99)
        c["step"] = float(opt.state[lin.weight]["step"]) == 3.0
        c["exp_avg_shape"] = tuple(opt.state[lin.weight]["exp_avg"].shape) == (2, 3)
        return c

    def checkpoint(path):
        ck = torch.load(path, weights_only=False)
        c = {"keys": sorted(ck.keys()) == ["epoch", "model", "optimizer", "rng_state", "step"],
             "epoch": ck["epoch"] == 7, "step": ck["step"] == 1234}
        lin = nn.Linear(3, 2)
        lin.load_state_dict(ck["model"])
        torch.set_rng_state(ck["rng_state"])
        c["rng_state_sets"] = True
        return c

    def safetensors_file(path):
        d, meta, n = st_load(path)
        exp = {k: as_ember(v) for k, v in dtype_tensors().items() if v.dtype not in (torch.float16, torch.bfloat16, torch.int8, torch.int16)}
        c = {k + "_equal": bool(torch.equal(d[k], exp[k])) for k in exp}
        c["header_padded_to_8"] = n % 8 == 0
        c["metadata"] = meta == {"framework": "ember"}
        # Byte-identical to the reference layout for the same tensors and metadata.
        ref = path + ".ref"
        st_save(exp, ref, {"framework": "ember"})
        with open(ref, "rb") as a, open(path, "rb") as b:
            c["identical_to_reference_layout"] = a.read() == b.read()
        os.remove(ref)
        return c

    record("tensors.pt", tensors)
    record("linear.pt", linear)
    record("adam.pt", optimizer)
    record("checkpoint.pt", checkpoint)
    record("tensors.safetensors", safetensors_file)
    return results


if __name__ == "__main__":
    g = {}
    make_fixtures(g)
    golden_io.save(os.path.join(HERE, "serialization.json"), g)
    res = check_from_ember()
    with open(os.path.join(HERE, "serialization_from_ember.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "files": res}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("from_ember:", json.dumps(res, indent=1))
