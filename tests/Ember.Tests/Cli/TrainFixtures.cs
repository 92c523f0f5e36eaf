using Ember.Serialization;
using Ember.Tests.Data;
using Xunit;

namespace Ember.Tests.Cli;

/// <summary>Tiny `ember train` runs: a fake MNIST folder (the format Mnist reads) and checks on the checkpoints they write.</summary>
internal static class TrainFixtures
{
    /// <summary>A fresh folder under the temp directory.</summary>
    public static string TempDir(string tag)
    {
        string d = Path.Combine(Path.GetTempPath(), $"ember-{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A data folder holding an MNIST-format dataset of <paramref name="train"/> training and <paramref name="test"/> test images.</summary>
    public static string MnistData(int train, int test)
    {
        string root = TempDir("train-data");
        FakeData.WriteFolder(Path.Combine(root, "MNIST", "raw"), FakeData.MnistGz(train, test));
        return root;
    }

    /// <summary>
    /// The words after `train` for a run on <paramref name="data"/> into <paramref name="output"/> with the
    /// option-value pairs <paramref name="options"/>, a later pair replacing an earlier one of the same option.
    /// </summary>
    public static string[] Args(string data, string output, params string[] options)
    {
        var pairs = new List<(string Option, string Value)> { ("--dataset", "mnist"), ("--data-dir", data), ("--output-dir", output) };
        for (int i = 0; i + 1 < options.Length; i += 2)
        {
            int at = pairs.FindIndex(p => p.Option == options[i]);
            if (at >= 0) pairs[at] = (options[i], options[i + 1]); else pairs.Add((options[i], options[i + 1]));
        }
        return [.. pairs.SelectMany(p => new[] { p.Option, p.Value })];
    }

    /// <summary>The model's and the optimizer's tensors in a checkpoint, by name.</summary>
    public static Dictionary<string, Tensor> Tensors(string checkpoint)
    {
        var c = Checkpoint.Load(checkpoint);
        var all = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in c.Model!) all["model." + k] = v;
        foreach (var (id, state) in c.Optimizer!.State)
            foreach (var (k, v) in state)
                if (v is Tensor t) all[$"optimizer.{id}.{k}"] = t;
        return all;
    }

    /// <summary>Asserts that two checkpoints hold bit-identical weights and momentum buffers.</summary>
    public static void AssertSameWeights(string expected, string actual)
    {
        var a = Tensors(expected);
        var b = Tensors(actual);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Contains(a.Keys, k => k.StartsWith("optimizer.", StringComparison.Ordinal));   // the momentum buffers are compared too
        foreach (var (k, t) in a)
        {
            int[] x = t.ToArray<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            int[] y = b[k].ToArray<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            Assert.True(x.SequenceEqual(y), $"{k} differs between {expected} and {actual}");
        }
    }
}
