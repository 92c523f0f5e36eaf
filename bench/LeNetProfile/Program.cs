// Per-layer, per-pass timings of the chapter's LeNet (3x32x32 inputs, the comparison runner's
// lenet_step / lenet_infer), through the public API only. Usage:
//   dotnet bench/LeNetProfile/bin/Release/net10.0/LeNetProfile.dll [--batch 64] [--threads 2] [--rounds 5] [--ms 150] [--stat median|min] [--clock wall|cpu]
// A pass that has no public entry of its own (a weight gradient, ReLU's or pooling's backward) is
// timed as forward + backward through autograd, with the forward's own time subtracted. Rounds are
// interleaved (every item once per round) and the figure is the median over rounds, in µs per call.
using System.Diagnostics;
using System.Globalization;
using Ember;
using Ember.NN;
using Ember.Optim;
using Ember.Vision.Models;

int batch = 64, threads = 2, rounds = 5;
double ms = 150;
bool useMin = false, cpuClock = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => args[++i];
    switch (args[i])
    {
        case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--ms": ms = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--stat": useMin = Next() == "min"; break;
        // Process CPU time instead of wall-clock time: on a loaded machine a descheduled process is not
        // charged. Meaningful at one thread (at two, a worker's spinning between jobs counts too).
        case "--clock": cpuClock = Next() == "cpu"; break;
        default: throw new ArgumentException($"unknown argument {args[i]}");
    }
}
Threads.Count = threads;
Tensor.ManualSeed(0);
int n = batch;
var x = Tensor.Randn(n, 3, 32, 32);
var w1 = Tensor.Randn(6, 3, 5, 5) * 0.1; var b1 = Tensor.Randn(6) * 0.1;
var w2 = Tensor.Randn(16, 6, 5, 5) * 0.1; var b2 = Tensor.Randn(16) * 0.1;
var a1 = Tensor.Randn(n, 6, 28, 28); var g1 = Tensor.Randn(n, 6, 28, 28);
var r1 = Tensor.Randn(n, 6, 28, 28); var gp1 = Tensor.Randn(n, 6, 14, 14);
var p1 = Tensor.Randn(n, 6, 14, 14);
var a2 = Tensor.Randn(n, 16, 10, 10); var g2 = Tensor.Randn(n, 16, 10, 10);
var gp2 = Tensor.Randn(n, 16, 5, 5);
var flat = Tensor.Randn(n, 400); var logits = Tensor.Randn(n, 10);
var labels = new long[n];
for (int i = 0; i < n; i++) labels[i] = i % 10;
var y = Tensor.From(labels);
var fc1 = new Linear(400, 120); var fc2 = new Linear(120, 84); var fc3 = new Linear(84, 10);
Tensor Fc(Tensor h) => fc3.Call(F.Relu(fc2.Call(F.Relu(fc1.Call(h)))));
var fcParams = fc1.Parameters().Concat(fc2.Parameters()).Concat(fc3.Parameters()).ToArray();

var net = new LeNet();
var opt = new Sgd(net.Parameters(), lr: 0.001, momentum: 0.9);
var lossFn = new CrossEntropyLoss();
var stepNet = new LeNet();
var stepOpt = new Sgd(stepNet.Parameters(), lr: 0.001, momentum: 0.9);
foreach (var p in net.Parameters()) p.Grad = Tensor.RandnLike(p);

Tensor Leaf(Tensor t) { var l = t.Detach(); l.RequiresGrad = true; return l; }
var w1g = Leaf(w1); var w2g = Leaf(w2); var a1g = Leaf(a1); var a2g = Leaf(a2); var r1g = Leaf(r1);
var r2g = Leaf(Tensor.Randn(n, 16, 10, 10)); var flatg = Leaf(flat); var logitsg = Leaf(logits);

var items = new List<(string Name, Action Body)>
{
    ("conv1 fwd (+bias)", () => { using (Autograd.NoGrad()) F.Conv2d(x, w1, b1); }),
    ("conv1 fwd, no bias", () => { using (Autograd.NoGrad()) F.Conv2d(x, w1); }),
    ("conv1 fwd + wgrad", () => { F.Conv2d(x, w1g).Backward(g1); w1g.Grad = null; }),
    ("conv1 bias grad", () => g1.Sum([0, 2, 3])),
    ("relu1 fwd", () => { using (Autograd.NoGrad()) F.Relu(a1); }),
    ("relu1 fwd + bwd", () => { F.Relu(a1g).Backward(g1); a1g.Grad = null; }),
    ("pool1 fwd", () => { using (Autograd.NoGrad()) F.MaxPool2d(r1, 2); }),
    ("pool1 fwd + bwd", () => { F.MaxPool2d(r1g, 2).Backward(gp1); r1g.Grad = null; }),
    ("conv2 fwd (+bias)", () => { using (Autograd.NoGrad()) F.Conv2d(p1, w2, b2); }),
    ("conv2 fwd, no bias", () => { using (Autograd.NoGrad()) F.Conv2d(p1, w2); }),
    ("conv2 fwd + wgrad", () => { F.Conv2d(p1, w2g).Backward(g2); w2g.Grad = null; }),
    ("conv2 input grad", () => { using (Autograd.NoGrad()) F.ConvTranspose2d(g2, w2); }),
    ("conv2 bias grad", () => g2.Sum([0, 2, 3])),
    ("relu2 fwd", () => { using (Autograd.NoGrad()) F.Relu(a2); }),
    ("relu2 fwd + bwd", () => { F.Relu(a2g).Backward(g2); a2g.Grad = null; }),
    ("pool2 fwd", () => { using (Autograd.NoGrad()) F.MaxPool2d(a2, 2); }),
    ("pool2 fwd + bwd", () => { F.MaxPool2d(r2g, 2).Backward(gp2); r2g.Grad = null; }),
    ("fc fwd", () => { using (Autograd.NoGrad()) Fc(flat); }),
    ("fc fwd + bwd", () => { Fc(flatg).Backward(logits); flatg.Grad = null; foreach (var p in fcParams) p.Grad = null; }),
    ("loss fwd + bwd", () => { lossFn.Forward(logitsg, y).Backward(); logitsg.Grad = null; }),
    ("sgd step", () => opt.Step()),
    ("whole step", () => { stepOpt.ZeroGrad(); lossFn.Forward(stepNet.Call(x), y).Backward(); stepOpt.Step(); }),
    ("whole infer", () => { using (Autograd.NoGrad()) stepNet.Call(x); }),
};

foreach (var (_, body) in items) { var sw = Stopwatch.StartNew(); while (sw.ElapsedMilliseconds < 100) body(); }
var samples = items.Select(_ => new List<double>()).ToArray();
long alloc0 = 0;
for (int r = 0; r < rounds; r++)
    for (int k = 0; k < items.Count; k++)
    {
        var body = items[k].Body;
        int iters = 0;
        long a0 = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        double c0 = Cpu.Seconds();
        while (sw.Elapsed.TotalMilliseconds < ms) { body(); iters++; }
        samples[k].Add((cpuClock ? (Cpu.Seconds() - c0) * 1e6 : sw.Elapsed.TotalMilliseconds * 1000) / iters);
        if (items[k].Name == "whole step") alloc0 = (GC.GetAllocatedBytesForCurrentThread() - a0) / iters;
    }
// On a shared machine other jobs only ever add time: --stat min takes each item's fastest round.
double Med(int k) { var s = samples[k].OrderBy(v => v).ToArray(); return useMin ? s[0] : s[s.Length / 2]; }
var med = items.Select((it, k) => (it.Name, Us: Med(k))).ToDictionary(t => t.Name, t => t.Us);
Console.WriteLine($"LeNet profile: batch {n}, threads {threads}, {rounds} rounds x {ms} ms, {(useMin ? "fastest round" : "median")}, {(cpuClock ? "process CPU" : "wall-clock")} µs per call; Avx512F {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}, Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
foreach (var (name, _) in items) Console.WriteLine($"  {name,-22} {med[name],10:F1}");
double D(string a, string b) => med[a] - med[b];
Console.WriteLine("derived:");
Console.WriteLine($"  {"conv1 wgrad",-22} {D("conv1 fwd + wgrad", "conv1 fwd, no bias"),10:F1}");
Console.WriteLine($"  {"conv2 wgrad",-22} {D("conv2 fwd + wgrad", "conv2 fwd, no bias"),10:F1}");
Console.WriteLine($"  {"relu1 bwd",-22} {D("relu1 fwd + bwd", "relu1 fwd"),10:F1}");
Console.WriteLine($"  {"pool1 bwd",-22} {D("pool1 fwd + bwd", "pool1 fwd"),10:F1}");
Console.WriteLine($"  {"relu2 bwd",-22} {D("relu2 fwd + bwd", "relu2 fwd"),10:F1}");
Console.WriteLine($"  {"pool2 bwd",-22} {D("pool2 fwd + bwd", "pool2 fwd"),10:F1}");
Console.WriteLine($"  {"fc bwd",-22} {D("fc fwd + bwd", "fc fwd"),10:F1}");
double sum = med["conv1 fwd (+bias)"] + med["relu1 fwd + bwd"] + med["pool1 fwd + bwd"] + med["conv2 fwd (+bias)"] + med["relu2 fwd + bwd"]
    + med["pool2 fwd + bwd"] + med["fc fwd + bwd"] + med["loss fwd + bwd"] + med["sgd step"] + D("conv1 fwd + wgrad", "conv1 fwd, no bias")
    + D("conv2 fwd + wgrad", "conv2 fwd, no bias") + med["conv2 input grad"] + med["conv1 bias grad"] + med["conv2 bias grad"];
Console.WriteLine($"  {"sum of parts",-22} {sum,10:F1}   (whole step {med["whole step"]:F1}; {n / med["whole step"] * 1e6:F0} images/s; infer {n / med["whole infer"] * 1e6:F0} images/s; {alloc0 / 1024.0:F0} KiB allocated per step on this thread)");

static class Cpu
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec { public long Sec, NSec; }

    /// <summary>CPU time of the whole process (CLOCK_PROCESS_CPUTIME_ID), in seconds, nanosecond resolution.</summary>
    public static double Seconds() => ClockGetTime(2, out var ts) == 0 ? ts.Sec + ts.NSec * 1e-9 : 0;
}
