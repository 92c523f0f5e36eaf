using Ember;
using Ember.Distributed;
using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Ember.Vision.Models;

namespace DistChild;

internal static partial class Scenarios
{
    private const int Steps = 50;

    /// <summary>
    /// ddp MODEL DTYPE [nosync]: trains MODEL (mlp or lenet) for 50 steps with the global batch split across
    /// the ranks under DistributedDataParallel, and, in the same process, the same model on the whole
    /// global batch without it; the weights must end equal (max |a - b| / max |b| per tensor within 1e-6).
    /// With nosync, each rank's share is fed as two micro-batches, the first under NoSync.
    /// </summary>
    private static int Ddp(string[] args)
    {
        string model = args[0];
        var dt = args[1] == "float64" ? DType.Float64 : DType.Float32;
        bool noSync = args.Length > 2 && args[2] == "nosync";
        int globalBatch = 12;                 // divides among 2 and 3 ranks, and again into 2 micro-batches for 2 ranks
        int local = globalBatch / N;

        Module<Tensor, Tensor> Build(int seed)
        {
            Tensor.ManualSeed(seed);
            Module<Tensor, Tensor> m = model == "lenet" ? new LeNet(1, 10, padding: 2) : new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 10));
            return m.To(dt);
        }
        int[] sample = model == "lenet" ? [1, 28, 28] : [20];
        var gen = new Generator(1234);   // the same data on every rank
        var xs = Tensor.Randn([Steps, globalBatch, .. sample], gen, dt);
        var ys = Tensor.RandInt(0, 10, [Steps, globalBatch], gen);
        var lossFn = new CrossEntropyLoss();

        // The reference: one process, the whole global batch.
        var single = Build(7);
        var opt1 = new Sgd(single.Parameters(), lr: 0.05, momentum: 0.9);
        for (int s = 0; s < Steps; s++)
        {
            opt1.ZeroGrad();
            lossFn.Call(single.Call(xs[s]), ys[s]).Backward();
            opt1.Step();
        }

        // DDP: each rank starts from different weights (seed 7 + rank); the constructor broadcasts rank 0's.
        var ddp = DistributedDataParallel.Wrap(Build(7 + Rank), bucketCapMb: model == "lenet" ? 0.05 : 25);
        Expect(model != "lenet" || ddp.Buckets.Count > 1, "lenet is split into several buckets");
        var opt = new Sgd(ddp.Parameters(), lr: 0.05, momentum: 0.9);
        int lo = Rank * local;
        for (int s = 0; s < Steps; s++)
        {
            opt.ZeroGrad();
            var x = xs[s].Narrow(0, lo, local);
            var y = ys[s].Narrow(0, lo, local);
            if (!noSync)
            {
                lossFn.Call(ddp.Call(x), y).Backward();
            }
            else
            {
                int half = local / 2;
                using (ddp.NoSync())
                    (lossFn.Call(ddp.Call(x.Narrow(0, 0, half)), y.Narrow(0, 0, half)) * (half / (double)local)).Backward();
                (lossFn.Call(ddp.Call(x.Narrow(0, half, local - half)), y.Narrow(0, half, local - half)) * ((local - half) / (double)local)).Backward();
            }
            opt.Step();
        }

        double worst = 0;
        var mine = ddp.Module.NamedParameters().ToArray();
        var theirs = single.NamedParameters().ToArray();
        for (int i = 0; i < mine.Length; i++)
        {
            var a = mine[i].Parameter.Detach().To(DType.Float64);
            var b = theirs[i].Parameter.Detach().To(DType.Float64);
            double rel = (a - b).Abs().Max().Item<double>() / Math.Max(b.Abs().Max().Item<double>(), 1e-30);
            worst = Math.Max(worst, rel);
            Expect(rel <= 1e-6, $"ddp {model} {dt.TorchName()}{(noSync ? " nosync" : "")}: {mine[i].Name} differs from single-process training by {rel:E2} (relative)");
        }
        Console.WriteLine($"rank {Rank}: ddp {model} {dt.TorchName()}{(noSync ? " nosync" : "")} on {N} ranks: worst relative difference {worst:E2}");

        // The same weights on every rank.
        foreach (var (name, p) in mine)
        {
            var copy = p.Detach().Clone();
            Distributed.Broadcast(copy, 0);
            Expect(copy.Equal(p.Detach()), $"{name} is the same on every rank");
        }
        return _checks;
    }

    /// <summary>A module with a layer its forward never uses.</summary>
    private sealed class WithUnused : Module<Tensor, Tensor>
    {
        public Linear Used { get; } = new(4, 2);
        public Linear Unused { get; } = new(4, 2);
        public override Tensor Forward(Tensor x) => Used.Call(x);
    }

    /// <summary>findUnusedParameters lets backward finish without the unused layer; without it, the next forward says why it cannot go on.</summary>
    private static int Unused(string[] args)
    {
        var x = Tensor.Randn(3, 4);
        var found = DistributedDataParallel.Wrap(new WithUnused(), findUnusedParameters: true);
        for (int i = 0; i < 2; i++) found.Call(x).Sum().Backward();
        var m = (WithUnused)found.Module;
        Expect(m.Unused.Weight.Grad is null, "a parameter no rank used keeps no gradient");
        Expect(m.Used.Weight.Grad is not null, "the used layer has a gradient");

        var strict = DistributedDataParallel.Wrap(new WithUnused());
        strict.Call(x);   // a forward without backward (an evaluation with grad enabled) is fine, as in PyTorch
        strict.Call(x).Sum().Backward();
        var e = Throws<InvalidOperationException>(() => strict.Call(x), "a forward after a backward that left parameters without gradients");
        Expect(e.Message.Contains("unused.weight") && e.Message.Contains("findUnusedParameters"), $"the message names the parameter and the option: {e.Message}");
        return _checks;
    }
}
