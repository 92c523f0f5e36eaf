#:project ../src/Ember/Ember.csproj
// Chapter 20.3.7: the nn package. The network is a Sequential of layers (Linear, ReLU, Linear) that
// holds its own weights; MseLoss(Reduction.Sum) is the loss. Each step zeroes the gradients, runs
// backward, and updates every parameter by hand under Autograd.NoGrad().
using System.Globalization;
using Ember;
using Ember.NN;

if (args.Length > 0)
{
    Console.Error.WriteLine($"05-nn: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;
const float learningRate = 1e-4f;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);

var model = new Sequential(new Linear(dIn, hidden), new ReLU(), new Linear(hidden, dOut));
var lossFn = new MseLoss(Reduction.Sum);
Console.WriteLine(model);

for (int t = 0; t < 500; t++)
{
    var yPred = model.Forward(x);
    var loss = lossFn.Forward(yPred, y);
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", CultureInfo.InvariantCulture).Replace("E", "e")}");

    model.ZeroGrad();
    loss.Backward();

    // Parameters are leaves that require grad: update them in place, outside the graph.
    using (Autograd.NoGrad())
    {
        foreach (var p in model.Parameters())
            p.Sub_(learningRate * p.Grad!);
    }
}
return 0;
