using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// A leaf adopts its first gradient without a copy only when nothing else can hold that gradient's
/// memory: these are the cases where adopting would silently alias two tensors, each checked by
/// writing into one and reading the other.
/// </summary>
public class GradientAdoptionTests
{
    [Fact]
    public void OneGradientHandedToTwoLeavesIsNotShared()
    {
        var a = Tensor.Randn(4, 3).RequiresGrad_();
        var b = Tensor.Randn(4, 3).RequiresGrad_();
        (a + b).Backward(Tensor.Ones(4, 3) * 2);        // AddBackward hands one tensor to both inputs
        using (Ember.Autograd.NoGrad()) a.Grad!.Mul_(10);
        Assert.Equal(Enumerable.Repeat(2f, 12), b.Grad!.ToArray<float>());
    }

    [Fact]
    public void TheCallersGradientIsNotAdopted()
    {
        var x = Tensor.Randn(2, 6).RequiresGrad_();
        var g = Tensor.Ones(3, 4);
        x.View(3, 4).Backward(g);                           // the view's backward passes g's storage on
        g.Fill_(7);
        Assert.Equal(Enumerable.Repeat(1f, 12), x.Grad!.ToArray<float>());
    }

    [Fact]
    public void AGradientAHookKeptIsNotAdopted()
    {
        var x = Tensor.Randn(3, 3).RequiresGrad_();
        Tensor? kept = null;
        using var h = x.RegisterHook(g => { kept = g; return null; });
        (x * 3).Sum().Backward();
        kept!.Fill_(0);
        Assert.Equal(Enumerable.Repeat(3f, 9), x.Grad!.ToArray<float>());
    }

    [Fact]
    public void ARetainedIntermediateGradientIsNotAdoptedThroughAView()
    {
        var x = Tensor.Randn(2, 3).RequiresGrad_();
        var y = x * 2;
        y.RetainGrad();
        y.View(6).Sum().Backward();
        using (Ember.Autograd.NoGrad()) x.Grad!.Add_(100);
        Assert.Equal(Enumerable.Repeat(1f, 6), y.Grad!.ToArray<float>());
    }

    private sealed class Keeper : Function
    {
        public Tensor? Kept;
        protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => inputs[0] * 1;
        protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs) { Kept = gradOutputs[0] * 5; return [Kept]; }
    }

    [Fact]
    public void WhatACustomFunctionReturnsIsNotAdopted()
    {
        var x = Tensor.Randn(5).RequiresGrad_();
        var f = new Keeper();
        f.Apply(x).Sum().Backward();
        f.Kept!.Fill_(0);
        Assert.Equal(Enumerable.Repeat(5f, 5), x.Grad!.ToArray<float>());
    }

    [Fact]
    public void AnAdoptedGradientAccumulatesAndTrainsAsACopyWould()
    {
        var w = Tensor.Randn(8, 4).RequiresGrad_();
        var x = Tensor.Randn(3, 8);
        for (int i = 0; i < 2; i++) x.MatMul(w).Sum().Backward();
        var expected = x.Sum(0).Unsqueeze(1).Expand(8, 4) * 2;
        TensorAssert.Close(expected, w.Grad!);
    }
}
