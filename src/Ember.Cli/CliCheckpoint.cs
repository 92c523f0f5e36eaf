using Ember.NN;
using Ember.Optim;
using Ember.Serialization;

namespace Ember.Cli;

/// <summary>
/// The checkpoint <c>ember train</c> writes: an Ember <see cref="Checkpoint"/> (PyTorch's zip format,
/// saved atomically) holding the model's and optimizer's state and, as user values, what is needed to
/// rebuild the model for <c>ember eval</c> and <c>ember predict</c>.
/// </summary>
internal static class CliCheckpoint
{
    public const string FileName = "checkpoint.pt";

    /// <summary>What the model is and what it was trained on.</summary>
    public sealed record Header(string Model, string Dataset, int Channels, int Size, string[] Classes, int Epochs, int Seed);

    public static void Save(string path, Header h, Module model, Optimizer optimizer) =>
        Checkpoint.Save(path, model, optimizer, values: new Dictionary<string, object?>
        {
            ["ember_model"] = h.Model,
            ["dataset"] = h.Dataset,
            ["channels"] = (long)h.Channels,
            ["size"] = (long)h.Size,
            ["classes"] = string.Join("\n", h.Classes),
            ["epochs"] = (long)h.Epochs,
            ["seed"] = (long)h.Seed,
        });

    /// <summary>Reads a checkpoint and rebuilds its model with the saved weights.</summary>
    /// <exception cref="CliException">The file is missing, unreadable or not written by <c>ember train</c>.</exception>
    public static (Header Header, Module<Tensor, Tensor> Model) Load(string path)
    {
        if (!File.Exists(path)) throw new CliException($"checkpoint not found: {Path.GetFullPath(path)}");
        Checkpoint c;
        try { c = Checkpoint.Load(path); }
        catch (TensorFileException e) { throw new CliException(e.Message); }
        T Get<T>(string key) => c.Values.TryGetValue(key, out var v) && v is T t
            ? t : throw new CliException($"{path}: not a checkpoint written by `ember train` (no '{key}' entry).");
        var h = new Header(Get<string>("ember_model"), Get<string>("dataset"), (int)Get<long>("channels"), (int)Get<long>("size"),
            Get<string>("classes").Split('\n'), (int)Get<long>("epochs"), (int)Get<long>("seed"));
        var model = Models.Create(h.Model, h.Channels, h.Size, h.Classes.Length);
        try { c.Restore(model); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new CliException($"{path}: {e.Message}"); }
        return (h, model);
    }
}
