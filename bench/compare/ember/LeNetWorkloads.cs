using Ember;
using Ember.NN;
using Ember.Optim;
using Ember.Vision.Models;

namespace EmberCompare;

static partial class Workloads
{
    static partial void AddLeNet(Dictionary<string, Func<int, Action>> workloads)
    {
        workloads["lenet_step"] = LeNetStep;
        workloads["lenet_infer"] = LeNetInfer;
    }

    /// <summary>One training step: zero-grad, forward, cross-entropy, backward, SGD with momentum 0.9.</summary>
    static Action LeNetStep(int batch)
    {
        var net = new LeNet();
        var opt = new Sgd(net.Parameters(), lr: 0.001, momentum: 0.9);
        var lossFn = new CrossEntropyLoss();
        var x = Tensor.Randn(batch, 3, 32, 32);
        var y = Labels(batch);
        return () =>
        {
            opt.ZeroGrad();
            var loss = lossFn.Forward(net.Call(x), y);
            loss.Backward();
            opt.Step();
        };
    }

    /// <summary>Inference on a batch under no-grad.</summary>
    static Action LeNetInfer(int batch)
    {
        var net = new LeNet();
        var x = Tensor.Randn(batch, 3, 32, 32);
        return () =>
        {
            using (Autograd.NoGrad()) net.Call(x);
        };
    }

    /// <summary>Class labels 0, 1, ..., 9, 0, 1, ... as int64, like torch.arange(batch) % 10.</summary>
    static Tensor Labels(int batch)
    {
        var labels = new long[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        return Tensor.From(labels);
    }
}
