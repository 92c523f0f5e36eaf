// Distributed benchmarks, run under mpirun (see README.md):
//   allreduce           float32 all-reduce (sum, in place) of 1 KB .. 64 MB: microseconds per call and bus bandwidth
//   ddp STEPS BATCH [THREADS [BUCKET_MB]]
//                       LeNet training steps on synthetic 1x28x28 images, BATCH images in all, split over the ranks:
//                       ms per step with DDP, with NoSync (compute only), and the gradients' all-reduce alone,
//                       from which the overlap of communication with backward follows
using System.Diagnostics;
using System.Globalization;
using Ember;
using Ember.Distributed;
using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Ember.Vision.Models;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Distributed.InitProcessGroup("mpi");
int rank = Distributed.GetRank(), world = Distributed.GetWorldSize();
void Say(string s) { if (rank == 0) Console.WriteLine(s); }

switch (args.Length > 0 ? args[0] : "allreduce")
{
    case "allreduce":
        for (long bytes = 1024; bytes <= 64L * 1024 * 1024; bytes *= 4)
        {
            var t = Tensor.Ones([(int)(bytes / 4)]);
            int iters = bytes <= 65536 ? 2000 : bytes <= 4 * 1024 * 1024 ? 100 : 10;
            for (int i = 0; i < iters / 10 + 1; i++) Distributed.AllReduce(t);
            Distributed.Barrier();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < iters; i++) Distributed.AllReduce(t);
            double us = sw.Elapsed.TotalMicroseconds / iters;
            // Bus bandwidth as nccl-tests define it: bytes * 2(n-1)/n per second.
            double busGBs = bytes * 2.0 * (world - 1) / world / (us * 1e-6) / 1e9;
            Say($"ember allreduce {bytes} bytes: {us:F1} us/op, bus bandwidth {busGBs:F2} GB/s ({world} ranks)");
        }
        break;

    case "ddp":
    {
        int steps = int.Parse(args[1]), batch = int.Parse(args[2]);
        if (args.Length > 3) Threads.Count = int.Parse(args[3]);
        double capMb = args.Length > 4 ? double.Parse(args[4]) : 25;
        int local = batch / world;
        Tensor.ManualSeed(0);
        var model = new LeNet(1, 10, padding: 2);
        var ddp = DistributedDataParallel.Wrap(model, bucketCapMb: capMb);
        var opt = new Sgd(ddp.Parameters(), lr: 0.01, momentum: 0.9);
        var lossFn = new CrossEntropyLoss();
        var gen = new Generator(1);
        var x = Tensor.Randn([local, 1, 28, 28], gen);
        var y = Tensor.RandInt(0, 10, [local], gen);
        double Run(bool sync)
        {
            IDisposable? scope = sync ? null : ddp.NoSync();
            for (int i = 0; i < 5; i++) { opt.ZeroGrad(); lossFn.Call(ddp.Call(x), y).Backward(); opt.Step(); }
            Distributed.Barrier();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) { opt.ZeroGrad(); lossFn.Call(ddp.Call(x), y).Backward(); opt.Step(); }
            Distributed.Barrier();
            scope?.Dispose();
            return sw.Elapsed.TotalMilliseconds / steps;
        }
        double withDdp = Run(sync: true);
        double computeOnly = Run(sync: false);
        // The communication alone: the same buckets' all-reduces, back to back, nothing to overlap with.
        var flat = Tensor.Zeros([(int)model.Parameters().Sum(p => p.Numel())]);
        for (int i = 0; i < 5; i++) Distributed.AllReduce(flat);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Distributed.AllReduce(flat);
        double commOnly = sw.Elapsed.TotalMilliseconds / steps;
        double hidden = world > 1 ? Math.Clamp((computeOnly + commOnly - withDdp) / commOnly, 0, 1) : 0;
        Say($"ddp lenet: {world} ranks x {Threads.Count} threads, batch {batch} ({local} per rank), {ddp.Buckets.Count} buckets of <= {capMb} MB, {steps} steps: " +
            $"{withDdp:F2} ms/step with DDP, {computeOnly:F2} ms/step compute only (NoSync), {commOnly:F2} ms all-reduce of the {flat.Numel()} gradients alone; " +
            $"{1000 * batch / withDdp:F0} images/s; communication hidden behind backward: {100 * hidden:F0} %");
        break;
    }
    default:
        throw new ArgumentException($"unknown benchmark '{args[0]}': allreduce or ddp");
}
Distributed.DestroyProcessGroup();
