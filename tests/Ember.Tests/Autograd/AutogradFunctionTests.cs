using Xunit;
using AG = Ember.Autograd;

namespace Ember.Tests.Autograd;

/// <summary>Custom Functions (chapter 20.3.5): forward/backward written by the user, recorded like a built-in op.</summary>
public class AutogradFunctionTests
{
    /// <summary>x * y with both gradients, reporting which inputs needed one.</summary>
    private sealed class Product : Function
    {
        public bool[]? Needs;
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] g)
        {
            Needs = ctx.NeedsInputGrad.ToArray();
            var s = ctx.SavedTensors;
            return [ctx.NeedsInputGrad[0] ? g[0] * s[1] : null, ctx.NeedsInputGrad[1] ? g[0] * s[0] : null];
        }
    }

    [Fact]
    public void MyReLUGivesTheReLUGradient()
    {
        var x = Tensor.From(new double[] { -1, 2, -3, 4 }).RequiresGrad_();
        var y = new MyReLU().Apply(x);
        Assert.Equal("MyReLUBackward", y.GradFn!.Name);
        TensorAssert.Close(Tensor.From(new double[] { 0, 2, 0, 4 }), y.Detach());
        y.Backward(Tensor.From(new double[] { 1, 1, 1, 1 }));
        TensorAssert.Close(Tensor.From(new double[] { 0, 1, 0, 1 }), x.Grad!);
    }

    [Fact]
    public void MyReLUPassesGradcheck()
    {
        var x = Tensor.From(new double[] { -1.5, 0.7, -0.3, 2.2 }).RequiresGrad_();
        Assert.True(AG.GradCheck(t => new MyReLU().Apply(t[0]), [x]));
    }

    [Fact]
    public void NeedsInputGradReflectsTheInputs()
    {
        var a = Tensor.From(new double[] { 2 }).RequiresGrad_();
        var b = Tensor.From(new double[] { 3 });
        var f = new Product();
        f.Apply(a, b).Backward(Tensor.From(new double[] { 1 }));
        Assert.Equal(new[] { true, false }, f.Needs);
        TensorAssert.Close(Tensor.From(new double[] { 3 }), a.Grad!);
    }

    [Fact]
    public void NoInputRequiresGradMeansNoNode()
    {
        var y = new MyReLU().Apply(Tensor.From(new double[] { 1 }));
        Assert.Null(y.GradFn);
    }

    [Fact]
    public void SavedTensorsAreFreedAfterBackward()
    {
        var x = Tensor.From(new double[] { 1, -1 }).RequiresGrad_();
        var y = new MyReLU().Apply(x);
        y.Backward(Tensor.From(new double[] { 1, 1 }));
        TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.From(new double[] { 1, 1 })), "backward through the graph a second time");
    }

    [Fact]
    public void SavedTensorModifiedInPlaceIsDetected()
    {
        var x = Tensor.From(new double[] { 1, -1 }).RequiresGrad_();
        var h = x * 1.0;
        var y = new MyReLU().Apply(h);
        h.Mul_(2);
        TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.From(new double[] { 1, 1 })), "modified by an inplace operation");
    }

    private sealed class WrongCount : Function
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => inputs[0].Clone();
        protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] g) => [g[0], g[0]];
    }

    [Fact]
    public void WrongNumberOfGradientsIsReported()
    {
        var x = Tensor.From(new double[] { 1 }).RequiresGrad_();
        var y = new WrongCount().Apply(x);
        TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.From(new double[] { 1 })), "WrongCountBackward", "incorrect number of gradients (expected 1, got 2)");
    }

    private sealed class ArgMaxLike : Function
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            var r = inputs[0].Clone();
            ctx.MarkNonDifferentiable(r);
            return r;
        }
        protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] g) => [null];
    }

    [Fact]
    public void NonDifferentiableOutputsDoNotRequireGrad()
    {
        var x = Tensor.From(new double[] { 1 }).RequiresGrad_();
        Assert.False(new ArgMaxLike().Apply(x).RequiresGrad);
    }

    private sealed class Doubler : Function
    {
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
        {
            inputs[0].Mul_(2);
            ctx.MarkDirty(inputs[0]);
            return inputs[0];
        }
        protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] g) => [g[0] * 2.0];
    }

    [Fact]
    public void MarkDirtyRewritesTheInputsHistory()
    {
        var x = Tensor.From(new double[] { 1, 2 }).RequiresGrad_();
        var h = x * 1.0;
        var y = new Doubler().Apply(h);
        Assert.Same(h, y);
        Assert.Equal("DoublerBackward", h.GradFn!.Name);
        y.Backward(Tensor.From(new double[] { 1, 1 }));
        TensorAssert.Close(Tensor.From(new double[] { 2, 2 }), x.Grad!);
        var leaf = Tensor.From(new double[] { 1 }).RequiresGrad_();
        TensorAssert.Throws<InvalidOperationException>(() => new Doubler().Apply(leaf), "a leaf Variable that requires grad is being used in an in-place operation");
    }
}
