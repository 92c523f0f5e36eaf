"""Expected values for attention (tests/Ember.Tests/NN/AttentionGoldenTests.cs).

Scaled dot-product attention: PyTorch 1.13 has no F.scaled_dot_product_attention, so sdpa() below is
PyTorch 2's documented reference formula written with 1.13 ops (matmul, masked_fill, softmax, dropout):
    softmax(q @ k^T * scale + bias) @ v,  scale = 1/sqrt(E) by default,
bias -inf where a bool mask is False (or above the diagonal with is_causal), a float mask added, and
dropout (F.dropout, training) on the weights. Case SDPA_NAME stores the inputs SDPA_NAME_q/k/v (and
_mask), the output _y and the gradients _gq, _gk, _gv of sum(y * _gy).

MultiheadAttention: each case NAME is a module built right after torch.manual_seed(seed) (so
NAME_p_<param> are PyTorch's initial parameters, in named_parameters() order), run in training mode
(dropout 0 unless the case says, so PyTorch takes its reference path, not the inference fast path) on
NAME_q, NAME_k, NAME_v (one tensor for all three when meta.cases[NAME].inputs is "self", key = value
when "kv") with the masks NAME_kpm, NAME_am when present. It stores the output NAME_y, the weights
NAME_w (when need_weights), and the gradients of sum(y * NAME_gy) + sum(w * NAME_gw) with respect to
the inputs (NAME_gq, NAME_gk, NAME_gv) and every parameter (NAME_g_<param>).

PyTorch 1.13 cannot combine a float key_padding_mask with a float attn_mask; PyTorch 2 adds them. For
the case marked "merged", torch 1.13 is given the sum as one 3-D attn_mask (what PyTorch 2 computes)
while Ember is given the two masks.

serialization/mha_state.pt and serialization/mha_kvdim_state.pt are torch.save(mha.state_dict()) of
the cases "statedict" and "statedict_kvdim", with their inputs and outputs stored under those names.
"""
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from golden_io import save

out = {}
cases = {}
sdpa_cases = {}
gen = torch.Generator().manual_seed(2025)


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def bool_mask(*shape, p=0.3):
    # True with probability p; the last column stays False so no row is masked out entirely.
    m = torch.rand(*shape, generator=gen) < p
    m[..., -1] = False
    return m


def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    L, S = q.size(-2), k.size(-2)
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    s = q @ k.transpose(-2, -1) * scale
    if is_causal:
        attn_mask = torch.ones(L, S, dtype=torch.bool).tril()
    if attn_mask is not None:
        s = s.masked_fill(attn_mask.logical_not(), float("-inf")) if attn_mask.dtype == torch.bool else s + attn_mask
    w = torch.softmax(s, dim=-1)
    if dropout_p > 0:
        w = F.dropout(w, dropout_p)
    return w @ v


def sdpa_case(name, q, k, v, mask=None, dropout_seed=None, dtype=torch.float32, **kw):
    q, k, v = rnd(*q, dtype=dtype), rnd(*k, dtype=dtype), rnd(*v, dtype=dtype)
    out.update({f"sdpa_{name}_q": q.clone(), f"sdpa_{name}_k": k.clone(), f"sdpa_{name}_v": v.clone()})
    if mask is not None:
        out[f"sdpa_{name}_mask"] = mask
    for t in (q, k, v):
        t.requires_grad_(True)
    meta = {k2: v2 for k2, v2 in kw.items()}
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
        meta["dropout_seed"] = dropout_seed
    y = sdpa(q, k, v, mask, **kw)
    gy = rnd(*y.shape, dtype=dtype)
    (y * gy).sum().backward()
    out.update({f"sdpa_{name}_y": y.detach(), f"sdpa_{name}_gy": gy,
                f"sdpa_{name}_gq": q.grad, f"sdpa_{name}_gk": k.grad, f"sdpa_{name}_gv": v.grad})
    sdpa_cases[name] = meta


sdpa_case("plain", (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
sdpa_case("bool_mask", (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), mask=bool_mask(4, 6, p=0.6).logical_not())
sdpa_case("float_mask", (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7), mask=rnd(2, 1, 4, 6))
sdpa_case("causal", (2, 5, 4), (2, 5, 4), (2, 5, 3), is_causal=True)
sdpa_case("causal_short_query", (3, 4), (6, 4), (6, 2), is_causal=True)
sdpa_case("scale", (2, 4, 5), (2, 6, 5), (2, 6, 5), scale=0.3)
sdpa_case("broadcast_batch", (2, 3, 4, 5), (3, 6, 5), (1, 6, 7))
sdpa_case("dropout", (2, 4, 5), (2, 6, 5), (2, 6, 3), dropout_p=0.4, dropout_seed=7)
sdpa_case("float64", (2, 4, 5), (2, 6, 5), (2, 6, 3), mask=rnd(4, 6, dtype=torch.float64), dtype=torch.float64)


def mha_case(name, seed, ctor, L=4, S=5, N=2, inputs="separate", kpm=None, am=None, merged=False,
             need_weights=True, average=True, dropout_seed=None, unbatched=False, dtype=torch.float32):
    torch.manual_seed(seed)
    m = nn.MultiheadAttention(**ctor, dtype=dtype)
    params = [n for n, _ in m.named_parameters()]
    meta = {"seed": seed, "ctor": ctor, "params": params, "inputs": inputs, "need_weights": need_weights,
            "average": average, "repr": repr(m), "merged": merged}
    for n, p in m.named_parameters():
        out[f"{name}_p_{n}"] = p.detach().clone()
    E = ctor["embed_dim"]
    kd, vd = ctor.get("kdim") or E, ctor.get("vdim") or E
    bf = ctor.get("batch_first", False)

    def shape(T, D):
        if unbatched:
            return (T, D)
        return (N, T, D) if bf else (T, N, D)

    q = rnd(*shape(L, E), dtype=dtype)
    k = q if inputs == "self" else rnd(*shape(S, kd), dtype=dtype)
    v = k if inputs in ("self", "kv") else rnd(*shape(S, vd), dtype=dtype)
    out[f"{name}_q"] = q.clone()
    if inputs != "self":
        out[f"{name}_k"] = k.clone()
    if inputs == "separate":
        out[f"{name}_v"] = v.clone()
    for t in {id(x): x for x in (q, k, v)}.values():
        t.requires_grad_(True)
    if kpm is not None:
        out[f"{name}_kpm"] = kpm
    if am is not None:
        out[f"{name}_am"] = am
    torch_kpm, torch_am = kpm, am
    if merged:
        H = ctor["num_heads"]
        full = am if am.dim() == 3 else am.expand(N * H, L, S)
        torch_am = full + kpm.view(N, 1, 1, S).expand(-1, H, -1, -1).reshape(N * H, 1, S)
        torch_kpm = None
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
        meta["dropout_seed"] = dropout_seed
    y, w = m(q, k, v, key_padding_mask=torch_kpm, need_weights=need_weights, attn_mask=torch_am,
             average_attn_weights=average)
    gy = rnd(*y.shape, dtype=dtype)
    out[f"{name}_y"], out[f"{name}_gy"] = y.detach(), gy
    loss = (y * gy).sum()
    if need_weights:
        gw = rnd(*w.shape, dtype=dtype)
        out[f"{name}_w"], out[f"{name}_gw"] = w.detach(), gw
        loss = loss + (w * gw).sum()
    loss.backward()
    out[f"{name}_gq"] = q.grad
    if inputs != "self":
        out[f"{name}_gk"] = k.grad
    if inputs == "separate":
        out[f"{name}_gv"] = v.grad
    for n, p in m.named_parameters():
        out[f"{name}_g_{n}"] = p.grad
    cases[name] = meta
    return m


E, H = 8, 2
mha_case("basic", 1, dict(embed_dim=E, num_heads=H))
mha_case("self_batch_first", 2, dict(embed_dim=E, num_heads=H, batch_first=True), L=5, inputs="self")
mha_case("kv_shared", 3, dict(embed_dim=E, num_heads=4), inputs="kv")
mha_case("kdim_vdim", 4, dict(embed_dim=E, num_heads=H, kdim=5, vdim=3))
mha_case("kdim_vdim_batch_first_nobias", 5, dict(embed_dim=E, num_heads=H, kdim=6, vdim=6, bias=False, batch_first=True))
mha_case("bias_kv", 6, dict(embed_dim=E, num_heads=H, add_bias_kv=True), kpm=bool_mask(2, 5), am=bool_mask(4, 5))
mha_case("zero_attn", 7, dict(embed_dim=E, num_heads=H, add_zero_attn=True), kpm=bool_mask(2, 5), am=rnd(4, 5))
mha_case("bias_kv_zero_attn_kdim", 8, dict(embed_dim=E, num_heads=H, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=4),
         am=bool_mask(4, 4, 5))
mha_case("kpm_bool", 9, dict(embed_dim=E, num_heads=H), kpm=bool_mask(2, 5, p=0.5))
mha_case("kpm_float", 10, dict(embed_dim=E, num_heads=H), kpm=rnd(2, 5))
mha_case("am_bool_2d", 11, dict(embed_dim=E, num_heads=H), am=bool_mask(4, 5, p=0.5))
mha_case("am_float_3d_kpm_bool", 12, dict(embed_dim=E, num_heads=H), am=rnd(4, 4, 5), kpm=bool_mask(2, 5))
mha_case("am_bool_3d_kpm_bool", 13, dict(embed_dim=E, num_heads=H), am=bool_mask(4, 4, 5), kpm=bool_mask(2, 5))
mha_case("am_float_kpm_float_merged", 14, dict(embed_dim=E, num_heads=H), am=rnd(4, 5), kpm=rnd(2, 5), merged=True)
mha_case("weights_per_head", 15, dict(embed_dim=E, num_heads=H), average=False)
mha_case("no_weights", 16, dict(embed_dim=E, num_heads=H, batch_first=True), need_weights=False, am=bool_mask(4, 5))
mha_case("unbatched", 17, dict(embed_dim=E, num_heads=H), unbatched=True, kpm=bool_mask(5), am=rnd(2, 4, 5))
mha_case("unbatched_self_per_head", 18, dict(embed_dim=E, num_heads=4, add_bias_kv=True), L=5, unbatched=True,
         inputs="self", average=False)
mha_case("dropout_train", 19, dict(embed_dim=E, num_heads=H, dropout=0.3), dropout_seed=55)
mha_case("float64", 20, dict(embed_dim=6, num_heads=3, add_bias_kv=True, kdim=4, vdim=5), kpm=bool_mask(2, 5),
         am=rnd(4, 5, dtype=torch.float64), dtype=torch.float64)

# ---- state dicts written by torch.save, and what the saved modules compute
os.makedirs("serialization", exist_ok=True)
for name, seed, ctor in (("statedict", 99, dict(embed_dim=8, num_heads=2, add_bias_kv=True)),
                         ("statedict_kvdim", 98, dict(embed_dim=8, num_heads=4, kdim=5, vdim=3, batch_first=True))):
    torch.manual_seed(seed)
    sd_model = nn.MultiheadAttention(**ctor)
    torch.save(sd_model.state_dict(), f"serialization/{'mha_state' if name == 'statedict' else 'mha_kvdim_state'}.pt")
    bf = ctor.get("batch_first", False)
    sq = rnd(*((2, 4, 8) if bf else (4, 2, 8)))
    sk = rnd(*((2, 6, ctor.get("kdim", 8)) if bf else (6, 2, ctor.get("kdim", 8))))
    sv = rnd(*((2, 6, ctor.get("vdim", 8)) if bf else (6, 2, ctor.get("vdim", 8))))
    with torch.no_grad():
        sy, sw = sd_model(sq, sk, sv)
    out.update({f"{name}_q": sq, f"{name}_k": sk, f"{name}_v": sv, f"{name}_y": sy, f"{name}_w": sw})
    cases[name] = {"ctor": ctor, "params": list(sd_model.state_dict().keys())}

reprs = {"mha": repr(nn.MultiheadAttention(8, 2)), "mha_nobias_kdim": repr(nn.MultiheadAttention(8, 2, bias=False, kdim=3))}

save("nn_attention.json", out, meta={"cases": cases, "sdpa": sdpa_cases, "repr": reprs})
