using System.Diagnostics;
using System.Globalization;
using Ember.Data;
using Ember.Distributed;
using Ember.NN;
using Ember.Optim;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>
/// <c>ember train --distributed</c>, run as one rank of an <c>mpirun</c> job: the image classifier wrapped in
/// DistributedDataParallel, each rank training on its share of every epoch (DistributedSampler, seeded with
/// --seed, --batch-size images per rank), gradients averaged over the ranks. Rank 0 alone prints (the loss
/// lines are the mean over all ranks), writes the checkpoint at the end of each epoch, and evaluates.
/// </summary>
/// <remarks>
/// Not yet: --resume and --checkpoint-every (a checkpoint holds rank 0's state only) and the live
/// progress bar; a stop request (Ctrl-C, SIGTERM) ends the job through mpirun without a checkpoint.
/// </remarks>
internal static class DistributedTraining
{
    public static int Train(TrainSettings s, IAnsiConsole console)
    {
        if (s.Model == LanguageModelTraining.ModelName)
            throw new CliException($"--distributed trains the image classifiers; --model {s.Model} is not supported with it yet.", Cli.Usage);
        if (s.Resume is not null)
            throw new CliException("--distributed cannot --resume yet: run it again from the start, or resume without --distributed.", Cli.Usage);
        if (s.CheckpointEvery > 0)
            throw new CliException("--distributed writes the checkpoint at the end of each epoch only; drop --checkpoint-every.", Cli.Usage);

        Distributed.Distributed.InitProcessGroup("mpi");
        int rank = Distributed.Distributed.GetRank(), world = Distributed.Distributed.GetWorldSize();
        bool lead = rank == 0;
        void Say(string line) { if (lead) TrainProgress.Raw(console, line); }

        Tensor.ManualSeed(s.Seed);
        var (channels, size, classes) = s.Dataset == "cifar10" ? (3, 32, 10) : (1, 28, 10);
        var model = Models.Create(s.Model, channels, size, classes);
        var ddp = DistributedDataParallel.Wrap(model);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Sgd(ddp.Parameters(), lr: s.Lr, momentum: s.Momentum);
        long parameters = model.Parameters().Sum(p => p.Numel());
        if (lead) OutputFolder.Check(s.OutputDir, OutputFolder.Estimate(parameters));
        string checkpoint = Path.Combine(s.OutputDir, CliCheckpoint.FileName);

        var train = DataChoice.Open(s.Dataset, s.DataDir, train: true, s.Download && lead);
        var test = lead ? DataChoice.Open(s.Dataset, s.DataDir, train: false, s.Download) : null;
        var header = new CliCheckpoint.Header(s.Model, s.Dataset, train.Channels, train.Size, [.. train.Classes], s.Epochs, s.Seed);
        var sampler = DistributedSampler.For(train.Dataset, seed: s.Seed);
        var loader = DataLoader.Create(train.Dataset, batchSize: s.BatchSize, sampler: sampler, numWorkers: s.Workers);
        int batches = loader.Count;

        if (lead) Say(TrainCommand.Header(s.Model, s.Dataset, train.Dataset.Count, test!.Dataset.Count, parameters));
        Say(string.Create(CultureInfo.InvariantCulture,
            $"SGD lr {s.Lr} momentum {s.Momentum}, batch {s.BatchSize} per rank x {world} ranks, seed {s.Seed}, {Threads.Count} threads and {s.Workers} workers per rank"));
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= s.Epochs; epoch++)
        {
            sampler.SetEpoch(epoch - 1);
            double running = 0, epochLoss = 0;
            int inRunning = 0, step = 0;
            var epochClock = Stopwatch.StartNew();
            foreach (var (images, labels) in loader)
            {
                optimizer.ZeroGrad();
                var loss = lossFn.Call(ddp.Call(images), labels);
                loss.Backward();
                optimizer.Step();
                double l = loss.Item<float>();
                running += l; epochLoss += l; inRunning++; step++;
                if (step % s.LogEvery == 0)
                {
                    // Every rank has the same number of batches, so all of them reach this all-reduce together.
                    var mean = Tensor.From<double>([running / inRunning], [1]);
                    Distributed.Distributed.AllReduce(mean, ReduceOp.Avg);
                    Say(string.Create(CultureInfo.InvariantCulture, $"[{epoch}, {step,5}] loss: {mean.Item<double>():F3}"));
                    running = 0; inRunning = 0;
                }
            }
            var total = Tensor.From<double>([epochLoss / Math.Max(1, batches)], [1]);
            Distributed.Distributed.AllReduce(total, ReduceOp.Avg);
            double seconds = epochClock.Elapsed.TotalSeconds;
            Say(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{s.Epochs}: loss {total.Item<double>():F3}, {batches} batches per rank in {seconds:F1} s ({batches / Math.Max(seconds, 1e-9):F1} batches/s per rank)"));
            if (lead) CliCheckpoint.Save(checkpoint, header, model, optimizer);
        }
        Say(string.Create(CultureInfo.InvariantCulture, $"Finished training in {clock.Elapsed.TotalSeconds:F1} s"));
        if (lead)
        {
            Evaluation.Run(model, test!.Dataset).Print(console);
            Say($"Wrote {checkpoint}");
        }
        Distributed.Distributed.Barrier();
        Distributed.Distributed.DestroyProcessGroup();
        return 0;
    }
}
