#!/usr/bin/env python3
"""LeNet training (batch 64) and inference (batch 256), two Ember builds and PyTorch side by side.

Interleaved rounds; each round runs every (mode, threads, framework) once, as its own process, through the
comparison runner's programs (EmberCompare.dll, pytorch_bench.py). Prints images/s, the median over rounds of
each process's median repetition. Usage:
  bench/LeNetProfile/side_by_side.py --before OLD/EmberCompare.dll --after NEW/EmberCompare.dll [--rounds 3] [--rt]
--rt runs every process under `chrt -r 1` (round-robin real-time priority, for a machine shared with other
jobs: the measured process then gets the cores it asks for; the kernel's real-time throttling still leaves
5 % of the time to the others).
"""
import argparse, json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYBENCH = os.path.join(HERE, "..", "compare", "pytorch_bench.py")
AVX2 = {"DOTNET_EnableAVX512": "0", "DOTNET_EnableAVX512F": "0", "OPENBLAS_CORETYPE": "Haswell", "ONEDNN_MAX_CPU_ISA": "AVX2",
        "DNNL_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}
RUN = "lenet_step:64,lenet_infer:256"

def run(cmd, env, rt):
    e = dict(os.environ); e.update(env)
    if rt: cmd = ["chrt", "-r", "1"] + cmd
    out = subprocess.run(cmd, env=e, capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        d = json.loads(line)
        if "sec_per_iter" in d:
            res[f"{d['workload']}:{d['size']}"] = d["size"] / statistics.median(d["sec_per_iter"])
    return res

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--before", required=True); p.add_argument("--after", required=True)
    p.add_argument("--rounds", type=int, default=3); p.add_argument("--rt", action="store_true")
    p.add_argument("--modes", default="avx2,native"); p.add_argument("--threads", default="1,2")
    a = p.parse_args()
    common = ["--reps", "5", "--warmup", "2.0", "--rep-time", "0.25", "--run", RUN]
    results = {}
    for r in range(a.rounds):
        for mode in a.modes.split(","):
            env = dict(AVX2) if mode == "avx2" else {}
            for t in [int(x) for x in a.threads.split(",")]:
                jobs = [("Ember before", ["dotnet", a.before, "--threads", str(t)] + common, env),
                        ("Ember after", ["dotnet", a.after, "--threads", str(t)] + common, env),
                        ("PyTorch, OpenBLAS 1 thread", ["/usr/bin/python3", PYBENCH, "--threads", str(t)] + common, dict(env, OPENBLAS_NUM_THREADS="1"))]
                for name, cmd, e in jobs[r % 3:] + jobs[:r % 3]:  # rotate the order from round to round
                    for w, v in run(cmd, e, a.rt).items():
                        results.setdefault((mode, t, w, name), []).append(v)
                print(f"round {r + 1}: {mode} {t} thread(s) done", file=sys.stderr)
    print("| mode | threads | workload | Ember before | Ember after | PyTorch, OpenBLAS 1 thread | after / before | after / PyTorch |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for mode in a.modes.split(","):
        for t in [int(x) for x in a.threads.split(",")]:
            for w in RUN.split(","):
                m = {n: statistics.median(results[(mode, t, w, n)]) for n in ["Ember before", "Ember after", "PyTorch, OpenBLAS 1 thread"]}
                print(f"| {mode} | {t} | {w} | {m['Ember before']:,.0f} | {m['Ember after']:,.0f} | {m['PyTorch, OpenBLAS 1 thread']:,.0f} | "
                      f"{m['Ember after'] / m['Ember before']:.2f}x | {m['Ember after'] / m['PyTorch, OpenBLAS 1 thread']:.2f}x |")

main()
