#!/usr/bin/env bash
# The comparison runner of issue 6: Ember against PyTorch and TorchSharp, one command from a clean
# checkout. Installs the peers (Debian's python3-torch with pthread OpenBLAS; TorchSharp-cpu 0.107.0
# from NuGet into bench/compare/torchsharp), builds both .NET programs in Release, lets TorchSharp's
# native library load on an older libstdc++ (see weaken_verneed.py), then runs compare.py, which
# alternates the frameworks and writes the table to docs/performance.md.
#
#   bench/compare/run.sh            # full run (about 15-25 min on 2 cores)
#   bench/compare/run.sh --quick    # few sizes, one round: checks the pipeline in a few minutes
#   bench/compare/run.sh --smoke    # does the runner work? about a minute, writes no page
#   bench/compare/run.sh --isa avx2 # every framework held to AVX2 + FMA (its own table on the page)
#   bench/compare/run.sh --note "machine shared with other jobs" --threads 2
# Every option is passed to compare.py (see `bench/compare/compare.py --help`).
set -euo pipefail
cd "$(dirname "$0")/../.."

build() {  # build PROJECT [MSBUILD-OPTIONS...]; prints the errors and fails if it does not build
    local log
    log=$(mktemp)
    if ! dotnet build "$@" -c Release -nologo >"$log" 2>&1; then
        grep -E "error" "$log" | sort -u | head -20; rm -f "$log"; echo "build of $1 failed" >&2; return 1
    fi
    rm -f "$log"
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

echo "== peers: PyTorch (Debian python3-torch, libopenblas0-pthread)"
if ! dpkg -s python3-torch libopenblas0-pthread >/dev/null 2>&1; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-torch libopenblas0-pthread
fi
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'

echo "== build: Ember's program (Release)"
# With the LeNet workloads where Ember has the convolution layers; otherwise without them (reported
# as not measured) rather than no comparison at all.
if ! build bench/compare/ember -p:EmberHasConv=true; then
    echo "   (building without the LeNet workloads: Ember lacks Conv2d/MaxPool2d/CrossEntropyLoss)"
    build bench/compare/ember -p:EmberHasConv=false
fi

echo "== peers: TorchSharp-cpu 0.107.0 (NuGet restore and Release build)"
build bench/compare/torchsharp || exit 1

# TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 for one symbol it never calls; where
# the system libstdc++ is older (Debian 12 stops at 3.4.30) mark that need weak in OUR COPY (the build
# output), never in the NuGet cache.
native=bench/compare/torchsharp/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so
# (awk reads all of ldconfig's output: an early `exit` would kill ldconfig with SIGPIPE, which
# pipefail turns into a failed run, now and then.)
libstdcxx=$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')
if [ -f "$native" ] && [ -n "$libstdcxx" ] && ! grep -q GLIBCXX_3.4.32 "$libstdcxx"; then
    /usr/bin/python3 bench/compare/weaken_verneed.py "$native" GLIBCXX_3.4.32
fi
# TorchSharp copies libtorch a second time into bin/.../cpu when its first load fails; drop that copy.
rm -rf bench/compare/torchsharp/bin/Release/net10.0/cpu

echo "== compare"
cmdline="bench/compare/run.sh"
[ $# -gt 0 ] && cmdline+=$(printf ' %q' "$@")
exec /usr/bin/python3 bench/compare/compare.py --command "$cmdline" "$@"
