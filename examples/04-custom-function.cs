#:project ../src/Ember/Ember.csproj
// Chapter 20.3.5: extending autograd with a custom Function, a ReLU with its own forward and backward.
// A Function is one stateless operation (forward computes, backward returns the input's gradient);
// a Module, by contrast, holds parameters and gets its backward from autograd.
using Ember;

if (args.Length > 0)
{
    Console.Error.WriteLine($"04-custom-function: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;
const float learningRate = 1e-6f;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);
var w1 = Tensor.Randn(dIn, hidden).RequiresGrad_();
var w2 = Tensor.Randn(hidden, dOut).RequiresGrad_();
var relu = new MyReLU();

for (int t = 0; t < 500; t++)
{
    var yPred = relu.Apply(x.Mm(w1)).Mm(w2);
    var loss = (yPred - y).Pow(2).Sum();
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e")}");

    loss.Backward();
    using (Autograd.NoGrad())
    {
        w1.Sub_(learningRate * w1.Grad!);
        w2.Sub_(learningRate * w2.Grad!);
        w1.Grad!.Zero_();
        w2.Grad!.Zero_();
    }
}
return 0;

/// <summary>ReLU as a custom autograd Function.</summary>
sealed class MyReLU : Function
{
    // Forward gets the input; what backward needs is saved on the context.
    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[0]);
        return inputs[0].Clamp(min: 0);
    }

    // Backward gets the gradient of the loss with respect to the output and returns it with respect to the input.
    protected override Tensor?[] Backward(FunctionContext ctx, params Tensor[] gradOutputs)
    {
        var input = ctx.SavedTensors[0];
        var gradInput = gradOutputs[0].Clone();
        gradInput[input < 0] = 0;
        return [gradInput];
    }
}
