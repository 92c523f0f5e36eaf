using System.CommandLine;
using System.Diagnostics;
using Ember.Data;
using Ember.NN;
using Ember.Optim;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>
/// <c>ember train</c>: the chapter's 20.3.12 recipe as a command. Trains a model with cross-entropy and
/// SGD with momentum, shows a live progress bar, prints the chapter's running-loss lines, then evaluates
/// on the test set and writes a checkpoint, a loss curve and the metrics into the output folder.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var o = new TrainOptions();
        var command = new Command("train", "Train LeNet or an MLP on CIFAR-10, Fashion-MNIST or MNIST (the chapter's 20.3.12 recipe by default).");
        o.AddTo(command);
        command.SetAction(pr => Cli.Run(() => Train(o.Read(pr))));
        return command;
    }

    private static int Train(TrainSettings s)
    {
        if (s.Threads is { } t) Threads.Count = t;
        Cli.RequireCpu(s.Device);
        Tensor.ManualSeed(s.Seed);
        var train = DataChoice.Open(s.Dataset, s.DataDir, train: true, s.Download);
        var test = DataChoice.Open(s.Dataset, s.DataDir, train: false, s.Download);
        var model = Models.Create(s.Model, train.Channels, train.Size, train.Classes.Count);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Sgd(model.Parameters(), lr: s.Lr, momentum: s.Momentum);
        var loader = DataLoader.Create(train.Dataset, batchSize: s.BatchSize, shuffle: true, numWorkers: s.Workers);
        Directory.CreateDirectory(s.OutputDir);

        AnsiConsole.MarkupLine($"[bold]{s.Model}[/] on [bold]{s.Dataset}[/]: {train.Dataset.Count} training images, {test.Dataset.Count} test images, " +
            $"{model.Parameters().Sum(p => p.Numel())} parameters, batch {s.BatchSize}, SGD lr {s.Lr} momentum {s.Momentum}, seed {s.Seed}, {Threads.Count} threads");
        var curve = new List<double>();
        var clock = Stopwatch.StartNew();
        int batches = loader.Count;
        int curveEvery = Math.Max(1, batches * s.Epochs / 200);   // about 200 points on the loss curve

        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                for (int epoch = 1; epoch <= s.Epochs; epoch++)
                {
                    var task = ctx.AddTask($"epoch {epoch}/{s.Epochs}", maxValue: batches);
                    double running = 0, curveSum = 0;
                    int inRunning = 0, inCurve = 0, i = 0;
                    var epochClock = Stopwatch.StartNew();
                    foreach (var (images, labels) in loader)
                    {
                        optimizer.ZeroGrad();
                        var loss = lossFn.Call(model.Call(images), labels);
                        loss.Backward();
                        optimizer.Step();

                        double l = loss.Item<float>();
                        running += l; inRunning++;
                        curveSum += l; inCurve++;
                        i++;
                        if (inCurve == curveEvery) { curve.Add(curveSum / inCurve); curveSum = 0; inCurve = 0; }
                        if (i % s.LogEvery == 0)
                        {
                            // The chapter's line: [epoch, batch] loss: average over the last LogEvery batches.
                            AnsiConsole.WriteLine($"[{epoch}, {i,5}] loss: {running / inRunning:F3}");
                            running = 0; inRunning = 0;
                        }
                        if (i % 25 == 0 || i == batches)
                        {
                            double rate = i / epochClock.Elapsed.TotalSeconds;
                            task.Description = $"epoch {epoch}/{s.Epochs}  {rate:F0} batches/s  loss {(inRunning > 0 ? running / inRunning : l):F3}";
                            task.Value = i;
                        }
                    }
                    task.Value = batches;
                }
            });
        AnsiConsole.MarkupLine($"Finished training in {clock.Elapsed.TotalSeconds:F1} s");

        var eval = Evaluation.Run(model, test.Dataset);
        eval.Print();

        string lossPng = Path.Combine(s.OutputDir, "loss.png");
        LossCurve.Save(lossPng, [.. curve.Select((l, k) => (k / Math.Max(1, batches / curveEvery) + (k % Math.Max(1, batches / curveEvery) + 0.5) * curveEvery / batches, l))], s.Epochs, $"{s.Model} on {s.Dataset}: training loss");
        string checkpoint = Path.Combine(s.OutputDir, CliCheckpoint.FileName);
        CliCheckpoint.Save(checkpoint, new CliCheckpoint.Header(s.Model, s.Dataset, train.Channels, train.Size, [.. train.Classes], s.Epochs, s.Seed), model, optimizer);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(checkpoint)} and {Markup.Escape(lossPng)}");
        return 0;
    }
}
