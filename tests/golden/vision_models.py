"""Goldens for Ember.Vision.Models (tests/Ember.Tests/Vision/VisionModelTests.cs), from torchvision 0.14.

Run from this folder: python3 vision_models.py   (Debian 12: apt-get install python3-torchvision)

Writes vision_models.json (golden_io format) and two torch.save fixtures under serialization/models/.

Why two kinds of check: torchvision's state dicts are large (ResNet-18 with 10 classes is 45 MB, VGG-16
537 MB), far too big to commit. So for every model the script records
  * meta[name].keys: the state-dict keys in order, each with its shape and dtype;
  * meta[name].repr: print(model);
  * meta[name].init: the first, second and last value of every tensor as initialised under seed 0;
  * NAME.logits: eval-mode logits of the model after loading a *synthetic* state dict, one that both
    this script and the C# test compute from the key order alone (synthetic() below: an integer hash
    of the element index, mapped to a range that keeps activations of order one). The hash is exact
    integer arithmetic and the mapping is a few correctly rounded float64 operations, so both sides
    build bit-identical weights and inputs without a file.
For two small models (SqueezeNet 1.1 and MobileNetV2 at width 0.5, both with 10 classes, ~3 MB each),
the real thing: the state dict torchvision built under torch.manual_seed(0), with batch-norm running
statistics moved by one training-mode batch, saved with torch.save, and the logits it gives.
"""
import math
import os

import numpy as np
import torch
import torchvision
from torchvision import models

import golden_io

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "serialization", "models")

MASK = 0xFFFFFFFF


def hash32(n, seed):
    """murmur3's fmix32 of (i + seed * golden ratio) for i in [0, n): uint32 arithmetic that wraps."""
    x = np.arange(n, dtype=np.uint64)
    x = (x + np.uint64((seed * 0x9E3779B9) & MASK)) & np.uint64(MASK)
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    return x.astype(np.float64) / 4294967296.0  # u in [0, 1), exact


def synthetic(sd):
    """The synthetic state dict: the tensor at position t draws from hash32(numel, t + 1)."""
    out = {}
    for t, (k, v) in enumerate(sd.items()):
        if k.endswith("num_batches_tracked"):
            out[k] = torch.tensor(t, dtype=torch.int64)
            continue
        u = hash32(v.numel(), t + 1)
        if k.endswith("running_mean"):
            a = (u - 0.5) * 0.2
        elif k.endswith("running_var"):
            a = 0.5 + u
        elif v.dim() >= 2:  # conv / linear weight: He-scaled uniform, variance 2 / fan_in
            fan_in = v.numel() // v.shape[0]
            a = (u - 0.5) * math.sqrt(24.0 / fan_in)
        elif k.endswith("weight"):  # batch-norm gamma
            a = 0.3 + 0.4 * u
        else:  # biases
            a = (u - 0.5) * 0.2
        out[k] = torch.from_numpy(a.astype(np.float32)).reshape(v.shape)
    return out


def synthetic_input(shape):
    """Uniform in [-1, 1), seed 12345."""
    n = int(np.prod(shape))
    return torch.from_numpy(((hash32(n, 12345) - 0.5) * 2.0).astype(np.float32)).reshape(shape)


# name -> (factory, input shape). Small num_classes keeps the classifier (and the files) small.
MODELS = {
    "resnet18": (lambda: models.resnet18(num_classes=10), [2, 3, 64, 64]),
    "resnet34": (lambda: models.resnet34(num_classes=10), [2, 3, 64, 64]),
    "resnet50": (lambda: models.resnet50(num_classes=10), [2, 3, 64, 64]),
    "resnext50_32x4d": (lambda: models.resnext50_32x4d(num_classes=10), [1, 3, 64, 64]),
    "vgg11": (lambda: models.vgg11(num_classes=10), [2, 3, 32, 32]),
    "vgg11_bn": (lambda: models.vgg11_bn(num_classes=10), [2, 3, 32, 32]),
    "vgg16": (lambda: models.vgg16(num_classes=10), [2, 3, 32, 32]),
    "vgg16_bn": (lambda: models.vgg16_bn(num_classes=10), [2, 3, 32, 32]),
    "alexnet": (lambda: models.alexnet(num_classes=10), [2, 3, 64, 64]),
    # 72 x 72 makes every ceil_mode max-pool of both versions round up.
    "squeezenet1_0": (lambda: models.squeezenet1_0(num_classes=10), [2, 3, 72, 72]),
    "squeezenet1_1": (lambda: models.squeezenet1_1(num_classes=10), [2, 3, 72, 72]),
    "mobilenet_v2": (lambda: models.mobilenet_v2(num_classes=10), [2, 3, 64, 64]),
    "mobilenet_v2_w05": (lambda: models.mobilenet_v2(num_classes=10, width_mult=0.5), [2, 3, 64, 64]),
}

# The models whose real state dicts are committed (each about 3 MB).
SAVED = ["squeezenet1_1", "mobilenet_v2_w05"]

DTYPES = {torch.float32: "float32", torch.int64: "int64"}


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors, meta = {}, {"torchvision_version": torchvision.__version__, "models": {}}
    for name, (make, shape) in MODELS.items():
        torch.manual_seed(0)
        model = make()
        sd = model.state_dict()
        entry = {
            "keys": [[k, list(v.shape), DTYPES[v.dtype]] for k, v in sd.items()],
            # The first, second and last value of each tensor as torchvision initialised it under seed 0:
            # Ember's models draw in the same order, so these match exactly.
            "init": [[float(v.reshape(-1)[0]), float(v.reshape(-1)[min(1, v.numel() - 1)]), float(v.reshape(-1)[-1])] for v in sd.values()],
            "repr": str(model),
            "input": shape,
        }
        with torch.no_grad():
            if name in SAVED:
                # Move the running statistics away from (0, 1) with one training batch, then save.
                torch.manual_seed(1)
                model.train()
                model(torch.randn(4, *shape[1:]))
                torch.save(model.state_dict(), os.path.join(OUT, name + ".pt"))
                model.eval()
                tensors[name + ".saved_logits"] = model(synthetic_input(shape))
            model.load_state_dict(synthetic(sd))
            model.eval()
            tensors[name + ".logits"] = model(synthetic_input(shape))
        lg = tensors[name + ".logits"]
        print(f"{name}: {len(sd)} tensors, logits |max| {lg.abs().max().item():.3g}")
        meta["models"][name] = entry
    golden_io.save(os.path.join(HERE, "vision_models.json"), tensors, meta)


if __name__ == "__main__":
    main()
