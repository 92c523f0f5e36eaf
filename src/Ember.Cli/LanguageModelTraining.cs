using System.Diagnostics;
using System.Globalization;
using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>
/// <c>ember train --model lstm-lm</c>: examples/11-language-model.cs (PyTorch's word_language_model at
/// character level, on Debian's fortune files) with the command's progress display, a perplexity per
/// epoch, checkpoints and <c>--resume</c> as for the image models, and text sampled at the end.
/// </summary>
/// <remarks>
/// Truncated backpropagation through time: the LSTM's state runs on from one chunk of <c>--bptt</c>
/// characters to the next, detached; gradients are clipped to <c>--clip</c>; SGD (momentum 0 by
/// default, i.e. the example's plain update); the learning rate is divided by 4 after an epoch whose
/// validation loss is no better than the best so far. The test perplexity and the sample come from the
/// best epoch's weights. The checkpoint also holds the LSTM's state and the best weights, so a resumed
/// run continues bit for bit.
/// </remarks>
internal static class LanguageModelTraining
{
    /// <summary>The <c>--model</c> name.</summary>
    public const string ModelName = "lstm-lm";

    /// <summary>The <c>--dataset</c> name.</summary>
    public const string Dataset = "fortunes";

    /// <summary>Where Debian's fortunes-min installs its files.</summary>
    public const string DefaultDataDir = "/usr/share/games/fortunes";

    private const string Key = "lm";
    private const int EvalBatch = 10;

    public static int Train(TrainSettings s, Func<string, string> resumeCommand, StopSignal stop, IAnsiConsole console, bool outputRedirected)
    {
        var lm = s.Lm;
        if (s.Download)
            throw new CliException($"--download: the fortunes come from Debian's fortunes-min package (`apt-get install fortunes-min`, as root), not from a download.", Cli.Usage);
        var resume = s.Resume is { } rp ? CliCheckpoint.LoadResumable(rp) : null;
        var identity = new RunIdentity(s.Model, s.Dataset, s.BatchSize, s.Lr, s.Momentum, s.Seed);
        Saved? saved = null;
        if (resume is not null)
        {
            identity.RequireSameAs(resume.State.Identity, resume.Path);
            saved = Saved.Read(resume.Path, resume.File.Values.GetValueOrDefault(Key));
            saved.RequireSame(lm, resume.Path);
        }

        var corpus = FortuneCorpus.Load(s.DataDir);
        Tensor.ManualSeed(s.Seed);
        var model = new CharLanguageModel(corpus.Vocabulary.Length, lm.Hidden, lm.Layers, lm.Dropout);
        var optimizer = new Sgd(model.Parameters(), lr: s.Lr, momentum: s.Momentum);
        var nll = new NllLoss();
        long parameters = model.Parameters().Sum(p => p.Numel());
        OutputFolder.Check(s.OutputDir, 2 * OutputFolder.Estimate(parameters));   // the best weights travel in the checkpoint too
        string checkpoint = Path.Combine(s.OutputDir, CliCheckpoint.FileName);
        if (resume is null || Path.GetFullPath(resume.Path) != Path.GetFullPath(checkpoint))
            CliCheckpoint.RefuseToReplaceUnfinished(checkpoint, resumeCommand);
        var header = new CliCheckpoint.Header(s.Model, s.Dataset, 0, 0, [], s.Epochs, s.Seed);

        var train = FortuneCorpus.Batchify(corpus.Train, s.BatchSize);
        var valid = FortuneCorpus.Batchify(corpus.Valid, EvalBatch);
        var test = FortuneCorpus.Batchify(corpus.Test, EvalBatch);
        foreach (var (name, rows, columns) in new[] { ("training", train.Shape[0], s.BatchSize), ("validation", valid.Shape[0], EvalBatch), ("test", test.Shape[0], EvalBatch) })
            if (rows < 2)
                throw new CliException($"{s.DataDir}: the {name} text is too short for {columns} columns of at least 2 characters; give a larger corpus{(name == "training" ? " or a smaller --batch-size" : "")}.");
        int batches = (int)((train.Shape[0] - 1 + lm.Bptt - 1) / lm.Bptt);

        var state = resume?.State ?? new TrainState { Identity = identity, TrainImages = (int)corpus.Train.Shape[0] };
        var hidden = model.InitHidden(s.BatchSize);
        OrderedDictionary<string, Tensor>? best = null;
        double bestLoss = double.PositiveInfinity;
        if (resume is not null)
        {
            if (state.TrainImages != corpus.Train.Shape[0] || saved!.Vocabulary != corpus.Vocabulary)
                throw new CliException($"--resume {resume.Path}: that run trained on another text ({state.TrainImages} characters; now {corpus.Train.Shape[0]}, or other characters).");
            CliCheckpoint.Restore(resume, model, optimizer);   // also puts the default generator where the run left it
            if (saved.Hidden is { } h) hidden = h;
            (best, bestLoss) = (saved.Best, saved.BestLoss ?? double.PositiveInfinity);
        }

        TrainProgress.Raw(console, $"{s.Model} on {s.Dataset} ({corpus.Description}): {corpus.Train.Shape[0]} train / {corpus.Valid.Shape[0]} valid / {corpus.Test.Shape[0]} test characters, {corpus.Vocabulary.Length} distinct, {parameters} parameters");
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture,
            $"LSTM {lm.Layers}x{lm.Hidden}, dropout {lm.Dropout}; SGD lr {s.Lr} momentum {s.Momentum}, clip {lm.Clip}, {s.BatchSize} columns x bptt {lm.Bptt}, seed {s.Seed}, {Threads.Count} threads"));
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture,
            $"unigram baseline: valid ppl {Math.Exp(corpus.UnigramLoss(corpus.Valid)):F2}, test ppl {Math.Exp(corpus.UnigramLoss(corpus.Test)):F2}"));
        if (resume is not null)
            TrainProgress.Raw(console, state.Epoch > s.Epochs
                ? $"Resuming {resume.Path}: training had finished ({state.Epoch - 1} epochs)"
                : $"Resuming {resume.Path} at epoch {state.Epoch}, batch {state.Step} of {batches}");

        int curveEvery = Math.Max(1, batches * s.Epochs / 200);
        double elapsedBefore = state.ElapsedSeconds;
        var clock = Stopwatch.StartNew();
        bool dirty = resume is null || Path.GetFullPath(resume.Path) != Path.GetFullPath(checkpoint);
        void Save()
        {
            state.ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds;
            var values = new Saved(corpus.Vocabulary, lm, hidden, best, double.IsFinite(bestLoss) ? bestLoss : null).ToValues();
            CliCheckpoint.Save(checkpoint, header, model, optimizer, state, new Dictionary<string, object?> { [Key] = values });
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
                if (state.Step == 0)
                {
                    hidden = model.InitHidden(s.BatchSize);
                    state.EpochStartRng = Generator.Default.GetState();   // not replayed (no shuffle), but the state format wants it mid-epoch
                }
                progress.BeginEpoch(state.Epoch, state.Step);
                double epochSecondsBefore = state.EpochSeconds;
                var epochClock = Stopwatch.StartNew();
                model.Train();
                while (state.Step < batches)
                {
                    var (data, targets) = GetBatch(train, state.Step * lm.Bptt, lm.Bptt);
                    // Detached: backpropagation stops at the chunk's start (truncated BPTT).
                    hidden = (hidden.H.Detach(), hidden.C.Detach());
                    optimizer.ZeroGrad();
                    (var output, hidden) = model.Call(data, hidden);
                    var loss = nll.Call(output, targets);
                    loss.Backward();
                    Utils.ClipGradNorm_(model.Parameters(), lm.Clip);
                    optimizer.Step();

                    double l = loss.Item<float>();
                    state.RecordStep(l, epochSecondsBefore + epochClock.Elapsed.TotalSeconds, curveEvery, batches);
                    dirty = true;
                    if (state.Step % s.LogEvery == 0)
                    {
                        double mean = state.Running / state.InRunning;
                        progress.Line(string.Create(CultureInfo.InvariantCulture, $"[{state.Epoch}, {state.Step,5}] loss: {mean:F3} ppl: {Math.Exp(mean):F2}"));
                        state.Running = 0; state.InRunning = 0;
                    }
                    progress.Update(state.Step, state.InRunning > 0 ? state.Running / state.InRunning : l);
                    TrainCommand.AfterStep?.Invoke(state.GlobalStep, stop);
                    if (state.Step == batches) break;   // the end of the epoch saves below
                    if (stop.Requested)
                    {
                        Save();
                        return stop.ExitCode;
                    }
                    if (s.CheckpointEvery > 0 && state.GlobalStep % s.CheckpointEvery == 0) Save();
                }

                double validLoss = Evaluate(model, nll, valid, lm.Bptt);
                double lr = optimizer.ParamGroups[0].Lr;
                // Under 80 columns (Spectre wraps a longer line when the output is piped).
                progress.EndEpoch(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {state.Epoch}/{s.Epochs}: train ppl {Math.Exp(state.EpochLossSum / batches):F2}, valid ppl {Math.Exp(validLoss):F2}, lr {lr:G4}, {batches} batches in {state.EpochSeconds:F1} s"));
                if (validLoss < bestLoss)
                {
                    best = Snapshot(model);
                    bestLoss = validLoss;
                }
                else
                {
                    // No improvement on the validation text: anneal the learning rate.
                    foreach (var g in optimizer.ParamGroups) g.Lr /= 4;
                }
                state.NextEpoch();
                Save();
            }
            return 0;
        });
        if (code != 0) return StopSignal.ReportStoppedDuringTraining(stop, code, state.Epoch, state.Step, batches, checkpoint, resumeCommand);
        if (dirty) Save();   // a finished run resumed from a checkpoint elsewhere
        if (stop.EndTraining(checkpoint, "test it and sample text", resumeCommand) is { } stopped) return stopped;
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture, $"Finished training in {elapsedBefore + clock.Elapsed.TotalSeconds:F1} s"));

        // The best epoch's weights, as the example reloads its saved model.
        if (best is not null) model.LoadStateDict(best);
        double testLoss = Evaluate(model, nll, test, lm.Bptt);
        TrainProgress.Raw(console, string.Create(CultureInfo.InvariantCulture,
            $"test ppl {Math.Exp(testLoss):F2} (loss {testLoss:F3}); unigram baseline {Math.Exp(corpus.UnigramLoss(corpus.Test)):F2}"));
        if (lm.SampleChars > 0)
        {
            TrainProgress.Raw(console, "Sampled text:");
            TrainProgress.Raw(console, model.Sample(corpus.Vocabulary, lm.SampleChars));
        }
        string lossPng = Path.Combine(s.OutputDir, "loss.png");
        LossCurve.Save(lossPng, state.Curve, s.Epochs, $"{s.Model} on {s.Dataset}: training loss");
        TrainProgress.Raw(console, $"Wrote {checkpoint} and {lossPng}");
        return 0;
    }

    // The chunk of rows i .. i+bptt and the same shifted by one character, flattened (the example's get_batch).
    private static (Tensor Data, Tensor Target) GetBatch(Tensor source, int i, int bptt)
    {
        int len = Math.Min(bptt, (int)source.Shape[0] - 1 - i);
        return (source[i..(i + len)], source[(i + 1)..(i + 1 + len)].Reshape(-1));
    }

    // The mean loss per character over a whole split, in evaluation mode (no dropout).
    private static double Evaluate(CharLanguageModel model, NllLoss nll, Tensor source, int bptt)
    {
        model.Eval();
        double total = 0;
        var hidden = model.InitHidden((int)source.Shape[1]);
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < source.Shape[0] - 1; i += bptt)
            {
                var (data, targets) = GetBatch(source, i, bptt);
                (var output, hidden) = model.Call(data, hidden);
                total += data.Shape[0] * nll.Call(output, targets).Item<float>();
            }
        }
        model.Train();
        return total / (source.Shape[0] - 1);
    }

    private static OrderedDictionary<string, Tensor> Snapshot(Module model)
    {
        var copy = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in model.StateDict()) copy[k] = v.Detach().Clone();
        return copy;
    }

    /// <summary>What the checkpoint holds for the language model besides the shared state: its vocabulary, sizes, the LSTM's state and the best weights.</summary>
    private sealed record Saved(string Vocabulary, LmSettings Lm, (Tensor H, Tensor C)? Hidden, OrderedDictionary<string, Tensor>? Best, double? BestLoss)
    {
        public Dictionary<string, object?> ToValues()
        {
            var best = Best is null ? null : Best.ToDictionary(p => (object)p.Key, p => (object?)p.Value);
            return new()
            {
                ["vocabulary"] = Vocabulary,
                ["hidden"] = (long)Lm.Hidden,
                ["layers"] = (long)Lm.Layers,
                ["bptt"] = (long)Lm.Bptt,
                ["dropout"] = Lm.Dropout,
                ["clip"] = Lm.Clip,
                ["state_h"] = Hidden?.H.Detach(),
                ["state_c"] = Hidden?.C.Detach(),
                ["best_valid_loss"] = BestLoss,
                ["best"] = best,
            };
        }

        /// <exception cref="CliException">The value is missing or malformed.</exception>
        public static Saved Read(string path, object? value)
        {
            if (value is not OrderedDictionary<object, object?> d)
                throw new CliException($"{path}: the checkpoint holds no language-model state (was it written by `ember train --model {ModelName}`?).");
            T Get<T>(string key) => d.TryGetValue(key, out var v) && v is T t
                ? t : throw new CliException($"{path}: the checkpoint's language-model state has no valid '{key}' entry.");
            var lm = new LmSettings((int)Get<long>("hidden"), (int)Get<long>("layers"), (int)Get<long>("bptt"), Get<double>("dropout"), Get<double>("clip"), 0);
            (Tensor, Tensor)? hidden = d.GetValueOrDefault("state_h") is Tensor h && d.GetValueOrDefault("state_c") is Tensor c ? (h, c) : null;
            OrderedDictionary<string, Tensor>? best = null;
            if (d.GetValueOrDefault("best") is OrderedDictionary<object, object?> b)
            {
                best = new(StringComparer.Ordinal);
                foreach (var (k, v) in b)
                    best[k as string ?? throw new CliException($"{path}: a key of the best weights is not a name.")] =
                        v as Tensor ?? throw new CliException($"{path}: the best weights' '{k}' is not a tensor.");
            }
            return new Saved(Get<string>("vocabulary"), lm, hidden, best, d.GetValueOrDefault("best_valid_loss") as double?);
        }

        /// <summary>Refuses to resume with sizes or options that change the run, naming each.</summary>
        public void RequireSame(LmSettings now, string path)
        {
            var diffs = new List<string>();
            void Check<T>(string option, T a, T b)
            {
                if (!EqualityComparer<T>.Default.Equals(a, b)) diffs.Add(string.Create(CultureInfo.InvariantCulture, $"{option} {b} (this command: {a})"));
            }
            Check("--hidden", now.Hidden, Lm.Hidden);
            Check("--layers", now.Layers, Lm.Layers);
            Check("--bptt", now.Bptt, Lm.Bptt);
            Check("--dropout", now.Dropout, Lm.Dropout);
            Check("--clip", now.Clip, Lm.Clip);
            if (diffs.Count > 0)
                throw new CliException($"--resume {path}: that run used {string.Join(", ", diffs)}; resume with the same options, or start a new run without --resume.");
        }
    }
}
