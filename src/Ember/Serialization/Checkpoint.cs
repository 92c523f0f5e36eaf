using Ember.NN;
using Ember.Optim;

namespace Ember.Serialization;

/// <summary>
/// Everything needed to stop training and resume it bit-for-bit: the model's state dict, the
/// optimizer's state, a scheduler's (or any <see cref="IStateful"/>'s) state, a random generator's
/// state and user values such as the epoch and step. Saved in PyTorch's zip format as the dict
/// PyTorch users write by hand (<c>{"model": ..., "optimizer": ..., "scheduler": ..., "rng_state": ...,
/// "epoch": ..., ...}</c>), so <c>torch.load</c> reads it too. Saving is atomic: a crash or kill at any
/// moment leaves the previous checkpoint intact.
/// </summary>
/// <example>
/// <code>
/// Checkpoint.Capture(model, opt, generator: Generator.Default, values: new() { ["epoch"] = epoch }).Save("ckpt.pt");
/// // ... later, in a new process:
/// var ck = Checkpoint.Load("ckpt.pt");
/// ck.Restore(model, opt, generator: Generator.Default);
/// long epoch = (long)ck.Values["epoch"]!;
/// </code>
/// </example>
public sealed class Checkpoint
{
    private static readonly string[] Reserved = ["model", "optimizer", "scheduler", "rng_state"];

    /// <summary>The model's parameters and buffers by name (<c>model.state_dict()</c>), or null.</summary>
    public OrderedDictionary<string, Tensor>? Model { get; set; }

    /// <summary>The optimizer's state (<c>optimizer.state_dict()</c>), or null.</summary>
    public OptimizerStateDict? Optimizer { get; set; }

    /// <summary>A scheduler's state (<c>scheduler.state_dict()</c>), or null.</summary>
    public IReadOnlyDictionary<string, object?>? Scheduler { get; set; }

    /// <summary>A generator's state (<see cref="Generator.GetState"/>, PyTorch's <c>torch.get_rng_state()</c> bytes), or null.</summary>
    public byte[]? RngState { get; set; }

    /// <summary>User values (epoch, step, best loss ...): null, bools, numbers, strings, tensors, lists, dicts. Integers load back as <see cref="long"/>, floats as <see cref="double"/>.</summary>
    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A snapshot of the given objects' current state (each is optional). Tensors are copied, so
    /// training may go on while the snapshot is saved or kept.
    /// </summary>
    public static Checkpoint Capture(Module? model = null, Optimizer? optimizer = null, IStateful? scheduler = null,
        Generator? generator = null, IReadOnlyDictionary<string, object?>? values = null)
    {
        var c = new Checkpoint
        {
            Model = model is null ? null : CloneAll(model.StateDict()),
            Optimizer = optimizer?.StateDict(),
            Scheduler = scheduler?.StateDict(),
            RngState = generator?.GetState(),
        };
        if (values is not null) foreach (var (k, v) in values) c.Values[k] = v;
        return c;
    }

    private static OrderedDictionary<string, Tensor> CloneAll(OrderedDictionary<string, Tensor> d)
    {
        var r = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in d) r[k] = v.Clone();
        return r;
    }

    /// <summary>
    /// Puts the saved state back into the given objects (each optional; a part the checkpoint lacks is
    /// an error when its object is given). The model is loaded strictly.
    /// </summary>
    /// <exception cref="InvalidOperationException">An object was given but the checkpoint holds no state for it.</exception>
    public void Restore(Module? model = null, Optimizer? optimizer = null, IStateful? scheduler = null, Generator? generator = null)
    {
        static InvalidOperationException Missing(string what) => new($"Checkpoint.Restore: the checkpoint holds no {what} state.");
        if (model is not null) model.LoadStateDict(Model ?? throw Missing("model"));
        if (optimizer is not null) optimizer.LoadStateDict(Optimizer ?? throw Missing("optimizer"));
        if (scheduler is not null) scheduler.LoadStateDict(Scheduler ?? throw Missing("scheduler"));
        if (generator is not null) generator.SetState(RngState ?? throw Missing("generator (rng_state)"));
    }

    /// <summary>Saves atomically to <paramref name="path"/> (temporary file in the same folder, flushed to disk, renamed over the old file).</summary>
    /// <exception cref="ArgumentException">A user value uses a reserved name or cannot be saved.</exception>
    public void Save(string path) => TorchFile.Save(ToPython(), path);

    /// <summary>Captures and saves in one call.</summary>
    public static void Save(string path, Module? model = null, Optimizer? optimizer = null, IStateful? scheduler = null,
        Generator? generator = null, IReadOnlyDictionary<string, object?>? values = null) =>
        Capture(model, optimizer, scheduler, generator, values).Save(path);

    /// <summary>Loads a checkpoint saved by <see cref="Save(string)"/> (or a PyTorch dict with the same keys).</summary>
    /// <exception cref="TensorFileException">The file is unreadable or its parts are not what their names say.</exception>
    public static Checkpoint Load(string path)
    {
        object? o = TorchFile.Load(path);
        if (o is not OrderedDictionary<object, object?> d) throw new TensorFileException(path, $"a checkpoint is a dict, but the file holds a {Pickle.PickleReader.PyType(o)}");
        var c = new Checkpoint();
        foreach (var (k, v) in d)
        {
            if (k is not string key) throw new TensorFileException(path, $"a checkpoint key of type {Pickle.PickleReader.PyType(k)}");
            switch (key)
            {
                case "model": c.Model = PyValues.ToStateDict(v, path, "'model'"); break;
                case "optimizer": c.Optimizer = PyValues.ToOptimizerState(v, path, "'optimizer'"); break;
                case "scheduler":
                    c.Scheduler = v is OrderedDictionary<object, object?> s && s.Keys.All(x => x is string)
                        ? s.ToDictionary(kv => (string)kv.Key, kv => kv.Value, StringComparer.Ordinal)
                        : throw new TensorFileException(path, "'scheduler' is not a dict with string keys");
                    break;
                case "rng_state":
                    c.RngState = v is Tensor { DType: DType.UInt8, NDim: 1 } t ? t.ToArray<byte>() : throw new TensorFileException(path, "'rng_state' is not a 1-d uint8 tensor");
                    break;
                default: c.Values[key] = v; break;
            }
        }
        return c;
    }

    private Dictionary<string, object?> ToPython()
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Model is not null) d["model"] = Model;
        if (Optimizer is not null) d["optimizer"] = Optimizer;
        if (Scheduler is not null) d["scheduler"] = Scheduler;
        if (RngState is not null) d["rng_state"] = Tensor.From<byte>(RngState);
        foreach (var (k, v) in Values)
        {
            if (Reserved.Contains(k)) throw new ArgumentException($"Checkpoint.Save: the user value '{k}' uses a name reserved for a checkpoint part ({string.Join(", ", Reserved)}).");
            d[k] = v;
        }
        return d;
    }
}
