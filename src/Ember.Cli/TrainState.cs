using System.Globalization;

namespace Ember.Cli;

/// <summary>
/// Where a training run stands and the figures it has gathered so far: everything besides the model,
/// the optimizer and the random generator that <c>--resume</c> needs to go on exactly as if the run
/// had never stopped. Saved in the checkpoint as the dict <c>"training"</c>.
/// </summary>
/// <remarks>
/// The position is the next mini-batch to run: batch <see cref="Step"/> (0-based) of epoch
/// <see cref="Epoch"/> (1-based). The running sums are those the loop keeps per epoch (the chapter's
/// running loss, the loss-curve chunk, the epoch's loss), kept as doubles so that the lines printed
/// after a resume are the ones the uninterrupted run prints.
/// </remarks>
internal sealed class TrainState
{
    /// <summary>The key of this state in the checkpoint's dict.</summary>
    public const string Key = "training";

    public int Epoch { get; set; } = 1;
    public int Step { get; set; }
    public long GlobalStep { get; set; }

    public double Running { get; set; }
    public int InRunning { get; set; }
    public double CurveSum { get; set; }
    public int InCurve { get; set; }
    public double EpochLossSum { get; set; }
    public double EpochSeconds { get; set; }

    /// <summary>Training time of the earlier sessions of this run, in seconds.</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>The loss-curve points so far: (fractional epoch, e.g. 1.25 a quarter into epoch 2; mean loss).</summary>
    public List<(double Epoch, double Loss)> Curve { get; } = [];

    /// <summary>
    /// The default generator's state just before this epoch drew its shuffle (null at an epoch's start,
    /// where the generator's current state is that state): a resume in mid-epoch replays the shuffle from it.
    /// </summary>
    public byte[]? EpochStartRng { get; set; }

    /// <summary>The options that shape the run's trajectory, so a resume can refuse a different run.</summary>
    public required RunIdentity Identity { get; init; }

    /// <summary>The size of the training set, so a resume can refuse a different one.</summary>
    public required int TrainImages { get; init; }

    /// <summary>Starts a new epoch: the per-epoch sums go back to zero.</summary>
    /// <summary>
    /// Counts one finished training step with loss <paramref name="loss"/>: the step counters, the
    /// running and per-epoch sums, the epoch's time so far, and a loss-curve point every
    /// <paramref name="curveEvery"/> steps (at epoch-fraction step / <paramref name="batches"/>).
    /// </summary>
    public void RecordStep(double loss, double epochSeconds, int curveEvery, int batches)
    {
        Step++; GlobalStep++;
        Running += loss; InRunning++;
        CurveSum += loss; InCurve++;
        EpochLossSum += loss;
        EpochSeconds = epochSeconds;
        if (InCurve == curveEvery)
        {
            Curve.Add((Epoch - 1 + Step / (double)batches, CurveSum / InCurve));
            CurveSum = 0; InCurve = 0;
        }
    }

    public void NextEpoch()
    {
        Epoch++;
        Step = 0;
        Running = 0; InRunning = 0;
        CurveSum = 0; InCurve = 0;
        EpochLossSum = 0; EpochSeconds = 0;
        EpochStartRng = null;
    }

    /// <summary>The state as checkpoint values (numbers, strings and tensors, which PyTorch's format holds).</summary>
    public Dictionary<string, object?> ToValues() => new()
    {
        ["epoch"] = (long)Epoch,
        ["step"] = (long)Step,
        ["global_step"] = GlobalStep,
        ["running_loss"] = Running,
        ["running_count"] = (long)InRunning,
        ["curve_sum"] = CurveSum,
        ["curve_count"] = (long)InCurve,
        ["epoch_loss_sum"] = EpochLossSum,
        ["epoch_seconds"] = EpochSeconds,
        ["elapsed_seconds"] = ElapsedSeconds,
        ["curve_epoch"] = Tensor.From(Curve.Select(p => p.Epoch).ToArray()),
        ["curve_loss"] = Tensor.From(Curve.Select(p => p.Loss).ToArray()),
        ["epoch_start_rng"] = EpochStartRng is null ? null : Tensor.From(EpochStartRng),
        ["model"] = Identity.Model,
        ["dataset"] = Identity.Dataset,
        ["batch_size"] = (long)Identity.BatchSize,
        ["lr"] = Identity.Lr,
        ["momentum"] = Identity.Momentum,
        ["seed"] = (long)Identity.Seed,
        ["train_images"] = (long)TrainImages,
    };

    /// <summary>Reads the state back from a checkpoint's <c>"training"</c> value.</summary>
    /// <exception cref="CliException">The value is missing or malformed (the file was not written by this version's <c>ember train</c>).</exception>
    public static TrainState FromValues(string path, object? value)
    {
        if (value is not OrderedDictionary<object, object?> d)
            throw new CliException($"{path}: the checkpoint holds no training state to resume (was it written by `ember train`?).");
        T Get<T>(string key) => d.TryGetValue(key, out var v) && v is T t
            ? t : throw new CliException($"{path}: the checkpoint's training state has no valid '{key}' entry.");
        double[] Doubles(string key) => Get<Tensor>(key) is { DType: DType.Float64, NDim: 1 } t
            ? t.ToArray<double>() : throw new CliException($"{path}: the checkpoint's training state has no valid '{key}' entry.");
        var s = new TrainState
        {
            Identity = new RunIdentity(Get<string>("model"), Get<string>("dataset"), (int)Get<long>("batch_size"), Get<double>("lr"),
                Get<double>("momentum"), (int)Get<long>("seed")),
            TrainImages = (int)Get<long>("train_images"),
            Epoch = (int)Get<long>("epoch"),
            Step = (int)Get<long>("step"),
            GlobalStep = Get<long>("global_step"),
            Running = Get<double>("running_loss"),
            InRunning = (int)Get<long>("running_count"),
            CurveSum = Get<double>("curve_sum"),
            InCurve = (int)Get<long>("curve_count"),
            EpochLossSum = Get<double>("epoch_loss_sum"),
            EpochSeconds = Get<double>("epoch_seconds"),
            ElapsedSeconds = Get<double>("elapsed_seconds"),
            EpochStartRng = d.TryGetValue("epoch_start_rng", out var rng) && rng is Tensor { DType: DType.UInt8 } r ? r.ToArray<byte>() : null,
        };
        double[] e = Doubles("curve_epoch"), l = Doubles("curve_loss");
        if (e.Length != l.Length) throw new CliException($"{path}: the checkpoint's loss curve is malformed ({e.Length} positions, {l.Length} losses).");
        for (int i = 0; i < e.Length; i++) s.Curve.Add((e[i], l[i]));
        if (s.Epoch < 1 || s.Step < 0 || (s.Step > 0 && s.EpochStartRng is null))
            throw new CliException($"{path}: the checkpoint's training position is malformed (epoch {s.Epoch}, batch {s.Step}).");
        return s;
    }
}

/// <summary>
/// What makes two runs the same run: the options that change the trajectory of the weights (with the
/// training set, which <see cref="TrainState.TrainImages"/> checks). The number of epochs, threads, workers and the output folder may differ
/// on a resume (a longer run continues a shorter one exactly).
/// </summary>
internal sealed record RunIdentity(string Model, string Dataset, int BatchSize, double Lr, double Momentum, int Seed)
{
    /// <summary>Refuses to resume <paramref name="saved"/> with these options, naming each option that differs.</summary>
    /// <exception cref="CliException">An option differs.</exception>
    public void RequireSameAs(RunIdentity saved, string path)
    {
        var diffs = new List<string>();
        void Check<T>(string option, T now, T then)
        {
            if (!EqualityComparer<T>.Default.Equals(now, then))
                diffs.Add(string.Create(CultureInfo.InvariantCulture, $"{option} {then} (this command: {now})"));
        }
        Check("--model", Model, saved.Model);
        Check("--dataset", Dataset, saved.Dataset);
        Check("--batch-size", BatchSize, saved.BatchSize);
        Check("--lr", Lr, saved.Lr);
        Check("--momentum", Momentum, saved.Momentum);
        Check("--seed", Seed, saved.Seed);
        if (diffs.Count > 0)
            throw new CliException($"--resume {path}: that run used {string.Join(", ", diffs)}; resume with the same options, or start a new run without --resume.");
    }
}
