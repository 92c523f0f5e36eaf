// TorchSharp's side of the comparison runner: the same CLI, workloads and JSON lines as bench/compare/ember.
//   TorchSharpCompare --threads 2 --reps 5 --warmup 0.5 --rep-time 0.25 --run sgemm:64,lenet_step:4
//   TorchSharpCompare --threads 2 --mem-steps 30 --run lenet_mem:64
// Each iteration runs in a dispose scope, TorchSharp's idiom for freeing native tensors promptly.
using System.Globalization;
using EmberCompare;
using TorchSharpCompare;
using TorchSharp;
using static TorchSharp.torch;

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

torch.set_num_threads(threads);
Harness.Emit(("framework", "torchsharp"), ("event", "start"), ("threads", threads), ("torch_threads", torch.get_num_threads()),
    ("version", typeof(torch).Assembly.GetName().Version?.ToString() ?? "?"),
    ("libtorch", "2.10.0 (the TorchSharp-cpu 0.107.0 package's)"), ("rss_mib", Harness.RssMiB()));

foreach (var (name, size) in runs)
{
    torch.manual_seed(0);
    if (name == "lenet_mem")
    {
        var step = Workloads.LeNetStep(size);
        for (int s = 0; s < 3 + memSteps; s++) step();
        Harness.Emit(("framework", "torchsharp"), ("workload", name), ("size", size), ("threads", threads),
            ("peak_rss_mib", Harness.PeakRssMiB()), ("steps", memSteps + 3));
        continue;
    }
    Harness.ResetPeakRss(); // peak RSS per workload (see Harness.ResetPeakRss)
    Action? body = name switch
    {
        "sgemm" => Workloads.Sgemm(size),
        "mlp_seed" => Workloads.MlpSeed(size),
        "lenet_step" => Workloads.LeNetStep(size),
        "lenet_infer" => Workloads.LeNetInfer(size),
        "lstm_lm_step" => SequenceWorkloads.LstmLmStep(size),
        "transformer_step" => SequenceWorkloads.TransformerStep(size),
        _ => null,
    };
    if (body is null)
    {
        Harness.Emit(("framework", "torchsharp"), ("workload", name), ("size", size), ("error", "unknown workload"));
        continue;
    }
    var (samples, iters) = Harness.Measure(body, reps, warmup, repTime);
    Harness.Emit(("framework", "torchsharp"), ("workload", name), ("size", size), ("threads", threads),
        ("iters", iters), ("sec_per_iter", samples), ("peak_rss_mib", Harness.PeakRssMiB()), ("rss_mib", Harness.RssMiB()));
}
Harness.Emit(("framework", "torchsharp"), ("event", "end"), ("threads", threads), ("process_peak_rss_mib", Harness.ProcessPeakRssMiB()),
    ("rss_mib", Harness.RssMiB()));
