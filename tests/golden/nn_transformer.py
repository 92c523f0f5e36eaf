"""Expected values for the Transformer layers (tests/Ember.Tests/NN/TransformerGoldenTests.cs).

Each case NAME builds a module right after torch.manual_seed(seed): meta.cases[NAME].kind is one of
"encoder_layer", "decoder_layer", "encoder" (TransformerEncoder of a layer, num_layers, optional final
LayerNorm), "decoder" and "transformer" (nn.Transformer); meta.cases[NAME].ctor holds the layer's
arguments (activation as "relu", "gelu", "callable:tanh" for torch.tanh, or a module: "module:gelu_tanh" for
nn.GELU(approximate="tanh"), "module:prelu" for nn.PReLU(), "module:relu" for nn.ReLU()). NAME_p_<param> are the
initial parameters in named_parameters() order (so the same seed gives them), meta.cases[NAME].params
their names and meta.cases[NAME].state_dict the state dict keys in order.

The module runs in eval mode (train: true runs it in training mode after torch.manual_seed(dropout_seed),
so dropout masks come from that seed) on inputs that require grad, which keeps PyTorch 1.13 off its
inference fast path (torch._transformer_encoder_layer_fwd); the masks NAME_<mask> are passed when
present (src_mask, src_key_padding_mask, tgt_mask, memory_mask, tgt_key_padding_mask,
memory_key_padding_mask; for "encoder" the attention mask is called mask, as its forward's argument).
A mask named in meta.cases[NAME].causal was made with Transformer.generate_square_subsequent_mask.
It stores the output NAME_y and the gradients of sum(y * NAME_gy) with respect to the inputs
(NAME_g_src, NAME_g_tgt, NAME_g_memory) and every parameter (NAME_g_<param>).

Case "fastpath" is an encoder layer run in eval mode under no_grad with batch_first (PyTorch's fast
path, torch._transformer_encoder_layer_fwd): only its output is stored.

serialization/transformer_state.pt is torch.save(model.state_dict()) of a small nn.Transformer (case
"statedict": its inputs and eval-mode output are stored under that name).
"""
import os

import torch
import torch.nn as nn
from golden_io import save

out = {}
cases = {}
gen = torch.Generator().manual_seed(2026)
D, H, FF = 8, 2, 16


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def bool_mask(*shape, p=0.3):
    # True (left out) with probability p; the first column stays False so no row is masked out entirely,
    # causal masks included.
    m = torch.rand(*shape, generator=gen) < p
    m[..., 0] = False
    return m


def padding(lengths, total):
    # Key padding mask: True past each sequence's length.
    return torch.arange(total).unsqueeze(0) >= torch.tensor(lengths).unsqueeze(1)


def causal(n, dtype=torch.float32):
    return nn.Transformer.generate_square_subsequent_mask(n).to(dtype)


MODULES = {"module:gelu_tanh": lambda: nn.GELU(approximate="tanh"), "module:prelu": nn.PReLU, "module:relu": nn.ReLU}


def activation(name):
    if name in MODULES:
        return MODULES[name]()
    return torch.tanh if name == "callable:tanh" else name


def layer_args(ctor, dtype):
    kw = dict(ctor)
    kw["activation"] = activation(kw.get("activation", "relu"))
    return dict(kw, dtype=dtype)


def build(kind, ctor, num_layers, final_norm, dtype):
    if kind == "encoder_layer":
        return nn.TransformerEncoderLayer(**layer_args(ctor, dtype))
    if kind == "decoder_layer":
        return nn.TransformerDecoderLayer(**layer_args(ctor, dtype))
    if kind == "encoder":
        layer = nn.TransformerEncoderLayer(**layer_args(ctor, dtype))
        norm = nn.LayerNorm(ctor["d_model"], dtype=dtype) if final_norm else None
        return nn.TransformerEncoder(layer, num_layers, norm)
    if kind == "decoder":
        layer = nn.TransformerDecoderLayer(**layer_args(ctor, dtype))
        norm = nn.LayerNorm(ctor["d_model"], dtype=dtype) if final_norm else None
        return nn.TransformerDecoder(layer, num_layers, norm)
    return nn.Transformer(**layer_args(ctor, dtype))


def shape(T, N, bf, unbatched):
    if unbatched:
        return (T, D)
    return (N, T, D) if bf else (T, N, D)


def case(name, kind, seed, ctor, S=5, T=4, N=3, masks=None, causal_masks=(), num_layers=2, final_norm=True,
         train=False, dropout_seed=None, unbatched=False, dtype=torch.float32, no_grad=False):
    torch.manual_seed(seed)
    m = build(kind, ctor, num_layers, final_norm, dtype)
    meta = {"kind": kind, "seed": seed, "ctor": ctor, "num_layers": num_layers, "final_norm": final_norm,
            "params": [n for n, _ in m.named_parameters()], "state_dict": list(m.state_dict().keys()),
            "repr": repr(m), "train": train, "causal": list(causal_masks), "no_grad": no_grad}
    for n, p in m.named_parameters():
        out[f"{name}_p_{n}"] = p.detach().clone()
    m.train(train)
    bf = ctor.get("batch_first", False)
    inputs = {}
    if kind in ("encoder_layer", "encoder", "transformer"):
        inputs["src"] = rnd(*shape(S, N, bf, unbatched), dtype=dtype)
    if kind == "transformer":
        inputs["tgt"] = rnd(*shape(T, N, bf, unbatched), dtype=dtype)
    if kind in ("decoder_layer", "decoder"):
        inputs["tgt"] = rnd(*shape(T, N, bf, unbatched), dtype=dtype)
        inputs["memory"] = rnd(*shape(S, N, bf, unbatched), dtype=dtype)
    for k, v in inputs.items():
        out[f"{name}_{k}"] = v.clone()
        v.requires_grad_(not no_grad)
    masks = dict(masks or {})
    for k, v in masks.items():
        out[f"{name}_{k}"] = v
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
        meta["dropout_seed"] = dropout_seed
    if no_grad:
        with torch.no_grad():
            y = m(*inputs.values(), **masks)
        out[f"{name}_y"] = y
        cases[name] = meta
        return
    y = m(*inputs.values(), **masks)
    gy = rnd(*y.shape, dtype=dtype)
    out[f"{name}_y"], out[f"{name}_gy"] = y.detach(), gy
    (y * gy).sum().backward()
    for k, v in inputs.items():
        out[f"{name}_g_{k}"] = v.grad
    for n, p in m.named_parameters():
        out[f"{name}_g_{n}"] = p.grad
    cases[name] = meta


base = dict(d_model=D, nhead=H, dim_feedforward=FF)

# ---- encoder layer
case("enc_post_relu", "encoder_layer", 1, base)
case("enc_norm_first_gelu_bf", "encoder_layer", 2, dict(base, activation="gelu", batch_first=True, norm_first=True),
     masks={"src_mask": causal(5), "src_key_padding_mask": padding([5, 3, 4], 5)}, causal_masks=["src_mask"])
case("enc_bool_masks", "encoder_layer", 3, dict(base, nhead=4),
     masks={"src_mask": bool_mask(5, 5), "src_key_padding_mask": padding([4, 5, 2], 5)})
case("enc_mask_3d_float", "encoder_layer", 4, dict(base, norm_first=True), masks={"src_mask": rnd(3 * H, 5, 5)})
case("enc_unbatched_kpm", "encoder_layer", 5, dict(base, activation="gelu"), unbatched=True,
     masks={"src_key_padding_mask": torch.tensor([False, False, False, True, True])})
case("enc_callable_eps", "encoder_layer", 6, dict(base, activation="callable:tanh", layer_norm_eps=1e-3))
case("enc_train_dropout", "encoder_layer", 7, dict(base, dropout=0.2), train=True, dropout_seed=77,
     masks={"src_mask": causal(5)}, causal_masks=["src_mask"])
case("enc_float64", "encoder_layer", 8, dict(base, norm_first=True, activation="gelu"), dtype=torch.float64,
     masks={"src_mask": causal(5, torch.float64), "src_key_padding_mask": padding([5, 2, 4], 5)}, causal_masks=["src_mask"])
case("fastpath", "encoder_layer", 9, dict(base, batch_first=True), no_grad=True)

# ---- decoder layer
case("dec_post_relu", "decoder_layer", 11, base, masks={"tgt_mask": causal(4)}, causal_masks=["tgt_mask"])
case("dec_norm_first_gelu_bf", "decoder_layer", 12, dict(base, activation="gelu", batch_first=True, norm_first=True),
     masks={"tgt_mask": causal(4), "memory_mask": bool_mask(4, 5), "tgt_key_padding_mask": padding([4, 2, 3], 4),
            "memory_key_padding_mask": padding([5, 4, 3], 5)}, causal_masks=["tgt_mask"])
case("dec_unbatched", "decoder_layer", 13, base, unbatched=True,
     masks={"tgt_mask": causal(4), "memory_key_padding_mask": torch.tensor([False, False, True, True, True])},
     causal_masks=["tgt_mask"])
case("dec_train_dropout", "decoder_layer", 14, dict(base, dropout=0.3), train=True, dropout_seed=78,
     masks={"tgt_mask": causal(4)}, causal_masks=["tgt_mask"])
case("dec_float64", "decoder_layer", 15, dict(base, norm_first=True), dtype=torch.float64,
     masks={"tgt_mask": causal(4, torch.float64), "memory_key_padding_mask": padding([5, 3, 1], 5)}, causal_masks=["tgt_mask"])

# ---- stacks
case("encoder_norm", "encoder", 21, base, masks={"mask": causal(5), "src_key_padding_mask": padding([5, 4, 2], 5)},
     causal_masks=["mask"])
case("encoder_bf_norm_first_no_norm", "encoder", 22, dict(base, batch_first=True, norm_first=True, activation="gelu"),
     num_layers=3, final_norm=False, masks={"mask": bool_mask(5, 5)})
case("decoder_norm", "decoder", 23, base, masks={"tgt_mask": causal(4), "memory_key_padding_mask": padding([5, 4, 3], 5)},
     causal_masks=["tgt_mask"])

# ---- nn.Transformer
tbase = dict(d_model=D, nhead=H, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=FF)
case("transformer", "transformer", 31, tbase,
     masks={"src_mask": bool_mask(5, 5), "tgt_mask": causal(4), "src_key_padding_mask": padding([5, 4, 3], 5),
            "tgt_key_padding_mask": padding([4, 4, 2], 4), "memory_key_padding_mask": padding([5, 4, 3], 5)},
     causal_masks=["tgt_mask"])
case("transformer_bf_norm_first_gelu", "transformer", 32,
     dict(tbase, num_encoder_layers=1, num_decoder_layers=3, batch_first=True, norm_first=True, activation="gelu"),
     masks={"tgt_mask": causal(4), "memory_mask": rnd(4, 5)}, causal_masks=["tgt_mask"])
case("transformer_train_dropout", "transformer", 33, dict(tbase, dropout=0.25), train=True, dropout_seed=79,
     masks={"tgt_mask": causal(4)}, causal_masks=["tgt_mask"])
case("transformer_float64", "transformer", 34, tbase, dtype=torch.float64,
     masks={"tgt_mask": causal(4, torch.float64), "src_key_padding_mask": padding([5, 2, 4], 5)}, causal_masks=["tgt_mask"])

out["square_subsequent_mask_4"] = nn.Transformer.generate_square_subsequent_mask(4)

# ---- a state dict written by torch.save, and what the saved model computes
os.makedirs("serialization", exist_ok=True)
torch.manual_seed(99)
sd_ctor = dict(tbase, num_decoder_layers=1)
sd_model = nn.Transformer(**sd_ctor).eval()
torch.save(sd_model.state_dict(), "serialization/transformer_state.pt")
src, tgt = rnd(5, 2, D), rnd(4, 2, D)
with torch.no_grad():
    sy = sd_model(src, tgt, tgt_mask=causal(4))
out.update({"statedict_src": src, "statedict_tgt": tgt, "statedict_y": sy})
cases["statedict"] = {"kind": "transformer", "ctor": sd_ctor, "state_dict": list(sd_model.state_dict().keys())}

# ---- the activation given as a module: a child named activation, registered last, copied into every layer
# (after the statedict case, which the shared input generator would otherwise move)
case("enc_module_gelu_tanh", "encoder_layer", 41, dict(base, activation="module:gelu_tanh"), masks={"src_mask": causal(5)},
     causal_masks=["src_mask"])
case("dec_module_prelu", "decoder_layer", 42, dict(base, activation="module:prelu", norm_first=True))
case("encoder_module_prelu", "encoder", 43, dict(base, activation="module:prelu"), masks={"src_key_padding_mask": padding([5, 4, 2], 5)})
case("transformer_module_relu", "transformer", 44, dict(tbase, num_encoder_layers=1, num_decoder_layers=2, activation="module:relu"),
     masks={"tgt_mask": causal(4)}, causal_masks=["tgt_mask"])

errors = {}
for key, fn in {
    "divisible": lambda: nn.TransformerEncoderLayer(10, 3),
    "activation": lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "batch": lambda: nn.Transformer(8, 2, 1, 1, 16)(torch.randn(5, 2, 8), torch.randn(4, 3, 8)),
    "feature": lambda: nn.Transformer(8, 2, 1, 1, 16)(torch.randn(5, 2, 8), torch.randn(4, 2, 6)),
}.items():
    try:
        fn()
    except Exception as e:  # the texts Ember's messages carry
        errors[key] = str(e)

save("nn_transformer.json", out, meta={"cases": cases, "errors": errors})
