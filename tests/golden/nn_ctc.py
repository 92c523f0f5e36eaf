"""Golden values and gradients of the CTC loss (issue 15 item 4), read by
tests/Ember.Tests/NN/CtcLossTests.cs.

Each case runs in float64 and float32 on the same values (drawn in float64, then converted), under
the reductions none, mean and sum. Names are "<case>.<f64|f32>.<tensor>":
  - "log_probs" (log_softmax of random logits, [T, N, C] or unbatched [T, C]), "logits" (the same
    before log_softmax), "targets", "input_lengths", "target_lengths" (int64);
  - per reduction R: "R.value"; "R.grad" is the gradient PyTorch gives log_probs when it is the leaf
    (PyTorch's ctc_loss_backward, which includes the exp(log_probs) term that only cancels through a
    log_softmax); "R.grad_logits" the gradient of the logits through log_softmax.
    For "none" the backward pass is seeded with "gout" (stored), for the others with 1.
The options (blank, zero_infinity) are in meta, per case.
"""
import os

import torch
import torch.nn.functional as F

from golden_io import save

out = {}
meta = {}
REDUCTIONS = ("none", "mean", "sum")


def case(name, tag, logits, targets, il, tl, blank, zero_inf, gen):
    meta[name] = {"blank": blank, "zero_infinity": zero_inf}
    p = f"{name}.{tag}."
    out[p + "logits"] = logits
    out[p + "log_probs"] = logits.log_softmax(-1)
    out[p + "targets"] = targets
    out[p + "input_lengths"] = il
    out[p + "target_lengths"] = tl
    for red in REDUCTIONS:
        lp = logits.log_softmax(-1).detach().requires_grad_()
        z = logits.clone().requires_grad_()
        loss = F.ctc_loss(lp, targets, il, tl, blank=blank, reduction=red, zero_infinity=zero_inf)
        loss2 = F.ctc_loss(z.log_softmax(-1), targets, il, tl, blank=blank, reduction=red, zero_infinity=zero_inf)
        if red == "none":
            gout = torch.rand(loss.shape, generator=gen, dtype=torch.float64).to(loss.dtype) + 0.5
            out[p + "gout"] = gout
        else:
            gout = torch.ones_like(loss)
        g, = torch.autograd.grad(loss, [lp], gout)
        gz, = torch.autograd.grad(loss2, [z], gout)
        out[p + red + ".value"] = loss.detach()
        out[p + red + ".grad"] = g
        out[p + red + ".grad_logits"] = gz


for dt, tag in ((torch.float64, "f64"), (torch.float32, "f32")):
    gen = torch.Generator().manual_seed(2024)

    def rn(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64).to(dt)

    L = lambda *v: torch.tensor(v, dtype=torch.int64)
    # Padded targets, blank 0, lengths below the maxima; a repeated label (needs a blank between).
    case("padded", tag, rn(12, 3, 5), L([1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 1, 0]), L(12, 9, 7), L(4, 2, 3), 0, False, gen)
    # Concatenated 1-D targets, blank last (4 of 5 classes), one target of length 0.
    case("concat_blank_last", tag, rn(10, 4, 5), L(0, 1, 2, 3, 3, 2, 0, 0, 1), L(10, 8, 6, 5), L(4, 0, 3, 2), 4, False, gen)
    # Blank in the middle of the label range, longer sequences.
    case("blank_mid", tag, rn(30, 2, 7), L([1, 4, 5, 6, 6, 2, 1, 1, 5, 0], [6, 5, 4, 1, 0, 0, 0, 0, 0, 0]), L(30, 21), L(10, 4), 3, False, gen)
    # An impossible alignment in the batch: 4 frames cannot hold 1,1,1 (needs 5). With zero_infinity
    # that loss and its gradient become 0; without, the loss is inf (only its value is checked).
    case("zero_inf", tag, rn(6, 3, 4), L([1, 1, 1], [2, 3, 0], [1, 2, 3]), L(4, 6, 5), L(3, 2, 3), 0, True, gen)
    case("inf", tag, rn(6, 3, 4), L([1, 1, 1], [2, 3, 0], [1, 2, 3]), L(4, 6, 5), L(3, 2, 3), 0, False, gen)
    # Unbatched: log_probs [T, C], 1-D target, 0-d lengths.
    case("unbatched", tag, rn(8, 6), L(5, 2, 2, 4), torch.tensor(7), torch.tensor(4), 1, False, gen)

save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn_ctc.json"), out, meta)
