using Ember.NN;
using Ember.Optim;
using Ember.Serialization;

namespace Ember.Tests.Serialization;

/// <summary>
/// The files Ember writes for PyTorch to check (tests/golden/serialization/from_ember/). Everything is
/// deterministic, so the committed files, and the result PyTorch recorded for them, stay valid exactly
/// as long as Ember writes the same bytes.
/// </summary>
internal static class EmberWrittenFiles
{
    public static readonly string[] Names = ["tensors.pt", "linear.pt", "adam.pt", "checkpoint.pt", "tensors.safetensors"];

    /// <summary>The tensors of tests/golden/serialization.py's dtype_tensors() that Ember has dtypes for.</summary>
    public static Dictionary<string, Tensor> DTypeTensors() => new()
    {
        ["float32"] = Tensor.From(new float[,] { { 1.5f, -2.25f, float.PositiveInfinity }, { 0f, -0f, 3.0e-38f } }),
        ["float64"] = Tensor.From(new[] { 1e-300, -0.1, Math.Pow(2, 60) }),
        ["int64"] = Tensor.From(new[] { -(1L << 62), 5L, 0L }),
        ["int32"] = Tensor.From(new[] { -7, int.MaxValue }),
        ["uint8"] = Tensor.From(new byte[] { 0, 255, 17 }),
        ["bool"] = Tensor.From(new[] { true, false, true }),
        ["scalar"] = Tensor.Scalar(2.5f),
        ["empty"] = Tensor.Zeros(0, 3),
    };

    private static (Linear Model, Adam Opt) TrainedLinear()
    {
        Tensor.ManualSeed(0);
        var model = new Linear(3, 2);
        using (Ember.Autograd.NoGrad())
        {
            model.Weight.Copy_(Tensor.Arange(0, 6, dtype: DType.Float32).Reshape(2, 3) / 10);
            model.Bias!.Copy_(Tensor.From(new[] { 0.5f, -0.5f }));
        }
        return (model, new Adam(model.Parameters(), lr: 0.01, betas: (0.8, 0.99)));
    }

    public static void WriteAll(string dir)
    {
        var d = DTypeTensors().ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        var b = Tensor.Arange(0, 12, dtype: DType.Float32).Reshape(3, 4);
        d["base"] = b;
        d["col"] = b[.., 1];
        d["t"] = b.T;
        d["param"] = new Parameter(Tensor.From(new[] { 1f, 2f }));
        TorchFile.Save(d, Path.Combine(dir, "tensors.pt"));

        var (model, opt) = TrainedLinear();
        TorchFile.Save(model.StateDict(), Path.Combine(dir, "linear.pt"));
        var x = Tensor.Arange(0, 12, dtype: DType.Float32).Reshape(4, 3) / 12;
        for (int i = 0; i < 3; i++)
        {
            opt.ZeroGrad();
            model.Forward(x).Pow(2).Sum().Backward();
            opt.Step();
        }
        TorchFile.Save(opt.StateDict(), Path.Combine(dir, "adam.pt"));
        Checkpoint.Save(Path.Combine(dir, "checkpoint.pt"), model, opt, generator: new Generator(5),
            values: new Dictionary<string, object?> { ["epoch"] = 7, ["step"] = 1234 });
        SafeTensors.Save(DTypeTensors(), Path.Combine(dir, "tensors.safetensors"), new Dictionary<string, string> { ["framework"] = "ember" });
    }

    /// <summary>The repository's root (the folder holding Ember.slnx), found from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Ember.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("Ember.slnx not found above " + AppContext.BaseDirectory);
    }
}
