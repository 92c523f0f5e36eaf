namespace Ember.Tests.Autograd;

/// <summary>The chapter's custom autograd Function (20.3.5), shared by the tests that use it.</summary>
internal sealed class MyReLU : Function
{
    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[0]);
        return inputs[0].Clamp(min: 0);
    }

    protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs)
    {
        var input = ctx.SavedTensors[0];
        var gradInput = gradOutputs[0].Clone();
        gradInput[input < 0] = 0;
        return [gradInput];
    }
}
