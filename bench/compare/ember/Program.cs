// Ember's side of the comparison runner. Usage (the driver bench/compare/compare.py passes these):
//   EmberCompare --threads 2 --reps 5 --warmup 0.5 --rep-time 0.25 --run sgemm:64,mlp_seed:64,lenet_step:4
//   EmberCompare --threads 2 --mem-steps 30 --run lenet_mem:64
// Prints one JSON object per line: seconds per iteration for each repetition, or the peak RSS.
using System.Globalization;
using Ember;
using EmberCompare;

int threads = Environment.ProcessorCount, reps = 5, memSteps = 30;
double warmup = 0.5, repTime = 0.25;
var runs = new List<(string Name, int Size)>();
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--reps": reps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--rep-time": repTime = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--mem-steps": memSteps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--run":
            foreach (var item in Next().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = item.Split(':');
                runs.Add((parts[0], parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0));
            }
            break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}

Threads.Count = threads;
var workloads = Workloads.All();
// Which kernels run. On .NET 10 the switch is DOTNET_EnableAVX512=0; DOTNET_EnableAVX512F=0 (.NET 8's
// name) is ignored there, so the runner's AVX2 mode sets both and this line says which took.
string isa = System.Runtime.Intrinsics.X86.Avx512F.IsSupported || System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
    : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2+FMA"
    : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128-bit SIMD" : "scalar";
Harness.Emit(("framework", "ember"), ("event", "start"), ("threads", threads), ("version", typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "?"),
    ("isa", $"{isa} ({EmberInfo.SimdWidthBits}-bit vectors, Avx512F.IsSupported {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}; "
        + $"DOTNET_EnableAVX512={Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") ?? "unset"}, DOTNET_EnableAVX512F={Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") ?? "unset"})"),
    ("rss_mib", Harness.RssMiB()));

foreach (var (name, size) in runs)
{
    Tensor.ManualSeed(0);
    if (name == "lenet_mem")
    {
        // Peak memory of the LeNet training workload: this process runs nothing else before it.
        if (!workloads.TryGetValue("lenet_step", out var makeStep)) { Unavailable(name, size); continue; }
        var step = makeStep(size);
        for (int s = 0; s < 3; s++) step();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int s = 0; s < memSteps; s++) step();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Harness.Emit(("framework", "ember"), ("workload", name), ("size", size), ("threads", threads),
            ("peak_rss_mib", Harness.PeakRssMiB()), ("steps", memSteps + 3),
            ("alloc_bytes_per_step", (double)allocated / memSteps), ("gc_gen0", GC.CollectionCount(0)), ("gc_gen2", GC.CollectionCount(2)));
        continue;
    }
    if (!workloads.TryGetValue(name, out var make)) { Unavailable(name, size); continue; }
    // Peak RSS per workload: VmHWM restarts from the current RSS, so what earlier workloads left
    // resident (the buffer pool's share included) counts toward this one's peak too.
    Harness.ResetPeakRss();
    var pause0 = GC.GetTotalPauseDuration(); int gen2Before = GC.CollectionCount(2), gen0Before = GC.CollectionCount(0);
    var body = make(size);
    var (samples, iters) = Harness.Measure(body, reps, warmup, repTime);
    Harness.Emit(("framework", "ember"), ("workload", name), ("size", size), ("threads", threads),
        ("iters", iters), ("sec_per_iter", samples), ("gc_pause_ms", (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds),
        ("gc_gen2", GC.CollectionCount(2) - gen2Before), ("gc_gen0", GC.CollectionCount(0) - gen0Before), ("peak_rss_mib", Harness.PeakRssMiB()), ("rss_mib", Harness.RssMiB()), ("pool_mib", Memory.PooledBytes / 1048576.0),
        ("pool_peak_mib", Memory.GetStats().PeakPooledBytes / 1048576.0), ("pool_hits", Memory.GetStats().Hits), ("pool_misses", Memory.GetStats().Misses),
        ("gc_committed_mib", GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0), ("gc_heap_mib", GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0), ("gc_frag_mib", GC.GetGCMemoryInfo().FragmentedBytes / 1048576.0), ("gc_promoted_mib", GC.GetGCMemoryInfo().PromotedBytes / 1048576.0), ("loh_mib", GC.GetGCMemoryInfo().GenerationInfo[3].SizeAfterBytes / 1048576.0), ("loh_frag_mib", GC.GetGCMemoryInfo().GenerationInfo[3].FragmentationAfterBytes / 1048576.0));
    Memory.ResetStats();
}
Harness.Emit(("framework", "ember"), ("event", "end"), ("threads", threads), ("process_peak_rss_mib", Harness.ProcessPeakRssMiB()),
    ("rss_mib", Harness.RssMiB()));

static void Unavailable(string name, int size) =>
    Harness.Emit(("framework", "ember"), ("workload", name), ("size", size), ("error", name.StartsWith("transformer", StringComparison.Ordinal)
        ? "not in this build: needs TransformerEncoder; see EmberHasTransformer in EmberCompare.csproj"
        : "not in this build: needs Conv2d, MaxPool2d, CrossEntropyLoss; see EmberHasConv in EmberCompare.csproj"));
