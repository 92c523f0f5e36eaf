using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ember.Data;
using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>
/// <c>ember train</c>: the chapter's 20.3.12 recipe as a command. Trains a model with cross-entropy and
/// SGD with momentum, shows the progress, prints the chapter's running-loss lines, then evaluates on the
/// test set and writes a checkpoint, a loss curve and the metrics into the output folder.
/// </summary>
/// <remarks>
/// Progress is never lost: the checkpoint (model, optimizer with its momentum buffers, the default
/// generator, the position and the running figures) is rewritten atomically at the end of every epoch,
/// every <c>--checkpoint-every</c> mini-batches, and when SIGINT or SIGTERM asks the run to stop, which
/// happens after the current mini-batch. <c>--resume</c> continues bit for bit: the same weights, the
/// same printed lines, as if the run had never stopped.
/// </remarks>
internal static class TrainCommand
{
    /// <summary>
    /// Called after every training step with the run's step count and the stop request: tests stop
    /// (<see cref="StopSignal.Request"/>) or abort (by throwing) an in-process run at a chosen step.
    /// </summary>
    internal static Action<long, StopSignal>? AfterStep { get; set; }

    public static Command Create()
    {
        var o = new TrainOptions();
        var command = new Command("train", "Train LeNet or an MLP on CIFAR-10, Fashion-MNIST or MNIST (the chapter's 20.3.12 recipe by default), or a character-level LSTM language model on Debian's fortunes (--model lstm-lm).");
        o.AddTo(command);
        command.SetAction(pr => Cli.Run(() =>
        {
            var settings = o.Read(pr);
            // From here on the first Ctrl-C or SIGTERM stops the run after the current step, with a checkpoint.
            using var stop = StopSignal.Listen();
            return Train(settings, path => ResumeCommandLine.For(pr, path), stop, AnsiConsole.Console, Console.IsOutputRedirected);
        }));
        return command;
    }

    /// <summary>
    /// Runs <c>ember train</c> with <paramref name="args"/> (the words after <c>train</c>) in this process, with a stop request that only
    /// <see cref="StopSignal.Request"/> sets and the output on <paramref name="console"/> (for tests).
    /// </summary>
    internal static int Invoke(string[] args, StopSignal stop, IAnsiConsole console, bool outputRedirected = true)
    {
        var o = new TrainOptions();
        var command = new Command("train");
        o.AddTo(command);
        command.SetAction(pr => Cli.Run(() => Train(o.Read(pr), path => ResumeCommandLine.For(pr, path), stop, console, outputRedirected)));
        var root = new RootCommand { command };
        var result = root.Parse(["train", .. args]);
        if (result.Errors.Count > 0)   // as Cli.Execute reports them: one line, exit code 2
        {
            Cli.Error.WriteLine($"ember train: {ParseErrors.Describe(ParseErrors.First(result.Errors))}");
            return Cli.Usage;
        }
        return result.Invoke();
    }

    /// <summary>The run's first line; short enough for 80 columns with every model and dataset (a wrapped line reads as two).</summary>
    internal static string Header(string model, string dataset, int trainImages, int testImages, long parameters) =>
        $"{model} on {dataset}: {trainImages} train / {testImages} test images, {parameters} parameters";

    /// <summary>The shape of the images and the number of classes of each dataset, known before its files are read.</summary>
    private static (int Channels, int Size, int Classes) ImageShape(string dataset) => dataset == "cifar10" ? (3, 32, 10) : (1, 28, 10);

    internal static int Train(TrainSettings s, Func<string, string> resumeCommand, StopSignal stop, IAnsiConsole console, bool outputRedirected)
    {
        if (s.Threads is { } t) Threads.Count = t;
        Cli.RequireCpu(s.Device);
        if (s.Distributed) return DistributedTraining.Train(s, console);
        if (s.Model == LanguageModelTraining.ModelName) return LanguageModelTraining.Train(s, resumeCommand, stop, console, outputRedirected);
        var resume = s.Resume is { } rp ? CliCheckpoint.LoadResumable(rp) : null;
        var identity = new RunIdentity(s.Model, s.Dataset, s.BatchSize, s.Lr, s.Momentum, s.Seed);
        if (resume is not null) identity.RequireSameAs(resume.State.Identity, resume.Path);

        Tensor.ManualSeed(s.Seed);
        var (channels, size, classes) = ImageShape(s.Dataset);
        var model = Models.Create(s.Model, channels, size, classes);
        var lossFn = new CrossEntropyLoss();
        var optimizer = new Sgd(model.Parameters(), lr: s.Lr, momentum: s.Momentum);
        long parameters = model.Parameters().Sum(p => p.Numel());
        // Before the (possibly long) data loading, so that a bad --output-dir costs seconds, not a run.
        OutputFolder.Check(s.OutputDir, OutputFolder.Estimate(parameters));
        string checkpoint = Path.Combine(s.OutputDir, CliCheckpoint.FileName);
        if (resume is null || Path.GetFullPath(resume.Path) != Path.GetFullPath(checkpoint))
            CliCheckpoint.RefuseToReplaceUnfinished(checkpoint, resumeCommand);

        var train = DataChoice.Open(s.Dataset, s.DataDir, train: true, s.Download);
        var test = DataChoice.Open(s.Dataset, s.DataDir, train: false, s.Download);
        if ((train.Channels, train.Size, train.Classes.Count) != (channels, size, classes))
            throw new InvalidOperationException($"{s.Dataset}: expected {classes} classes of {channels}x{size}x{size} images, found {train.Classes.Count} of {train.Channels}x{train.Size}x{train.Size}.");
        var header = new CliCheckpoint.Header(s.Model, s.Dataset, train.Channels, train.Size, [.. train.Classes], s.Epochs, s.Seed);

        var state = resume?.State ?? new TrainState { Identity = identity, TrainImages = train.Dataset.Count };
        if (resume is not null)
        {
            if (state.TrainImages != train.Dataset.Count)
                throw new CliException($"--resume {resume.Path}: that run trained on {state.TrainImages} images, but the training set now has {train.Dataset.Count}.");
            CliCheckpoint.Restore(resume, model, optimizer);   // also puts the default generator where the run left it
        }
        // The loader draws its shuffle as `shuffle: true` would (same generator, same order of draws), but
        // through a sampler that can leave out the batches a resumed epoch has already done.
        var sampler = new SkippingSampler(new RandomSampler(train.Dataset.Count));
        var loader = DataLoader.Create(train.Dataset, batchSize: s.BatchSize, sampler: sampler, numWorkers: s.Workers);
        int batches = loader.Count;
        if (state.Step > batches)
            throw new CliException($"--resume {resume!.Path}: the checkpoint is at batch {state.Step} of an epoch of {batches} batches.");

        TrainProgress.Raw(console, Header(s.Model, s.Dataset, train.Dataset.Count, test.Dataset.Count, parameters));
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture,
            $"SGD lr {s.Lr} momentum {s.Momentum}, batch {s.BatchSize}, seed {s.Seed}, {Threads.Count} threads, {s.Workers} workers"));
        if (resume is not null)
            TrainProgress.Raw(console, state.Epoch > s.Epochs
                ? $"Resuming {resume.Path}: training had finished ({state.Epoch - 1} epochs)"
                : $"Resuming {resume.Path} at epoch {state.Epoch}, batch {state.Step} of {batches}");

        int curveEvery = Math.Max(1, batches * s.Epochs / 200);   // about 200 points on the loss curve
        double elapsedBefore = state.ElapsedSeconds;
        var clock = Stopwatch.StartNew();
        bool dirty = resume is null || Path.GetFullPath(resume.Path) != Path.GetFullPath(checkpoint);
        void Save()
        {
            state.ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds;
            CliCheckpoint.Save(checkpoint, header, model, optimizer, state);
            dirty = false;
        }

        int code = TrainProgress.Run(console, TrainProgress.IsLive(console, outputRedirected), s.Epochs, batches, progress =>
        {
            while (state.Epoch <= s.Epochs)
            {
                if (stop.Requested)
                {
                    if (dirty) Save();
                    return stop.ExitCode;
                }
                // A resumed epoch replays its shuffle from the generator state the epoch began with, then
                // takes the generator back to where the run stopped (which equals the state after the
                // shuffle unless the steps themselves drew random numbers).
                byte[] now = Generator.Default.GetState();
                byte[] epochStart = state.Step > 0 ? state.EpochStartRng! : now;
                if (state.Step > 0) Generator.Default.SetState(epochStart);
                sampler.Skip = state.Step * s.BatchSize;
                progress.BeginEpoch(state.Epoch, state.Step);
                double epochSecondsBefore = state.EpochSeconds;
                var epochClock = Stopwatch.StartNew();
                using (var it = loader.GetEnumerator())
                {
                    bool more = it.MoveNext();   // draws the epoch's shuffle
                    if (state.Step > 0) Generator.Default.SetState(now);
                    state.EpochStartRng = epochStart;
                    for (; more; more = it.MoveNext())
                    {
                        var (images, labels) = it.Current;
                        optimizer.ZeroGrad();
                        var loss = lossFn.Call(model.Call(images), labels);
                        loss.Backward();
                        optimizer.Step();

                        double l = loss.Item<float>();
                        state.RecordStep(l, epochSecondsBefore + epochClock.Elapsed.TotalSeconds, curveEvery, batches);
                        dirty = true;
                        if (state.Step % s.LogEvery == 0)
                        {
                            // The chapter's line: [epoch, batch] loss: average over the last LogEvery batches.
                            progress.Line(string.Create(CultureInfo.InvariantCulture, $"[{state.Epoch}, {state.Step,5}] loss: {state.Running / state.InRunning:F3}"));
                            state.Running = 0; state.InRunning = 0;
                        }
                        progress.Update(state.Step, state.InRunning > 0 ? state.Running / state.InRunning : l);
                        AfterStep?.Invoke(state.GlobalStep, stop);
                        if (state.Step == batches) continue;   // the end of the epoch saves below
                        if (stop.Requested)
                        {
                            Save();
                            return stop.ExitCode;
                        }
                        if (s.CheckpointEvery > 0 && state.GlobalStep % s.CheckpointEvery == 0) Save();
                    }
                }
                progress.EndEpoch(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {state.Epoch}/{s.Epochs}: loss {state.EpochLossSum / Math.Max(1, batches):F3}, {batches} batches in {state.EpochSeconds:F1} s ({batches / Math.Max(state.EpochSeconds, 1e-9):F1} batches/s)"));
                state.NextEpoch();
                Save();
            }
            return 0;
        });
        if (code != 0) return StopSignal.ReportStoppedDuringTraining(stop, code, state.Epoch, state.Step, batches, checkpoint, resumeCommand);
        if (dirty) Save();   // a finished run resumed from a checkpoint elsewhere
        if (stop.EndTraining(checkpoint, "evaluate it and write the loss curve", resumeCommand) is { } stopped) return stopped;
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture, $"Finished training in {elapsedBefore + clock.Elapsed.TotalSeconds:F1} s"));

        var eval = Evaluation.Run(model, test.Dataset);
        eval.Print();

        string lossPng = Path.Combine(s.OutputDir, "loss.png");
        SaveLossCurve(lossPng, state.Curve, s);
        TrainProgress.Raw(console, $"Wrote {checkpoint} and {lossPng}");
        return 0;
    }

    // The curve's points carry their fractional epoch, for a chart with epoch boundaries.
    private static void SaveLossCurve(string path, IReadOnlyList<(double Epoch, double Loss)> curve, TrainSettings s)
    {
        LossCurve.Save(path, curve, s.Epochs, $"{s.Model} on {s.Dataset}: training loss");
    }
}
