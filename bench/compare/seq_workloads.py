"""The sequence workloads of issue 14 on PyTorch's side (imported by pytorch_bench.py): the word-level
language models of pytorch/examples word_language_model at their classic size. Mirrored line for line
in ember/SequenceWorkloads.cs and torchsharp/SequenceWorkloads.cs.

Both: vocabulary 10000, embedding/model width 200, 2 layers, sequence 35, batch = the size parameter
(20 in the runner), dropout 0 (so no framework's random-number generator is measured; the example's
0.2 would add the same elementwise masks in every framework), one training step: zero-grad, forward,
loss over all 35 x batch tokens, backward, clip_grad_norm_(0.25), SGD step (lr 0.1). The figure is
tokens per second (35 x batch per step). Inputs and targets are fixed token ids (t * 7 + b * 13) % 10000.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, WIDTH, LAYERS, SEQ, CLIP, LR = 10000, 200, 2, 35, 0.25, 0.1


def tokens(batch, shift):
    """[SEQ, batch] int64 ids (t * 7 + b * 13 + shift) % VOCAB: fixed, spread over the vocabulary."""
    t = torch.arange(SEQ).unsqueeze(1)
    b = torch.arange(batch).unsqueeze(0)
    return (t * 7 + b * 13 + shift) % VOCAB


class RNNModel(nn.Module):
    """word_language_model's RNNModel (LSTM, untied): encoder -> LSTM -> decoder, its init_weights."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(VOCAB, WIDTH)
        self.rnn = nn.LSTM(WIDTH, WIDTH, LAYERS, dropout=0.0)
        self.decoder = nn.Linear(WIDTH, VOCAB)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def forward(self, x):
        output, _ = self.rnn(self.encoder(x))
        return self.decoder(output)


class TransformerModel(nn.Module):
    """word_language_model's TransformerModel: embedding * sqrt(d), sinusoidal positions, a 2-layer
    TransformerEncoder (d_model 200, 2 heads, dim_feedforward = nhid = 200) under the causal mask,
    decoder Linear to the vocabulary, log_softmax; its init_weights."""

    def __init__(self, nhead=2):
        super().__init__()
        self.encoder = nn.Embedding(VOCAB, WIDTH)
        layer = nn.TransformerEncoderLayer(WIDTH, nhead, WIDTH, dropout=0.0)
        self.transformer_encoder = nn.TransformerEncoder(layer, LAYERS)
        self.decoder = nn.Linear(WIDTH, VOCAB)
        position = torch.arange(SEQ, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, WIDTH, 2).float() * (-math.log(10000.0) / WIDTH))
        pe = torch.zeros(SEQ, 1, WIDTH)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(SEQ))
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

    def forward(self, x):
        src = self.encoder(x) * math.sqrt(WIDTH) + self.pe
        output = self.transformer_encoder(src, self.mask)
        return F.log_softmax(self.decoder(output), dim=-1)


def _step(model, loss_fn, batch):
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = tokens(batch, 0), tokens(batch, 1).reshape(-1)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x).view(-1, VOCAB), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
    return step


def lstm_lm_step(batch):
    return _step(RNNModel(), nn.CrossEntropyLoss(), batch)


def transformer_step(batch):
    return _step(TransformerModel(), nn.NLLLoss(), batch)


WORKLOADS = {"lstm_lm_step": lstm_lm_step, "transformer_step": transformer_step}
