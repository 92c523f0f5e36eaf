using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>Optimizers driven by real backward passes through a module, against PyTorch.</summary>
public class OptimModuleTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void OptimTrainsLinearLikePyTorch(string name)
    {
        var g = Golden.Load("optim");
        var lin = new Linear(3, 2, dtype: DType.Float64);
        using (Ember.Autograd.NoGrad())
        {
            lin.Weight.Copy_(g["linear.w0"]);
            lin.Bias!.Copy_(g["linear.b0"]);
        }
        Optimizer opt = name == "adam" ? new Adam(lin.Parameters(), lr: 0.1) : new Sgd(lin.Parameters(), lr: 0.1, momentum: 0.9, nesterov: true);
        var x = g["linear.x"];
        var t = g["linear.t"];
        for (int s = 0; s < 5; s++)
        {
            opt.ZeroGrad();
            var diff = lin.Forward(x) - t;
            var loss = (diff * diff).Mean();
            loss.Backward();
            opt.Step();
            TensorAssert.Close(g[$"linear.{name}.loss{s}"], loss.Detach());
            TensorAssert.Close(g[$"linear.{name}.w{s}"], lin.Weight.Detach());
            TensorAssert.Close(g[$"linear.{name}.b{s}"], lin.Bias.Detach());
        }
        Assert.True(lin.Weight.IsLeaf);
    }
}
