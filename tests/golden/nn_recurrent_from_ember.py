"""Issue 14's "and back": PyTorch runs the recurrent state dicts that Ember wrote
(tests/Ember.Tests/NN/RecurrentStateDictToPyTorchTests.cs).

Loads serialization/from_ember/recurrent_lstm.pt (Ember's LSTM(5, 6, num_layers=2, bidirectional=True,
proj_size=4)) and recurrent_gru.pt (GRU(5, 6, num_layers=2)) with torch.load(weights_only=True), puts
them into PyTorch modules of the same configuration with load_state_dict(strict=True), runs them on
fixed inputs (lstm_x [T=4, B=3, 5] with lstm_h0, lstm_c0; gru_x, gru_h0) and records the outputs
(NAME_y, NAME_hn, NAME_cn), the keys of each state dict in PyTorch's order (meta.keys) and the SHA-256
of the files it loaded (meta.sha256). The C# test checks Ember still writes those bytes and that
Ember's modules give these outputs.
"""
import hashlib
import os

import torch
import torch.nn as nn
from golden_io import save

HERE = os.path.dirname(os.path.abspath(__file__))
FROM_EMBER = os.path.join(HERE, "serialization", "from_ember")
gen = torch.Generator().manual_seed(1414)


def rnd(*shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(torch.float32)


def load(name, module):
    path = os.path.join(FROM_EMBER, name)
    with open(path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    sd = torch.load(path, weights_only=True)
    module.load_state_dict(sd, strict=True)
    assert list(sd.keys()) == list(module.state_dict().keys()), (list(sd.keys()), list(module.state_dict().keys()))
    return sha


out, sha, keys = {}, {}, {}
with torch.no_grad():
    lstm = nn.LSTM(5, 6, num_layers=2, bidirectional=True, proj_size=4)
    sha["recurrent_lstm.pt"] = load("recurrent_lstm.pt", lstm)
    keys["lstm"] = list(lstm.state_dict().keys())
    x, h0, c0 = rnd(4, 3, 5), rnd(4, 3, 4), rnd(4, 3, 6)
    y, (hn, cn) = lstm(x, (h0, c0))
    out.update(lstm_x=x, lstm_h0=h0, lstm_c0=c0, lstm_y=y, lstm_hn=hn, lstm_cn=cn)

    gru = nn.GRU(5, 6, num_layers=2)
    sha["recurrent_gru.pt"] = load("recurrent_gru.pt", gru)
    keys["gru"] = list(gru.state_dict().keys())
    x, h0 = rnd(4, 3, 5), rnd(2, 3, 6)
    y, hn = gru(x, h0)
    out.update(gru_x=x, gru_h0=h0, gru_y=y, gru_hn=hn)

save(os.path.join(HERE, "nn_recurrent_from_ember.json"), out, meta={"sha256": sha, "keys": keys})
print("wrote nn_recurrent_from_ember.json:", sha)
