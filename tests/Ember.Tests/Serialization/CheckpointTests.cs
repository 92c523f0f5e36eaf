using Ember.NN;
using Ember.Optim;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>Checkpoints: resuming continues bit for bit; saving is atomic; schedulers plug in through IStateful.</summary>
public class CheckpointTests
{
    // Stands in for an LR scheduler: any object with a state dict travels in the checkpoint.
    private sealed class StepCounter : IStateful
    {
        public long Steps;
        public double Factor = 0.5;
        public IReadOnlyDictionary<string, object?> StateDict() => new Dictionary<string, object?> { ["last_epoch"] = Steps, ["factor"] = Factor, ["history"] = new List<object?> { 1L, 2.5 } };
        public void LoadStateDict(IReadOnlyDictionary<string, object?> s) { Steps = (long)s["last_epoch"]!; Factor = (double)s["factor"]!; }
    }

    // Training draws its batches from the generator, so the RNG state matters for the continuation too.
    private static void Train(Linear model, Optimizer opt, StepCounter sched, Generator gen, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            var x = Tensor.Randn([8, 4], gen);
            var y = Tensor.Randn([8, 3], gen);
            opt.ZeroGrad();
            (model.Forward(x) - y).Pow(2).Mean().Backward();
            opt.Step();
            sched.Steps++;
        }
    }

    [Fact]
    public void ResumingFromACheckpointContinuesBitForBit()
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "ckpt.pt");
        var gen = new Generator(7);
        Tensor.ManualSeed(3);
        var model = new Linear(4, 3);
        var opt = new Adam(model.Parameters(), lr: 0.01, betas: (0.8, 0.95), amsgrad: true);
        var sched = new StepCounter();
        Train(model, opt, sched, gen, 5);
        Checkpoint.Save(path, model, opt, sched, gen, new Dictionary<string, object?> { ["epoch"] = 2, ["step"] = 5L, ["note"] = "mid-run" });

        Train(model, opt, sched, gen, 6);                        // the run that never stopped

        Tensor.ManualSeed(99);                                    // a new process: different initial weights
        var model2 = new Linear(4, 3);
        var opt2 = new Adam(model2.Parameters(), lr: 0.5);
        var sched2 = new StepCounter { Factor = 9 };
        var gen2 = new Generator(1234);
        var ck = Checkpoint.Load(path);
        ck.Restore(model2, opt2, sched2, gen2);
        Assert.Equal(2L, ck.Values["epoch"]);
        Assert.Equal(5L, ck.Values["step"]);
        Assert.Equal("mid-run", ck.Values["note"]);
        Assert.Equal(5L, sched2.Steps);
        Assert.Equal(0.5, sched2.Factor);
        Train(model2, opt2, sched2, gen2, 6);

        TensorAssert.Equal(model.Weight.Detach(), model2.Weight.Detach());
        TensorAssert.Equal(model.Bias!.Detach(), model2.Bias!.Detach());
        Assert.Equal(gen.GetState(), gen2.GetState());
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void SavingReplacesTheOldFileAndABadValueLeavesItUntouched()
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "c.pt");
        new Checkpoint { Values = { ["epoch"] = 1 } }.Save(path);
        new Checkpoint { Values = { ["epoch"] = 2 } }.Save(path);
        Assert.Equal(2L, Checkpoint.Load(path).Values["epoch"]);
        TensorAssert.Throws<ArgumentException>(() => new Checkpoint { Values = { ["epoch"] = new object() } }.Save(path), "cannot be saved");
        TensorAssert.Throws<ArgumentException>(() => new Checkpoint { Values = { ["model"] = 1 } }.Save(path), "'model'", "reserved");
        Assert.Equal(2L, Checkpoint.Load(path).Values["epoch"]);
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RestoringAPartTheCheckpointLacksIsAnError()
    {
        var ck = new Checkpoint();
        TensorAssert.Throws<InvalidOperationException>(() => ck.Restore(model: new Linear(2, 2)), "no model state");
        TensorAssert.Throws<InvalidOperationException>(() => ck.Restore(generator: new Generator()), "rng_state");
    }

    [Fact]
    public void CaptureCopiesTheModelSoTrainingOnDoesNotChangeTheSnapshot()
    {
        var model = new Linear(2, 2);
        var ck = Checkpoint.Capture(model);
        var before = ck.Model!["weight"].Clone();
        using (Ember.Autograd.NoGrad()) model.Weight.Add_(1);
        TensorAssert.Equal(before, ck.Model["weight"]);
    }
}
