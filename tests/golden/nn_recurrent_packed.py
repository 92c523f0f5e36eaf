"""Expected values for packed sequences (tests/Ember.Tests/NN/RecurrentPackedGoldenTests.cs).

Layer cases: NAME is a module built right after torch.manual_seed(seed) (NAME_p_<param> its initial
parameters), fed pack_padded_sequence(NAME_x, lengths, batch_first, enforce_sorted) (the options in
meta.cases[NAME]), with the initial state NAME_h0 / NAME_c0 when the case has one. It stores the
packing (NAME_data, NAME_batch_sizes, NAME_sorted, NAME_unsorted), the packed output's data NAME_y,
pad_packed_sequence of it (NAME_ypad, NAME_ylen), the final states NAME_hn, NAME_cn, and the
gradients of
    sum(ypad * NAME_gypad) + sum(hn * NAME_ghn) + sum(cn * NAME_gcn)
with respect to the padded input (NAME_gx), the initial states (NAME_gh0, NAME_gc0) and every
parameter (NAME_g_<param>).

Utility cases: pad_sequence and pack_sequence of three sequences seq_0..seq_2 (lengths 2, 4, 3),
with the gradients of sum(result * g) back to each sequence; pad_packed_sequence with total_length.
"""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence
from golden_io import save
from recurrent_common import record_backward

out = {}
cases = {}
gen = torch.Generator().manual_seed(77)


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def case(name, seed, make, lengths, batch_first=False, enforce_sorted=True, h0=None, c0=None, dtype=torch.float32):
    torch.manual_seed(seed)
    m = make()
    m.eval()
    cases[name] = {"seed": seed, "params": [n for n, _ in m.named_parameters()], "lengths": lengths,
                   "batch_first": batch_first, "enforce_sorted": enforce_sorted}
    for n, p in m.named_parameters():
        out[f"{name}_p_{n}"] = p.detach().clone()
    steps, batch = max(lengths), len(lengths)
    x = rnd(*((batch, steps) if batch_first else (steps, batch)), m.input_size, dtype=dtype)
    out[f"{name}_x"] = x.clone()
    x.requires_grad_(True)
    state = []
    for key, shape in (("h0", h0), ("c0", c0)):
        if shape is not None:
            t = rnd(*shape, dtype=dtype)
            out[f"{name}_{key}"] = t.clone()
            state.append(t.requires_grad_(True))
    packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=enforce_sorted)
    out[f"{name}_data"] = packed.data.detach()
    out[f"{name}_batch_sizes"] = packed.batch_sizes
    if packed.sorted_indices is not None:
        out[f"{name}_sorted"] = packed.sorted_indices
        out[f"{name}_unsorted"] = packed.unsorted_indices
    arg = None if not state else (tuple(state) if len(state) == 2 else state[0])
    y, hn = m(packed) if arg is None else m(packed, arg)
    ypad, ylen = pad_packed_sequence(y, batch_first=batch_first)
    out[f"{name}_y"] = y.data.detach()
    out[f"{name}_ylen"] = ylen
    ys = {"ypad": ypad, "hn": hn[0], "cn": hn[1]} if isinstance(hn, tuple) else {"ypad": ypad, "hn": hn}
    record_backward(out, name, ys, x, state, m, rnd, dtype)


# input 4, hidden 5; lengths with ties and a length-1 sequence.
case("rnn_sorted", 1, lambda: nn.RNN(4, 5), [5, 4, 2])
case("rnn_unsorted_bidir_2layer_h0", 2, lambda: nn.RNN(4, 5, num_layers=2, bidirectional=True, nonlinearity="relu"),
     [2, 5, 1, 5], h0=(4, 4, 5), enforce_sorted=False)
case("lstm_sorted_batchfirst", 3, lambda: nn.LSTM(4, 5, batch_first=True), [4, 4, 3, 1], batch_first=True)
case("lstm_unsorted_bidir_2layer_h0", 4, lambda: nn.LSTM(4, 5, num_layers=2, bidirectional=True),
     [3, 5, 1, 4], h0=(4, 4, 5), c0=(4, 4, 5), enforce_sorted=False)
case("lstm_proj_unsorted_batchfirst", 5, lambda: nn.LSTM(4, 6, num_layers=2, proj_size=3, batch_first=True),
     [2, 4, 3], batch_first=True, enforce_sorted=False)
case("gru_sorted_2layer", 6, lambda: nn.GRU(4, 5, num_layers=2), [5, 3, 3, 2])
case("gru_unsorted_bidir_2layer_h0", 7, lambda: nn.GRU(4, 5, num_layers=2, bidirectional=True),
     [1, 4, 5, 2], h0=(4, 4, 5), enforce_sorted=False)
case("lstm_float64_unsorted_bidir", 8, lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, dtype=torch.float64),
     [2, 4, 3], h0=(4, 3, 4), c0=(4, 3, 4), enforce_sorted=False, dtype=torch.float64)

# ---- the utilities on their own
seqs = [rnd(2, 3), rnd(4, 3), rnd(3, 3)]
for i, s in enumerate(seqs):
    out[f"seq_{i}"] = s.clone()


def through(name, fn):
    ins = [s.clone().requires_grad_(True) for s in seqs]
    res = fn(ins)
    out[f"{name}_out"] = res.detach()
    g = rnd(*res.shape)
    out[f"{name}_g"] = g
    (res * g).sum().backward()
    for i, s in enumerate(ins):
        out[f"{name}_gseq_{i}"] = s.grad


through("pad", lambda s: pad_sequence(s))
through("pad_batchfirst_value", lambda s: pad_sequence(s, batch_first=True, padding_value=-1.5))
through("pack_unsorted", lambda s: pack_sequence(s, enforce_sorted=False).data)
out["pack_unsorted_batch_sizes"] = pack_sequence(seqs, enforce_sorted=False).batch_sizes
out["pack_unsorted_sorted"] = pack_sequence(seqs, enforce_sorted=False).sorted_indices
through("roundtrip_total", lambda s: pad_packed_sequence(pack_sequence(s, enforce_sorted=False), batch_first=True,
                                                         padding_value=2.0, total_length=6)[0])

save("nn_recurrent_packed.json", out, meta={"cases": cases})
