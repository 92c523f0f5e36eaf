#:project ../src/Ember/Ember.csproj
// Chapter 20.3.4: the same network, with autograd computing the backward pass. Weights are leaves that
// require grad; loss.Backward() fills w.Grad; the update runs under Autograd.NoGrad() so it is not
// recorded, then the gradients are zeroed for the next step.
using Ember;

if (args.Length > 0)
{
    Console.Error.WriteLine($"03-autograd: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;
const float learningRate = 1e-6f;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);
var w1 = Tensor.Randn(dIn, hidden).RequiresGrad_();
var w2 = Tensor.Randn(hidden, dOut).RequiresGrad_();

for (int t = 0; t < 500; t++)
{
    // Forward pass: the graph is recorded as the operations run.
    var yPred = x.Mm(w1).Clamp(min: 0).Mm(w2);
    var loss = (yPred - y).Pow(2).Sum();
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e")}");

    // Backward pass: gradients of the loss with respect to every leaf that requires grad.
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
