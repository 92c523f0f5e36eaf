using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>Tensor.RegisterPostAccumulateGradHook (<c>register_post_accumulate_grad_hook</c>): runs once per backward, after Grad holds the sum.</summary>
public class PostAccumulateGradHookTests
{
    [Fact]
    public void RunsAfterTheGradientIsAccumulatedOncePerBackward()
    {
        var w = Tensor.Ones(3).RequiresGrad_();
        var seen = new List<float[]>();
        using (w.RegisterPostAccumulateGradHook(t => seen.Add(t.Grad!.ToArray<float>())))
        {
            // w is used twice: the engine sums both uses before accumulating, so the hook runs once.
            (w * 2 + w * 3).Sum().Backward();
            (w * 2).Sum().Backward();
        }
        (w * 2).Sum().Backward();   // removed: not called again
        Assert.Equal(2, seen.Count);
        Assert.Equal(new float[] { 5, 5, 5 }, seen[0]);
        Assert.Equal(new float[] { 7, 7, 7 }, seen[1]);
    }

    [Fact]
    public void OnlyOnLeavesThatRequireGrad()
    {
        var x = Tensor.Ones(2);
        Assert.Contains("doesn't require gradient", Assert.Throws<InvalidOperationException>(() => x.RegisterPostAccumulateGradHook(_ => { })).Message);
        var y = Tensor.Ones(2).RequiresGrad_() * 2;
        Assert.Contains("non-leaf", Assert.Throws<InvalidOperationException>(() => y.RegisterPostAccumulateGradHook(_ => { })).Message);
    }
}
