"""PyTorch's figure for the recipe `ember train --dataset fashion-mnist --epochs 2` runs: the chapter's
LeNet (first convolution padded by 2 so 28x28 inputs take CIFAR's 32x32 shapes, 1 input channel),
ToTensor + Normalize(0.5, 0.5), batch 4 shuffled, cross-entropy, SGD lr 0.001 momentum 0.9, 2 epochs,
seed 0. Reads Debian's dataset-fashion-mnist files directly (no torchvision needed).

    /usr/bin/python3 bench/reference/lenet_fashion_mnist.py [--threads 2] [--dir /usr/share/datasets/fashion-mnist]

Prints the running loss every 2000 mini-batches and the test accuracy, overall and per class.
"""
import argparse
import gzip
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class LeNet(nn.Module):
    def __init__(self, channels=1, pad=2):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 6, 5, padding=pad)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    def load(prefix):
        x = torch.from_numpy(idx(f"{a.dir}/{prefix}-images-idx3-ubyte.gz").copy()).float().div(255).unsqueeze(1)
        y = torch.from_numpy(idx(f"{a.dir}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64))
        return (x - 0.5) / 0.5, y

    xtr, ytr = load("train")
    xte, yte = load("t10k")
    train = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xtr, ytr), batch_size=4, shuffle=True)
    net = LeNet()
    crit = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    start = time.time()
    for epoch in range(a.epochs):
        running = 0.0
        for i, (x, y) in enumerate(train):
            opt.zero_grad()
            loss = crit(net(x), y)
            loss.backward()
            opt.step()
            running += loss.item()
            if i % 2000 == 1999:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running / 2000:.3f}", flush=True)
                running = 0.0
    print(f"trained in {time.time() - start:.1f} s")
    correct = torch.zeros(10)
    total = torch.zeros(10)
    with torch.no_grad():
        for k in range(0, len(xte), 1000):
            pred = net(xte[k:k + 1000]).argmax(1)
            y = yte[k:k + 1000]
            for c in range(10):
                total[c] += (y == c).sum()
                correct[c] += ((y == c) & (pred == c)).sum()
    print(f"Accuracy of the network on the 10000 test images: {100 * correct.sum() / total.sum():.2f} %")
    for c in range(10):
        print(f"Accuracy for class: {CLASSES[c]:12s} is {100 * correct[c] / total[c]:.1f} %")


if __name__ == "__main__":
    main()
