"""Golden values for weight tying (tests/Ember.Tests/NN/WeightTyingTests.cs): PyTorch 1.13.

A tiny language model, Embedding(10, 6) -> tanh -> Linear(6, 10), with the decoder's weight tied to
the encoder's (`decoder.weight = encoder.weight`, as PyTorch's word_language_model example does with
--tied), built right after torch.manual_seed(0) and trained 3 SGD steps (lr 0.5, momentum 0.9) on
next-token cross entropy. Recorded: the initial parameters, the loss and parameters after each step.
Run from tests/golden/: /usr/bin/python3 nn_weight_tying.py
"""
import torch
from golden_io import save


class TiedLM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.Embedding(10, 6)
        self.decoder = torch.nn.Linear(6, 10)
        self.decoder.weight = self.encoder.weight

    def forward(self, x):
        return self.decoder(torch.tanh(self.encoder(x)))


torch.manual_seed(0)
m = TiedLM()
tokens = torch.tensor([[1, 4, 2, 7, 7, 3, 9], [0, 5, 5, 8, 2, 6, 1]])
out = {"tokens": tokens}
assert len(list(m.parameters())) == 2 and list(m.state_dict().keys()) == ["encoder.weight", "decoder.weight", "decoder.bias"]
for n, p in m.named_parameters():
    out[f"init.{n}"] = p.detach().clone()
opt = torch.optim.SGD(m.parameters(), lr=0.5, momentum=0.9)
for s in range(3):
    opt.zero_grad()
    logits = m(tokens[:, :-1])
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 10), tokens[:, 1:].reshape(-1))
    loss.backward()
    if s == 0:
        out["grad0.encoder.weight"] = m.encoder.weight.grad.clone()
    opt.step()
    out[f"loss{s}"] = loss.detach()
    for n, p in m.named_parameters():
        out[f"after{s}.{n}"] = p.detach().clone()
save("nn_weight_tying.json", out)
print(len(out), "tensors", [out[f"loss{s}"].item() for s in range(3)])
