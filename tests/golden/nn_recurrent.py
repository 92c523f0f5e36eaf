"""Expected values for the recurrent layers and cells (tests/Ember.Tests/NN/RecurrentTests.cs).

Each case NAME is a module built right after torch.manual_seed(seed) (so NAME_p_<param> are PyTorch's
initial parameters, in named_parameters() order, listed in meta.cases[NAME].params), run on NAME_x
(and the initial state NAME_h0, NAME_c0 when the case has one). It stores the output NAME_y, the
final states NAME_hn, NAME_cn, and the gradients of
    sum(y * NAME_gy) + sum(hn * NAME_ghn) + sum(cn * NAME_gcn)
with respect to the input (NAME_gx), the initial states (NAME_gh0, NAME_gc0) and every parameter
(NAME_g_<param>). For the cells, y is h' (and hn is absent; cn is c' for LSTMCell).

Cases with "dropout_seed" run in training mode after torch.manual_seed(dropout_seed), so the dropout
masks between layers come from the default generator. The state-dict fixture
serialization/lstm_state.pt is torch.save(lstm.state_dict()) of the case "statedict".
"""
import os

import torch
import torch.nn as nn
from golden_io import save
from recurrent_common import record_backward

out = {}
cases = {}
reprs = {}
gen = torch.Generator().manual_seed(2024)


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def case(name, seed, make, x_shape, h0=None, c0=None, dropout_seed=None, dtype=torch.float32):
    torch.manual_seed(seed)
    m = make()
    params = [n for n, _ in m.named_parameters()]
    cases[name] = {"seed": seed, "params": params, "repr": repr(m)}
    for n, p in m.named_parameters():
        out[f"{name}_p_{n}"] = p.detach().clone()
    x = rnd(*x_shape, dtype=dtype)
    out[f"{name}_x"] = x.clone()
    x.requires_grad_(True)
    state = []
    for key, shape in (("h0", h0), ("c0", c0)):
        if shape is not None:
            t = rnd(*shape, dtype=dtype)
            out[f"{name}_{key}"] = t.clone()
            state.append(t.requires_grad_(True))
    cell = isinstance(m, nn.RNNCellBase)
    arg = None
    if state:
        arg = tuple(state) if len(state) == 2 else state[0]
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
        cases[name]["dropout_seed"] = dropout_seed
    else:
        m.eval()
    res = m(x) if arg is None else m(x, arg)
    if cell:
        ys = {"y": res[0], "cn": res[1]} if isinstance(res, tuple) else {"y": res}
    else:
        y, hn = res
        ys = {"y": y, "hn": hn[0], "cn": hn[1]} if isinstance(hn, tuple) else {"y": y, "hn": hn}
    record_backward(out, name, ys, x, state, m, rnd, dtype)
    return m


# ---- layers: T = 5 steps, batch 3, input 4, hidden 5 (proj 3 with hidden 6)
case("rnn_tanh", 1, lambda: nn.RNN(4, 5), (5, 3, 4))
case("rnn_relu_2layer_h0", 2, lambda: nn.RNN(4, 5, num_layers=2, nonlinearity="relu"), (5, 3, 4), h0=(2, 3, 5))
case("rnn_bidir_batchfirst", 3, lambda: nn.RNN(4, 5, bidirectional=True, batch_first=True), (3, 5, 4))
case("rnn_unbatched_nobias", 4, lambda: nn.RNN(4, 5, bias=False), (5, 4), h0=(1, 5))
case("lstm_basic", 5, lambda: nn.LSTM(4, 5), (5, 3, 4))
case("lstm_2layer_bidir_h0", 6, lambda: nn.LSTM(4, 5, num_layers=2, bidirectional=True), (5, 3, 4), h0=(4, 3, 5), c0=(4, 3, 5))
case("lstm_proj_2layer_h0", 7, lambda: nn.LSTM(4, 6, num_layers=2, proj_size=3), (5, 3, 4), h0=(2, 3, 3), c0=(2, 3, 6))
case("lstm_proj_bidir_batchfirst", 8, lambda: nn.LSTM(4, 6, bidirectional=True, batch_first=True, proj_size=3), (3, 5, 4))
case("lstm_unbatched_h0", 9, lambda: nn.LSTM(4, 5, num_layers=2), (5, 4), h0=(2, 5), c0=(2, 5))
case("lstm_nobias_2layer", 10, lambda: nn.LSTM(4, 5, num_layers=2, bias=False), (5, 3, 4))
case("lstm_dropout_train", 11, lambda: nn.LSTM(4, 5, num_layers=3, dropout=0.5), (5, 3, 4), dropout_seed=100)
case("gru_basic", 12, lambda: nn.GRU(4, 5), (5, 3, 4))
case("gru_2layer_bidir_h0", 13, lambda: nn.GRU(4, 5, num_layers=2, bidirectional=True), (5, 3, 4), h0=(4, 3, 5))
case("gru_batchfirst_nobias", 14, lambda: nn.GRU(4, 5, bias=False, batch_first=True), (3, 5, 4))
case("gru_unbatched_bidir_h0", 15, lambda: nn.GRU(4, 5, bidirectional=True), (5, 4), h0=(2, 5))
case("gru_dropout_train", 16, lambda: nn.GRU(4, 5, num_layers=2, dropout=0.3, bidirectional=True), (5, 3, 4), dropout_seed=200)
case("lstm_float64", 17, lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2, dtype=torch.float64), (4, 2, 3),
     h0=(4, 2, 2), c0=(4, 2, 4), dtype=torch.float64)
case("gru_float64", 18, lambda: nn.GRU(3, 4, num_layers=2, dtype=torch.float64), (4, 2, 3), h0=(2, 2, 4), dtype=torch.float64)

# ---- cells: batch 3, input 4, hidden 5
case("rnncell_tanh_h0", 21, lambda: nn.RNNCell(4, 5), (3, 4), h0=(3, 5))
case("rnncell_relu_nobias", 22, lambda: nn.RNNCell(4, 5, bias=False, nonlinearity="relu"), (3, 4))
case("lstmcell_h0", 23, lambda: nn.LSTMCell(4, 5), (3, 4), h0=(3, 5), c0=(3, 5))
case("lstmcell_unbatched", 24, lambda: nn.LSTMCell(4, 5), (4,))
case("grucell_h0", 25, lambda: nn.GRUCell(4, 5), (3, 4), h0=(3, 5))
case("grucell_unbatched_nobias_h0", 26, lambda: nn.GRUCell(4, 5, bias=False), (4,), h0=(5,))

# ---- a state dict written by torch.save, and what the saved LSTM computes
torch.manual_seed(99)
sd_model = nn.LSTM(4, 6, num_layers=2, bidirectional=True, proj_size=3)
os.makedirs("serialization", exist_ok=True)
torch.save(sd_model.state_dict(), "serialization/lstm_state.pt")
sd_x = rnd(5, 2, 4)
sd_y, (sd_h, sd_c) = sd_model(sd_x)
out.update({"statedict_x": sd_x, "statedict_y": sd_y.detach(), "statedict_hn": sd_h.detach(), "statedict_cn": sd_c.detach()})
cases["statedict"] = {"params": list(sd_model.state_dict().keys())}

# ---- printed forms
for key, m in {
    "lstm_full": nn.LSTM(10, 20, 2, batch_first=True, dropout=0.5, bidirectional=True, proj_size=5, bias=False),
    "rnn_relu": nn.RNN(10, 20, nonlinearity="relu"),
    "gru": nn.GRU(3, 4, num_layers=3),
    "grucell_nobias": nn.GRUCell(3, 4, bias=False),
    "rnncell_relu": nn.RNNCell(3, 4, nonlinearity="relu"),
    "lstmcell": nn.LSTMCell(3, 4),
}.items():
    reprs[key] = repr(m)

save("nn_recurrent.json", out, meta={"cases": cases, "repr": reprs})
