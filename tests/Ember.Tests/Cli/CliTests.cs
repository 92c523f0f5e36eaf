using Ember.Cli;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Cli;

[Collection("DefaultGenerator")]
public class CliTests
{
    [Fact]
    public void CheckpointRebuildsTheModelWithItsWeightsAndHeader()
    {
        Tensor.ManualSeed(1);
        var model = Models.Create("lenet", 1, 28, 10);
        var opt = new Sgd(model.Parameters(), lr: 0.01, momentum: 0.9);
        var header = new CliCheckpoint.Header("lenet", "fashion-mnist", 1, 28, [.. Enumerable.Range(0, 10).Select(i => $"class {i}")], 2, 1);
        string dir = Path.Combine(Path.GetTempPath(), "ember-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, CliCheckpoint.FileName);
            CliCheckpoint.Save(path, header, model, opt);
            var (h, loaded) = CliCheckpoint.Load(path);
            Assert.Equal(header with { Classes = h.Classes }, h);
            Assert.Equal(header.Classes, h.Classes);
            var x = Tensor.Randn(2, 1, 28, 28);
            using (Ember.Autograd.NoGrad()) TensorAssert.Equal(model.Forward(x), loaded.Forward(x));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AFileThatIsNotAnEmberTrainCheckpointIsReportedAsSuch()
    {
        string path = Path.Combine(Path.GetTempPath(), "ember-cli-" + Guid.NewGuid().ToString("N") + ".pt");
        try
        {
            Ember.Serialization.Checkpoint.Save(path, values: new Dictionary<string, object?> { ["epoch"] = 3L });
            var e = Assert.Throws<CliException>(() => CliCheckpoint.Load(path));
            Assert.Contains("not a checkpoint written by `ember train`", e.Message);
            Assert.Throws<CliException>(() => CliCheckpoint.Load(path + ".missing"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void EvaluationCountsTheConfusionMatrix()
    {
        var eval = new Evaluation(["a", "b", "c"]);
        var logits = Tensor.From(new float[,] { { 9, 0, 0 }, { 0, 9, 0 }, { 0, 9, 0 }, { 0, 0, 9 } });
        eval.Add(logits, Tensor.From(new long[] { 0, 1, 2, 2 }));
        Assert.Equal(4, eval.Total);
        Assert.Equal(3, eval.Correct);
        Assert.Equal(1, eval.Counts[2, 1]);
        Assert.Equal(0.5, eval.ClassAccuracy(2));
        Assert.Equal(0.75, eval.Accuracy);
    }

    [Fact]
    public void UnknownNamesAndCudaAreRefusedWithAMessage()
    {
        Assert.Contains("expected one of: lenet, mlp", Assert.Throws<CliException>(() => Models.Create("resnet", 3, 32, 10)).Message);
        Assert.Contains("no CUDA backend", Assert.Throws<CliException>(() => Ember.Cli.Cli.RequireCpu("cuda:0")).Message);
    }
}
