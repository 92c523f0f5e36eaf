"""ONNX files written by PyTorch's own exporter, for Ember's ONNX importer (OnnxImportTests.cs).

Each model is built with a fixed seed, put in eval mode, exported with torch.onnx.export (PyTorch 1.13,
opsets 13-17, a dynamic batch dim) to tests/golden/onnx/NAME.onnx, and run on two inputs (the traced
batch size and another); the inputs and PyTorch's outputs go to onnx_fixtures.json as NAME.input,
NAME.output, NAME.input2, NAME.output2. torch.onnx.export needs no `onnx` Python package in 1.13.

Run with /usr/bin/python3 from tests/golden/.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import golden_io

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "onnx")


class LeNet(nn.Module):
    """Conv/ReLU/MaxPool twice, then x.view(x.size(0), -1): the Shape/Gather/Unsqueeze/Concat/Reshape chain."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 60)
        self.fc2 = nn.Linear(60, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class BnPoolNet(nn.Module):
    """Conv + BatchNorm + ReLU + MaxPool, Conv + BatchNorm + LeakyReLU + AvgPool, global average pool, flatten, Linear + BatchNorm1d, softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 12, 3, stride=2, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(12)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(12, 5)
        self.bn3 = nn.BatchNorm1d(5)  # after a Linear: PyTorch keeps it as BatchNormalization (it folds the conv ones)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.avg_pool2d(F.leaky_relu(self.bn2(self.conv2(x)), 0.1), 2, ceil_mode=False)
        x = torch.flatten(self.pool(x), 1)
        return F.softmax(self.bn3(self.fc(x)), dim=1)


class LnGeluBlock(nn.Module):
    """Linear, LayerNorm, exact GELU, Linear, tanh GELU, residual, softmax over the last dim."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.norm = nn.LayerNorm(32)
        self.fc2 = nn.Linear(32, 16)

    def forward(self, x):
        h = F.gelu(self.norm(self.fc1(x)))
        h = F.gelu(self.fc2(h), approximate="tanh")
        return F.softmax(h + x, dim=-1)


class EmbeddingMean(nn.Module):
    """Embedding (Gather), mean over the sequence (ReduceMean), Linear, log_softmax."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.fc = nn.Linear(8, 3)

    def forward(self, tokens):
        return F.log_softmax(self.fc(self.emb(tokens).mean(dim=1)), dim=-1)


class Plumbing(nn.Module):
    """Transpose, concat, sum/max reductions, division, clamp, sigmoid, unsqueeze/squeeze, flatten, sqrt, pow."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.randn(6))

    def forward(self, x):
        y = x.transpose(1, 2)                      # [N, 4, 3]
        z = torch.cat([y, y * 2.0 - 1.0], dim=2)   # [N, 4, 6]
        s = z.sum(dim=-1, keepdim=True)
        m = z.amax(dim=1).unsqueeze(1)
        w = torch.sigmoid(z) / (s.abs() + 1.0) + torch.clamp(m, -0.5, 0.5)
        w = w * self.scale + torch.sqrt(z.pow(2) + 1.0)
        w = torch.tanh(w).unsqueeze(0).squeeze(0)
        return torch.flatten(w, 1)


def case(name, model, x, x2, opset, input_name="input"):
    model.eval()
    path = os.path.join(OUT, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=opset, input_names=[input_name], output_names=["output"],
                          dynamic_axes={input_name: {0: "batch"}, "output": {0: "batch"}})
        y, y2 = model(x), model(x2)
    size = os.path.getsize(path)
    assert size < 300_000, f"{name}: {size} bytes"
    return {f"{name}.input": x, f"{name}.output": y, f"{name}.input2": x2, f"{name}.output2": y2}


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors = {}
    torch.manual_seed(0)
    tensors.update(case("lenet", LeNet(), torch.randn(2, 1, 28, 28), torch.randn(3, 1, 28, 28), 13))

    torch.manual_seed(1)
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Dropout(0.3),
                        nn.Linear(32, 10), nn.LogSoftmax(dim=1))
    tensors.update(case("mlp", mlp, torch.randn(4, 4, 5), torch.randn(1, 4, 5), 14))

    torch.manual_seed(2)
    bn = BnPoolNet()
    for m in bn.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):  # running statistics and affine terms that are not the defaults
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    tensors.update(case("bn_pool", bn, torch.randn(2, 3, 16, 16), torch.randn(5, 3, 16, 16), 15))

    torch.manual_seed(3)
    block = LnGeluBlock()
    tensors.update(case("ln_gelu_17", block, torch.randn(2, 5, 16), torch.randn(3, 5, 16), 17))
    tensors.update(case("ln_gelu_13", block, torch.randn(2, 5, 16), torch.randn(1, 5, 16), 13))

    torch.manual_seed(4)
    tensors.update(case("embedding_mean", EmbeddingMean(), torch.randint(0, 50, (3, 6)), torch.randint(0, 50, (2, 6)), 13,
                        input_name="tokens"))

    torch.manual_seed(5)
    tensors.update(case("plumbing", Plumbing(), torch.randn(2, 3, 4), torch.randn(4, 3, 4), 16))

    golden_io.save(os.path.join(HERE, "onnx_fixtures.json"), tensors)


if __name__ == "__main__":
    main()
