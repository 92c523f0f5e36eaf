#!/usr/bin/python3
"""PyTorch's side of the comparison runner (driven by compare.py; same CLI and output as the Ember and
TorchSharp programs).

    pytorch_bench.py --threads 2 --reps 5 --warmup 0.5 --rep-time 0.25 --run sgemm:64,mlp_seed:64
    pytorch_bench.py --threads 2 --mem-steps 30 --run lenet_mem:64

Prints one JSON object per line: seconds per iteration for each repetition, or the peak RSS.
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import seq_workloads


def measure(body, reps, warmup, rep_time):
    """Warm up (>= warmup s and 3 iterations), calibrate on a quarter repetition, time reps repetitions."""
    t0 = time.perf_counter()
    n = 0
    while n < 3 or time.perf_counter() - t0 < warmup:
        body()
        n += 1
    t0 = time.perf_counter()
    n = 0
    while n < 1 or time.perf_counter() - t0 < rep_time / 4:
        body()
        n += 1
    per_iter = (time.perf_counter() - t0) / n
    iters = max(1, round(rep_time / max(per_iter, 1e-9)))
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(iters):
            body()
        samples.append((time.perf_counter() - t0) / iters)
    return samples, iters


def proc_status_mib(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


_process_peak_mib = 0.0


def reset_peak_rss():
    """Starts a new peak-RSS interval (VmHWM back to the current RSS via /proc/self/clear_refs), keeping
    the peak so far for process_peak_rss()."""
    global _process_peak_mib
    _process_peak_mib = max(_process_peak_mib, proc_status_mib("VmHWM:"))
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def process_peak_rss():
    return max(_process_peak_mib, proc_status_mib("VmHWM:"))


def cpu_capability():
    """ATen's vector kernel set (ATEN_CPU_CAPABILITY limits it), as torch.__config__.show() reports it."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability" in line:
            return line.split(":", 1)[1].strip()
    return None


def blas_info():
    """Which BLAS library this process loaded and, for OpenBLAS, the kernel set it chose."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]})
    except OSError:
        return None
    info = ", ".join(os.path.realpath(p) for p in libs) or "none loaded"
    for lib in libs:
        try:
            import ctypes
            so = ctypes.CDLL(lib)
            so.openblas_get_corename.restype = ctypes.c_char_p
            so.openblas_get_config.restype = ctypes.c_char_p
            info += f" (OpenBLAS core {so.openblas_get_corename().decode()}; {so.openblas_get_config().decode().strip()})"
            break
        except (OSError, AttributeError):
            continue
    return info


def sgemm(n):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    return lambda: torch.mm(a, b)


def mlp_seed(n):
    """The chapter's two-layer net: N=64, D_in=1000, H=100, D_out=10, autograd, manual SGD step."""
    d_in, hidden, d_out, lr = 1000, 100, 10, 1e-6
    x = torch.randn(n, d_in)
    y = torch.randn(n, d_out)
    w1 = torch.randn(d_in, hidden, requires_grad=True)
    w2 = torch.randn(hidden, d_out, requires_grad=True)

    def step():
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            w1.sub_(lr * w1.grad)
            w2.sub_(lr * w2.grad)
            w1.grad.zero_()
            w2.grad.zero_()
    return step


class Net(nn.Module):
    """The chapter's CIFAR-10 LeNet (the 60-minute blitz network)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
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


def lenet_step(batch):
    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, 32, 32)
    y = torch.arange(batch) % 10

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    return step


def lenet_infer(batch):
    net = Net()
    x = torch.randn(batch, 3, 32, 32)

    def step():
        with torch.no_grad():
            net(x)
    return step


WORKLOADS = {"sgemm": sgemm, "mlp_seed": mlp_seed, "lenet_step": lenet_step, "lenet_infer": lenet_infer,
             **seq_workloads.WORKLOADS}


def emit(**fields):
    print(json.dumps(fields), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=float, default=0.5)
    p.add_argument("--rep-time", type=float, default=0.25)
    p.add_argument("--mem-steps", type=int, default=30)
    p.add_argument("--run", required=True)
    p.add_argument("--name", default="pytorch", help="framework name in the output")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    emit(framework=a.name, event="start", threads=a.threads, version=torch.__version__,
         torch_threads=torch.get_num_threads(), rss_mib=proc_status_mib("VmRSS:"),
         openblas_num_threads=os.environ.get("OPENBLAS_NUM_THREADS"), blas=blas_info(),
         cpu_capability=cpu_capability(), onednn=torch.backends.mkldnn.is_available())
    for item in a.run.split(","):
        name, _, size = item.partition(":")
        size = int(size or 0)
        torch.manual_seed(0)
        if name == "lenet_mem":
            step = lenet_step(size)
            for _ in range(3 + a.mem_steps):
                step()
            emit(framework=a.name, workload=name, size=size, threads=a.threads,
                 peak_rss_mib=proc_status_mib("VmHWM:"), steps=a.mem_steps + 3)
            continue
        if name not in WORKLOADS:
            emit(framework=a.name, workload=name, size=size, error="unknown workload")
            continue
        reset_peak_rss()
        samples, iters = measure(WORKLOADS[name](size), a.reps, a.warmup, a.rep_time)
        emit(framework=a.name, workload=name, size=size, threads=a.threads, iters=iters, sec_per_iter=samples,
             peak_rss_mib=proc_status_mib("VmHWM:"), rss_mib=proc_status_mib("VmRSS:"))
    emit(framework=a.name, event="end", threads=a.threads, process_peak_rss_mib=process_peak_rss(),
         rss_mib=proc_status_mib("VmRSS:"))


if __name__ == "__main__":
    sys.exit(main())
