using Ember.NN;
using Ember.Optim;
using Ember.Serialization;
using Xunit;

namespace Ember.Tests.Serialization;

/// <summary>LR schedulers ride in checkpoints (as <see cref="IStateful"/>) and resume exactly.</summary>
public class SchedulerCheckpointTests
{
    [Fact]
    public void OneCycleAndPlateauResumeFromACheckpointFile()
    {
        var g = new Generator(5);
        var w = new Parameter(Tensor.Randn([3], g));
        var opt = new Sgd([w], lr: 0.1, momentum: 0.9);
        var sched = new OneCycleLR(opt, maxLr: 0.5, totalSteps: 20);
        var plateauOpt = new Sgd([new Parameter(Tensor.Zeros(1))], lr: 1.0);
        var plateau = new ReduceLROnPlateau(plateauOpt, patience: 1);
        for (int i = 0; i < 7; i++) { w.Grad = Tensor.OnesLike(w); opt.Step(); sched.Step(); plateau.Step(1.0); }

        string dir = Fixtures.TempDir();
        try
        {
            string path = Path.Combine(dir, "ck.pt");
            Checkpoint.Save(path, optimizer: opt, scheduler: sched);
            Checkpoint.Save(Path.Combine(dir, "plateau.pt"), optimizer: plateauOpt, scheduler: plateau);

            var w2 = new Parameter(w.Detach().Clone());
            var opt2 = new Sgd([w2], lr: 0.1, momentum: 0.9);
            var sched2 = new OneCycleLR(opt2, maxLr: 0.5, totalSteps: 20);
            Checkpoint.Load(path).Restore(optimizer: opt2, scheduler: sched2);
            var plateauOpt2 = new Sgd([new Parameter(Tensor.Zeros(1))], lr: 1.0);
            var plateau2 = new ReduceLROnPlateau(plateauOpt2, patience: 1);
            Checkpoint.Load(Path.Combine(dir, "plateau.pt")).Restore(optimizer: plateauOpt2, scheduler: plateau2);

            for (int i = 0; i < 10; i++)
            {
                w.Grad = Tensor.OnesLike(w); w2.Grad = Tensor.OnesLike(w2);
                opt.Step(); opt2.Step(); sched.Step(); sched2.Step();
                plateau.Step(1.0); plateau2.Step(1.0);
                Assert.Equal(sched.GetLastLr(), sched2.GetLastLr());
                Assert.Equal(plateau.GetLastLr(), plateau2.GetLastLr());
            }
            TensorAssert.Equal(w.Detach(), w2.Detach());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
