#!/usr/bin/python3
"""The comparison driver: runs the workloads of issue 6 in Ember, PyTorch and TorchSharp, alternating,
and writes the table to docs/performance.md. Normally started by bench/compare/run.sh, which installs
the peers and builds the .NET programs first.

    compare.py [--quick] [--threads 1,2] [--rounds 3] [--reps 5] [--note TEXT] [--out docs/performance.md]

Protocol. For each thread count, `rounds` rounds; in each round every framework runs once, in an order
rotated from round to round, as a fresh process that runs all the workloads in turn. Each workload
warms up (>= --warmup seconds and 3 iterations), sizes its repetitions to about --rep-time seconds,
then times --reps repetitions. A figure is the median over all repetitions of all rounds
(rounds x reps >= 5). Peak memory: a separate process per framework and round runs only LeNet
training (batch 64) and reports its peak RSS (VmHWM); the figure is the median over rounds.

AVX2 mode (--isa avx2): every framework is held to AVX2 + FMA on a machine that has AVX-512: Ember with
DOTNET_EnableAVX512=0 (.NET 10; DOTNET_EnableAVX512F=0 is .NET 8's name and
no longer works), OpenBLAS with OPENBLAS_CORETYPE=Haswell, oneDNN (in PyTorch and in TorchSharp's
libtorch) with ONEDNN_MAX_CPU_ISA=AVX2, MKL with MKL_ENABLE_INSTRUCTIONS=AVX2, ATen's own kernels with
ATEN_CPU_CAPABILITY=avx2. Before the timed runs, one short process per framework runs with each library's
verbose output on (ONEDNN_VERBOSE=1, OPENBLAS_VERBOSE=2, MKL_VERBOSE=1); what they report is recorded on
the page, and any sign of AVX-512 in AVX2 mode is flagged. The table goes between its own markers, so
the page keeps one table per mode.

PyTorch runs twice per round: as installed (OpenBLAS free to start its own threads: "PyTorch") and with
OPENBLAS_NUM_THREADS=1 ("PyTorch, OpenBLAS 1 thread"), because Debian's build runs OpenMP and OpenBLAS
threads against each other. Both are peers; the ratio uses the best of all three peers.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EMBER_DLL = "bench/compare/ember/bin/Release/net10.0/EmberCompare.dll"
TORCHSHARP_DLL = "bench/compare/torchsharp/bin/Release/net10.0/TorchSharpCompare.dll"
PYTHON = "/usr/bin/python3"

FRAMEWORKS = ["ember", "pytorch", "pytorch-ob1", "torchsharp"]
LABELS = {
    "ember": "Ember",
    "pytorch": "PyTorch",
    "pytorch-ob1": "PyTorch, OpenBLAS 1 thread",
    "torchsharp": "TorchSharp",
}

# workload -> (unit, higher is better, figure from seconds per iteration and size)
METRICS = {
    "sgemm": ("GFLOP/s", True, lambda s, n: 2.0 * n ** 3 / s / 1e9),
    "mlp_seed": ("ms/iter", False, lambda s, n: s * 1e3),
    "lenet_step": ("images/s", True, lambda s, n: n / s),
    "lenet_infer": ("images/s", True, lambda s, n: n / s),
    # issue 14: one word-LM training step over 35 steps x batch n tokens
    "lstm_lm_step": ("tokens/s", True, lambda s, n: 35 * n / s),
    "transformer_step": ("tokens/s", True, lambda s, n: 35 * n / s),
}

# Figures to reach (issue 6), as the smallest acceptable Ember / best-peer ratio, or the largest for
# lower-is-better figures.
TARGETS = {"sgemm": ">= 1.0", "mlp_seed": "<= 1.0", ("lenet_step", 4): ">= 3.0", ("lenet_step", 64): ">= 1.0",
           "lenet_infer": ">= 1.0", "lenet_mem": "<= 0.5",
           "lstm_lm_step": ">= 1.0", "transformer_step": ">= 1.0"}  # issue 14

# issue 14: word_language_model's LSTM and Transformer at the classic size (sequence 35, batch 20)
SEQUENCE = [("lstm_lm_step", 20), ("transformer_step", 20)]
FULL = [("sgemm", n) for n in (64, 128, 256, 512, 1024, 2048)] + [
    ("mlp_seed", 64), ("lenet_step", 4), ("lenet_step", 64), ("lenet_infer", 256)] + SEQUENCE
QUICK = [("sgemm", 64), ("sgemm", 256), ("mlp_seed", 64), ("lenet_step", 4), ("lenet_infer", 256)] + SEQUENCE


# AVX2 mode: each library's switch that caps its kernels at AVX2 (set for every framework; each reads its own).
AVX2_ENV = {
    "DOTNET_EnableAVX512": "0",           # .NET 10: no AVX-512 at all (Avx512F.IsSupported and Vector512 false)
    "DOTNET_EnableAVX512F": "0",          # .NET 8's name for it, ignored by .NET 10 (measured), kept for older runtimes
    "OPENBLAS_CORETYPE": "Haswell",       # OpenBLAS (Debian's PyTorch): the AVX2 kernel set
    "ONEDNN_MAX_CPU_ISA": "AVX2",         # oneDNN (convolutions in PyTorch and libtorch)
    "DNNL_MAX_CPU_ISA": "AVX2",           # the same, oneDNN's older name
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",    # MKL (libtorch's BLAS in TorchSharp)
    "ATEN_CPU_CAPABILITY": "avx2",        # ATen's own vectorised kernels (PyTorch and libtorch)
}
VERBOSE_ENV = {"ONEDNN_VERBOSE": "1", "DNNL_VERBOSE": "1", "OPENBLAS_VERBOSE": "2", "MKL_VERBOSE": "1"}


def command(fw, threads, args, run, extra):
    common = ["--threads", str(threads), "--run", run] + extra
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if args.isa == "avx2":
        env.update(AVX2_ENV)
    if fw == "ember":
        return ["dotnet", EMBER_DLL] + common, env
    if fw == "torchsharp":
        return ["dotnet", TORCHSHARP_DLL] + common, env
    if fw == "pytorch-ob1":
        env["OPENBLAS_NUM_THREADS"] = "1"
    return [PYTHON, "bench/compare/pytorch_bench.py", "--name", fw] + common, env


def run_process(fw, threads, args, run, extra, log):
    cmd, env = command(fw, threads, args, run, extra)
    started = time.time()
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=args.process_timeout)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err, rc = f"timed out after {args.process_timeout} s", -1
    records = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            rec["framework"] = fw
            if run.startswith("lenet_mem"):
                rec["mem_process"] = True  # its "end" peak is not a whole benchmark process's
            records.append(rec)
            log.write(json.dumps(rec) + "\n")
    log.flush()
    if rc != 0:
        tail = " | ".join(err.strip().splitlines()[-3:])
        print(f"  ! {fw} (threads {threads}) exited {rc}: {tail[:400]}", file=sys.stderr)
        records.append({"framework": fw, "event": "failed", "threads": threads, "rc": rc, "stderr": err[-2000:]})
    print(f"  {fw:12s} threads={threads} {run[:60]:60s} {time.time() - started:6.1f} s", flush=True)
    return records


def verify_isa(args, frameworks, log):
    """One short process per framework with each library's verbose output on: which kernel sets did they
    really take? Returns {framework: (summary, limited)}, limited False where AVX2 mode saw AVX-512."""
    out = {}
    for fw in frameworks:
        if fw == "pytorch-ob1":
            continue  # the same libraries as "pytorch"
        # Batch 64: oneDNN takes LeNet's convolutions only from a large enough batch.
        cmd, env = command(fw, 1, args, "sgemm:64,lenet_infer:64", ["--reps", "1", "--warmup", "0", "--rep-time", "0.001"])
        env.update(VERBOSE_ENV)
        try:
            p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            text = p.stdout + "\n" + p.stderr
        except (OSError, subprocess.TimeoutExpired) as e:
            out[fw] = (f"check failed: {e}", False)
            continue
        found = []
        for line in p.stdout.splitlines():
            if line.startswith("{") and '"start"' in line:
                rec = json.loads(line)
                if rec.get("isa"):
                    found.append(f"Ember kernels: {rec['isa']}")
                if rec.get("cpu_capability"):
                    found.append(f"ATen CPU capability: {rec['cpu_capability']}")
        m = re.search(r"(?:onednn|dnnl)_verbose,(?:v\d+,)?info,cpu,isa:([^\n]+)", text)
        if m:
            found.append(f"oneDNN isa: {m.group(1).strip()}")
        impls = sorted(set(re.findall(r"(?:onednn|dnnl)_verbose,(?:v\d+,)?(?:primitive,)?exec,cpu,convolution,([^,]+)", text)))
        if impls:
            found.append(f"oneDNN convolutions: {' '.join(impls)}")
        m = re.search(r"^Core: (\S+)", text, re.M)
        if m:
            found.append(f"OpenBLAS core: {m.group(1)}")
        # MKL names the instruction set it dispatched to in its banner ("... AVX2 ... enabled processors"),
        # or, on CPUs it does not tune for, only "Intel(R) Architecture processors".
        m = re.search(r"MKL_VERBOSE ((?:oneMKL|Intel\(R\) MKL)[^\n]*)", text)
        if m:
            banner = m.group(1)
            isa = re.search(r"for Intel\(R\) 64 architecture (.*?processors)", banner)
            found.append(f"MKL: {isa.group(1) if isa else banner.strip()}, {len(re.findall(r'MKL_VERBOSE SGEMM', text))} SGEMM calls")
        summary = "; ".join(found) or f"nothing reported (exit {p.returncode})"
        said = re.sub(r"Avx512F\.IsSupported \w+|DOTNET_EnableAVX512F?=\w+", "", summary)  # the switches, not the kernels
        limited = args.isa != "avx2" or not re.search(r"avx.?512|cooperlake|skylakex|sapphire", said, re.I)
        out[fw] = (summary, limited)
        log.write(json.dumps({"event": "isa", "framework": fw, "isa_mode": args.isa, "summary": summary, "limited": limited}) + "\n")
        print(f"  {fw:12s} {'ok  ' if limited else 'NOT LIMITED '} {summary}", flush=True)
    return out


def machine_info():
    info = {}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for key in ("Model name", "CPU(s)", "Thread(s) per core", "Core(s) per socket", "Socket(s)", "L2 cache", "L3 cache"):
            m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
            if m:
                info[key] = m.group(1).strip()
        flags = re.search(r"^Flags:\s*(.+)$", lscpu, re.M)
        if flags:
            f = flags.group(1).split()
            info["SIMD"] = " ".join(x for x in ("avx2", "fma", "avx512f", "avx512_bf16", "avx_vnni") if x in f) or "?"
            info["CPU flags (vector)"] = " ".join(x for x in f if re.match(r"(sse|ssse|avx|fma|f16c|amx)", x)) or "?"
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["Memory"] = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]+)', f.read(), re.M)
            info["OS"] = m.group(1) if m else platform.platform()
    except OSError:
        info["OS"] = platform.platform()
    info["Kernel"] = platform.release()
    try:
        info[".NET SDK"] = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    info["OPENBLAS_* in the environment"] = ", ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS")) or "none"
    return info


def fmt(x, unit):
    if x is None:
        return "n/a"
    if unit == "ms/iter":
        return f"{x:.3g}" if x < 10 else f"{x:,.1f}"
    if unit == "MiB":
        return f"{x:,.0f}"
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def summarise(records, threads_list):
    """Figures: {(workload, size, threads): {fw: median}} plus memory {fw: median peak MiB}."""
    samples = {}
    mem, alloc, versions, failures = {}, {}, {}, []
    rss, proc = {}, {}  # peak RSS per (workload, size) and of the whole process, at the largest thread count
    top = max(threads_list)
    for r in records:
        if r.get("event") in ("meta", "isa"):
            continue
        fw = r["framework"]
        if r.get("event") == "end":
            if not r.get("mem_process") and r.get("threads") == top and r.get("process_peak_rss_mib", -1) > 0:
                proc.setdefault(fw, []).append(r["process_peak_rss_mib"])
            continue
        if r.get("event") == "start":
            versions[fw] = {k: v for k, v in r.items() if k not in ("framework", "event", "threads", "torch_threads", "rss_mib")}
            continue
        if r.get("event") == "failed":
            failures.append(r)
            continue
        if "error" in r:
            failures.append(r)
            continue
        if r.get("workload") == "lenet_mem":
            mem.setdefault(fw, []).append(r["peak_rss_mib"])
            if "alloc_bytes_per_step" in r:
                alloc.setdefault(fw, []).append(r["alloc_bytes_per_step"])
            continue
        key = (r["workload"], r["size"], r["threads"])
        samples.setdefault(key, {}).setdefault(fw, []).extend(r["sec_per_iter"])
        if r["threads"] == top and r.get("peak_rss_mib", -1) > 0:
            rss.setdefault((r["workload"], r["size"]), {}).setdefault(fw, []).append(r["peak_rss_mib"])
    figures = {}
    for (w, n, t), per_fw in samples.items():
        unit, _, conv = METRICS[w]
        figures[(w, n, t)] = {fw: (conv(statistics.median(s), n), len(s)) for fw, s in per_fw.items()}
    mem = {fw: statistics.median(v) for fw, v in mem.items()}
    alloc = {fw: statistics.median(v) for fw, v in alloc.items()}
    rss = {k: {fw: statistics.median(v) for fw, v in per.items()} for k, per in rss.items()}
    rss["process"] = {fw: statistics.median(v) for fw, v in proc.items()}
    return figures, mem, alloc, versions, failures, rss


def row_name(w, n):
    if w == "sgemm":
        return f"{w} n={n}"
    return f"{w} batch {n}" if w.startswith(("lenet", "lstm", "transformer")) else f"{w} N={n}"


def target_for(w, n):
    return TARGETS.get((w, n)) or TARGETS.get(w, "")


def table(figures, mem, threads_list, workloads):
    lines = []
    peers = [fw for fw in FRAMEWORKS if fw != "ember"]
    head = ["workload", "unit", "threads"] + [LABELS[fw] for fw in FRAMEWORKS] + ["best peer", "Ember / best peer", "target"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] * 3 + ["---:"] * (len(FRAMEWORKS) + 2) + [":---:"]) + "|")
    for w, n in workloads:
        unit, higher, _ = METRICS[w]
        for t in threads_list:
            fig = figures.get((w, n, t), {})
            cells = [fmt(fig[fw][0], unit) if fw in fig else "n/a" for fw in FRAMEWORKS]
            avail = {fw: fig[fw][0] for fw in peers if fw in fig}
            best, ratio = "n/a", "n/a"
            if avail:
                best = (max if higher else min)(avail, key=avail.get)
                if "ember" in fig:
                    ratio = f"{fig['ember'][0] / avail[best]:.2f}x"
                best = LABELS[best]
            name = row_name(w, n)
            lines.append("| " + " | ".join([name, unit, str(t)] + cells + [best, ratio, target_for(w, n)]) + " |")
    if mem:
        cells = [fmt(mem.get(fw), "MiB") for fw in FRAMEWORKS]
        avail = {fw: mem[fw] for fw in peers if fw in mem}
        best, ratio = "n/a", "n/a"
        if avail:
            b = min(avail, key=avail.get)
            best = LABELS[b]
            if "ember" in mem:
                ratio = f"{mem['ember'] / avail[b]:.2f}x"
        lines.append("| " + " | ".join(["peak RSS, lenet_step batch 64", "MiB", str(max(threads_list))] + cells + [best, ratio, target_for("lenet_mem", 64)]) + " |")
    return "\n".join(lines)


def rss_table(rss, workloads, threads):
    """Peak RSS per workload (each process's VmHWM reset before the workload, so it includes what earlier
    workloads left resident) and of the whole benchmark process, in MiB: lower is better."""
    peers = [fw for fw in FRAMEWORKS if fw != "ember"]
    lines = ["| workload | threads | " + " | ".join(LABELS[fw] for fw in FRAMEWORKS) + " | smallest peer | Ember / smallest peer |",
             "|---|---|" + "---:|" * (len(FRAMEWORKS) + 2)]
    rows = [(row_name(w, n), (w, n)) for w, n in workloads]
    rows.append(("**whole benchmark process**", "process"))
    for name, key in rows:
        per = rss.get(key, {})
        cells = [fmt(per.get(fw), "MiB") for fw in FRAMEWORKS]
        avail = {fw: per[fw] for fw in peers if fw in per}
        best, ratio = "n/a", "n/a"
        if avail:
            b = min(avail, key=avail.get)
            best = LABELS[b]
            if "ember" in per:
                ratio = f"{per['ember'] / avail[b]:.2f}x"
        lines.append("| " + " | ".join([name, str(threads)] + cells + [best, ratio]) + " |")
    return "\n".join(lines)


def markers(isa):
    tag = "" if isa == "native" else f" {isa}"
    return f"<!-- compare.py: begin generated{tag} -->", f"<!-- compare.py: end generated{tag} -->"


def write_doc(path, body, isa="native"):
    """Replaces the generated part of the page between the markers, keeping any prose around it."""
    begin, end = markers(isa)
    text = open(path).read() if os.path.exists(path) else ""
    block = f"{begin}\n{body}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    elif text:
        text = text.rstrip("\n") + "\n\n" + block + "\n"  # a mode's first run: its block goes at the end
    else:
        text = ("# Performance: Ember side by side with PyTorch and TorchSharp\n\n"
                "The table below is written by the comparison runner (`bench/compare/run.sh`, see\n"
                "`bench/README.md`); rerunning it replaces only the part between the markers.\n\n" + block + "\n")
    with open(path, "w") as f:
        f.write(text)


def run_all(args, quick, threads_list, frameworks, workloads):
    """Runs every framework for every thread count and round, then the memory processes; returns the
    records, the run's metadata (also written as the last line of the raw results), and where they are."""
    run = ",".join(f"{w}:{n}" for w, n in workloads)
    timing = ["--reps", str(args.reps), "--warmup", str(args.warmup), "--rep-time", str(args.rep_time)]
    os.makedirs(os.path.join(ROOT, "bench/compare/results"), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = os.path.join(ROOT, "bench/compare/results", f"{stamp}.jsonl")
    started = datetime.datetime.now()
    load_before = os.getloadavg()
    records = []
    with open(log_path, "w") as log:
        info = machine_info()
        print(f"CPU: {info.get('Model name', '?')}; vector flags: {info.get('CPU flags (vector)', '?')}", flush=True)
        print(f"instruction sets ({args.isa} mode), from each library's verbose output:", flush=True)
        isa = verify_isa(args, frameworks, log)
        records += [{"event": "isa", "framework": fw, "summary": v[0], "limited": v[1]} for fw, v in isa.items()]
        for t in threads_list:
            for r in range(args.rounds):
                order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
                print(f"threads {t}, round {r + 1}/{args.rounds}", flush=True)
                for fw in order:
                    records += run_process(fw, t, args, run, timing, log)
        print(f"peak memory, threads {max(threads_list)}", flush=True)
        for r in range(args.rounds if any(w == "lenet_step" for w, _ in workloads) else 0):
            order = frameworks[r % len(frameworks):] + frameworks[:r % len(frameworks)]
            for fw in order:
                records += run_process(fw, max(threads_list), args, "lenet_mem:64", ["--mem-steps", str(args.mem_steps)], log)
        argv = sys.argv[1:]
        meta = {"event": "meta", "started": started.isoformat(timespec="seconds"), "load_before": list(load_before),
                "load_after": list(os.getloadavg()), "minutes": (datetime.datetime.now() - started).total_seconds() / 60,
                "quick": quick, "isa": args.isa, "workloads": args.workloads, "threads": threads_list, "rounds": args.rounds, "reps": args.reps,
                "warmup": args.warmup, "rep_time": args.rep_time, "mem_steps": args.mem_steps,
                "argv": [a for i, a in enumerate(argv) if a != "--command" and (i == 0 or argv[i - 1] != "--command")]}
        log.write(json.dumps(meta) + "\n")
    return records, meta, stamp, log_path


def select(workloads, wanted):
    """The workloads named in `wanted` (name or name:size, comma-separated; None: all of them)."""
    if not wanted:
        return workloads
    names = set(wanted.split(","))
    chosen = [(w, n) for w, n in workloads if w in names or f"{w}:{n}" in names]
    if not chosen:
        sys.exit(f"compare.py: --workloads {wanted} matches none of {', '.join(f'{w}:{n}' for w, n in workloads)}")
    return chosen


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few sizes, 1 round, short repetitions (for development)")
    p.add_argument("--smoke", action="store_true",
                   help="checks the runner works, in about a minute: --quick's sizes, 2 threads, 1 repetition of "
                        "~10 ms, 3 memory steps; prints the tables, writes no page unless --out is given")
    p.add_argument("--isa", choices=["native", "avx2"], default="native",
                   help="avx2: hold every framework to AVX2 + FMA (see the top of this file); native: as the machine allows")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int)
    p.add_argument("--reps", type=int)
    p.add_argument("--warmup", type=float)
    p.add_argument("--rep-time", type=float)
    p.add_argument("--mem-steps", type=int, default=30)
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    p.add_argument("--workloads", help="only these workloads of the chosen set, by name or name:size, comma-separated "
                                       "(e.g. lstm_lm_step,transformer_step); the LeNet memory processes run only "
                                       "when lenet_step is among them")
    p.add_argument("--process-timeout", type=int, default=1800)
    p.add_argument("--note", default="", help="a remark printed above the table (e.g. that the machine was shared)")
    p.add_argument("--out", help="the page to write ('-' for none; default docs/performance.md, '-' with --smoke)")
    p.add_argument("--command", default="", help="the command line to record on the page")
    p.add_argument("--from", dest="from_file", metavar="RESULTS.jsonl",
                   help="run nothing: write the page again from the raw results of an earlier run")
    args = p.parse_args()
    if args.smoke:
        args.quick = True
        if args.threads == "1,2":
            args.threads = "2"
        args.reps = args.reps or 1
        args.warmup = args.warmup if args.warmup is not None else 0.05
        args.rep_time = args.rep_time if args.rep_time is not None else 0.01
        args.mem_steps = 3 if args.mem_steps == 30 else args.mem_steps
    args.out = args.out or ("-" if args.smoke else "docs/performance.md")
    quick = args.quick
    args.rounds = args.rounds or (1 if quick else 3)
    args.reps = args.reps or (3 if quick else 5)
    args.warmup = args.warmup if args.warmup is not None else (0.2 if quick else 2.0)
    args.rep_time = args.rep_time if args.rep_time is not None else (0.05 if quick else 0.25)
    if args.rounds * args.reps < 5 and not quick:
        p.error("a figure needs at least 5 repetitions (rounds x reps)")
    threads_list = [int(t) for t in args.threads.split(",")]
    frameworks = [f for f in args.frameworks.split(",") if f]
    workloads = select(QUICK if quick else FULL, args.workloads)
    if args.from_file:
        with open(args.from_file) as f:
            records = [json.loads(line) for line in f if line.strip()]
        meta = next(r for r in records if r.get("event") == "meta")
        for k in ("quick", "rounds", "reps", "warmup", "rep_time", "mem_steps"):
            setattr(args, k, meta[k])
        args.isa = meta.get("isa", "native")
        quick, threads_list = meta["quick"], meta["threads"]
        workloads = select(QUICK if quick else FULL, meta.get("workloads"))
        log_path = os.path.abspath(args.from_file)
        stamp = os.path.splitext(os.path.basename(log_path))[0]
        forwarded = meta["argv"]
    else:
        records, meta, stamp, log_path = run_all(args, quick, threads_list, frameworks, workloads)
        argv = sys.argv[1:]
        forwarded = [a for i, a in enumerate(argv) if a != "--command" and (i == 0 or argv[i - 1] != "--command")]
    started = datetime.datetime.fromisoformat(meta["started"])
    load_before, load_after, minutes = meta["load_before"], meta["load_after"], meta["minutes"]

    figures, mem, alloc, versions, failures, rss = summarise(records, threads_list)
    tbl = table(figures, mem, threads_list, workloads)
    rtbl = rss_table(rss, workloads, max(threads_list))
    isa = {r["framework"]: (r["summary"], r["limited"]) for r in records if r.get("event") == "isa"}
    print()
    print(tbl)
    print()
    print(rtbl)

    info = machine_info()
    out = []
    mode = "AVX2 mode (every framework held to AVX2 + FMA)" if args.isa == "avx2" else "native mode (AVX-512 where the CPU has it)"
    out.append(f"## Latest run, {mode}: {started.strftime('%Y-%m-%d %H:%M')} ({'quick' if quick else 'full'}, {minutes:.0f} min)\n")
    if any(not lim for _, lim in isa.values()):
        out.append("**Warning:** in AVX2 mode a library still reported AVX-512 (see the instruction sets below); "
                   "its figures are not AVX2 figures.\n")
    if args.note:
        out.append(f"**Note:** {args.note.rstrip('.')}.\n")
    out.append(f"Load average (1, 5, 15 min) before the run: {', '.join(f'{x:.1f}' for x in load_before)}; "
               f"after: {', '.join(f'{x:.1f}' for x in load_after)} (on {os.cpu_count()} logical CPUs).\n")
    out.append("Figures are medians over "
               f"{args.rounds} round(s) x {args.reps} repetitions (each repetition about {args.rep_time} s after "
               f"a warm-up of at least {args.warmup} s); in every round each framework ran once, in rotated order. "
               "`Ember / best peer` is Ember's figure divided by the best peer's: above 1 is better for GFLOP/s and "
               "images/s, below 1 is better for ms/iter and MiB. **PyTorch** is Debian's build as installed "
               "(OpenBLAS free to start its own threads beside PyTorch's OpenMP threads); **PyTorch, OpenBLAS 1 "
               "thread** is the same with `OPENBLAS_NUM_THREADS=1`. Peak RSS is each process's VmHWM after "
               f"{args.mem_steps + 3} LeNet training steps at batch 64, runtime and libraries included.\n")
    out.append(tbl + "\n")
    if "ember" in alloc:
        out.append(f"Ember allocates {alloc['ember'] / 1024 / 1024:.2f} MiB of managed memory per LeNet training step "
                   "at batch 64 (GC.GetTotalAllocatedBytes over the steps).\n")
    out.append("Peak RSS per workload (MiB; VmHWM reset to the current RSS before each workload, so what earlier "
               "workloads left resident counts too) and of the whole benchmark process (the largest of those, "
               f"start-up included), at {max(threads_list)} threads, medians over rounds:\n")
    out.append(rtbl + "\n")
    if failures:
        missing = {}
        for f in failures:
            what = f"{LABELS.get(f['framework'], f['framework'])} {f.get('workload', 'run')} {f.get('size', '')}".strip()
            why = (f.get("error") or f"exit {f.get('rc')}").replace("|", "/")
            missing.setdefault((what, why), set()).add(str(f.get("threads", "")))
        out.append("Not measured: " + "; ".join(f"{what} ({why})" for what, why in missing) + ".\n")
    out.append("### Machine and versions\n")
    for k, v in info.items():
        out.append(f"- {k}: {v}")
    for fw in FRAMEWORKS:
        if fw in versions:
            v = ", ".join(f"{k} {val}" for k, val in versions[fw].items() if val is not None)
            out.append(f"- {LABELS[fw]}: {v}")
    if isa:
        out.append("")
        out.append("Instruction sets in use, from a short run of each framework with `ONEDNN_VERBOSE=1 OPENBLAS_VERBOSE=2 "
                   "MKL_VERBOSE=1`" + (" and the AVX2 limits (`" + " ".join(f"{k}={v}" for k, v in AVX2_ENV.items()) + "`)"
                                       if args.isa == "avx2" else "") + ":\n")
        for fw in FRAMEWORKS:
            if fw in isa:
                out.append(f"- {LABELS[fw]}: {isa[fw][0]}" + ("" if isa[fw][1] else " (**not limited to AVX2**)"))
    out.append("")
    out.append("### Commands\n")
    cmd = args.command or ("bench/compare/run.sh " + shlex.join(forwarded)).strip()
    out.append(f"```\n{cmd}\n```\n")
    out.append("which installed the peers (`apt-get install -y python3-torch libopenblas0-pthread`; TorchSharp-cpu 0.107.0 "
               "restored by NuGet into bench/compare/torchsharp), built the two .NET programs in Release, marked "
               "GLIBCXX_3.4.32 weak in its own copy of libLibTorchSharp.so where the system libstdc++ lacks it, and ran "
               f"`bench/compare/compare.py {shlex.join(forwarded)}`. Raw JSON lines: `bench/compare/results/{stamp}.jsonl` "
               "(not committed).")
    body = "\n".join(out)
    if args.out != "-":
        write_doc(os.path.join(ROOT, args.out), body, args.isa)
        print(f"\nwrote {args.out}; raw results in {os.path.relpath(log_path, ROOT)}")


if __name__ == "__main__":
    main()
