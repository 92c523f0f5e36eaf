using Ember.NN;
using Ember.Optim;
using Ember.Rng;
using Ember.Serialization;

namespace Ember.Cli;

/// <summary>
/// The checkpoint <c>ember train</c> writes: an Ember <see cref="Checkpoint"/> (PyTorch's zip format,
/// saved atomically) holding the model's and optimizer's state (momentum buffers included), the
/// default generator's state, where training stands (<see cref="TrainState"/>) and, as user values,
/// what is needed to rebuild the model for <c>ember eval</c> and <c>ember predict</c>.
/// </summary>
internal static class CliCheckpoint
{
    public const string FileName = "checkpoint.pt";

    /// <summary>What the model is and what it was trained on.</summary>
    public sealed record Header(string Model, string Dataset, int Channels, int Size, string[] Classes, int Epochs, int Seed);

    /// <summary>
    /// Saves atomically (a kill at any moment leaves the previous file whole). With a
    /// <paramref name="training"/> state, the default generator's state goes in too, so the file can be resumed.
    /// </summary>
    /// <param name="path">Where to write.</param>
    /// <param name="h">The header.</param>
    /// <param name="model">The model.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="training">Where training stands, for <c>--resume</c>.</param>
    /// <param name="extra">More values, under their own keys (the language model's vocabulary, sizes and hidden state).</param>
    public static void Save(string path, Header h, Module model, Optimizer optimizer, TrainState? training = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var values = new Dictionary<string, object?>
        {
            ["ember_model"] = h.Model,
            ["dataset"] = h.Dataset,
            ["channels"] = (long)h.Channels,
            ["size"] = (long)h.Size,
            ["classes"] = string.Join("\n", h.Classes),
            ["epochs"] = (long)h.Epochs,
            ["seed"] = (long)h.Seed,
        };
        if (training is not null) values[TrainState.Key] = training.ToValues();
        foreach (var (k, v) in extra ?? new Dictionary<string, object?>()) values[k] = v;
        Checkpoint.Save(path, model, optimizer, generator: training is null ? null : Generator.Default, values: values);
    }

    /// <summary>Reads a checkpoint and rebuilds its model with the saved weights.</summary>
    /// <exception cref="CliException">The file is missing, unreadable or not written by <c>ember train</c>.</exception>
    public static (Header Header, Module<Tensor, Tensor> Model) Load(string path)
    {
        var c = Read(path);
        var h = ReadHeader(path, c);
        var model = Models.Create(h.Model, h.Channels, h.Size, h.Classes.Length);
        try { c.Restore(model); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new CliException($"{path}: {e.Message}"); }
        return (h, model);
    }

    /// <summary>A checkpoint to resume: its header, its training state and the file's parts, for <see cref="Restore"/>.</summary>
    public sealed record Resumable(string Path, Header Header, TrainState State, Checkpoint File);

    /// <summary>Reads a checkpoint written by <c>ember train</c> for <c>--resume</c>.</summary>
    /// <exception cref="CliException">The file is missing, unreadable, or holds no training state or generator state.</exception>
    public static Resumable LoadResumable(string path)
    {
        var c = Read(path);
        var h = ReadHeader(path, c);
        var state = TrainState.FromValues(path, c.Values.GetValueOrDefault(TrainState.Key));
        if (c.RngState is null || c.Optimizer is null || c.Model is null)
            throw new CliException($"{path}: the checkpoint lacks the {(c.Model is null ? "model" : c.Optimizer is null ? "optimizer" : "random generator")} state needed to resume.");
        return new Resumable(path, h, state, c);
    }

    /// <summary>
    /// Refuses to let a new run overwrite <paramref name="path"/> when it holds a run that stopped before
    /// its last epoch (Ctrl-C, a kill, a crash), or a file that is not a checkpoint at all: that work would
    /// be lost without a word. A finished run's checkpoint may be replaced, as running the same command
    /// twice expects.
    /// </summary>
    /// <param name="path">The checkpoint the new run is about to write.</param>
    /// <param name="resumeCommand">The command line that would continue the run saved at a path.</param>
    /// <exception cref="CliException">The file holds an unfinished run or cannot be read as a checkpoint.</exception>
    public static void RefuseToReplaceUnfinished(string path, Func<string, string> resumeCommand)
    {
        if (!File.Exists(path)) return;
        Resumable r;
        try { r = LoadResumable(path); }
        catch (CliException e)
        {
            throw new CliException($"{path} exists and is not a checkpoint a run can continue from ({e.Message}); move it away, or give another --output-dir.");
        }
        if (r.State.Epoch <= r.Header.Epochs)
            throw new CliException($"{path} holds an unfinished run (stopped at epoch {r.State.Epoch} of {r.Header.Epochs}, batch {r.State.Step}); " +
                $"continue it with: {resumeCommand(path)} (or give another --output-dir to start a new run there).");
    }

    /// <summary>Puts a resumable checkpoint's model, optimizer (momentum buffers included) and default-generator state back.</summary>
    /// <exception cref="CliException">The saved state does not fit the model or optimizer.</exception>
    public static void Restore(Resumable r, Module model, Optimizer optimizer)
    {
        try { r.File.Restore(model, optimizer, generator: Generator.Default); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new CliException($"{r.Path}: {e.Message}"); }
    }

    private static Checkpoint Read(string path)
    {
        Cli.RequireFile(path, "checkpoint");
        try { return Checkpoint.Load(path); }
        catch (TensorFileException e) { throw new CliException(e.Message); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{path}: {e.Message}"); }
    }

    private static Header ReadHeader(string path, Checkpoint c)
    {
        T Get<T>(string key) => c.Values.TryGetValue(key, out var v) && v is T t
            ? t : throw new CliException($"{path}: not a checkpoint written by `ember train` (no '{key}' entry).");
        return new Header(Get<string>("ember_model"), Get<string>("dataset"), (int)Get<long>("channels"), (int)Get<long>("size"),
            Get<string>("classes").Split('\n'), (int)Get<long>("epochs"), (int)Get<long>("seed"));
    }
}
