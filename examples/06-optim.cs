#:project ../src/Ember/Ember.csproj
// Chapter 20.3.8: the optim package. The same network, but an optimizer (Adam, learning rate 1e-4)
// owns the update rule: ZeroGrad, Backward, Step. Adagrad, RmsProp, Sgd and the others in Ember.Optim
// are used the same way.
using System.Globalization;
using Ember;
using Ember.NN;
using Ember.Optim;

if (args.Length > 0)
{
    Console.Error.WriteLine($"06-optim: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);

var model = new Sequential(new Linear(dIn, hidden), new ReLU(), new Linear(hidden, dOut));
var lossFn = new MseLoss(Reduction.Sum);
var optimizer = new Adam(model.Parameters(), lr: 1e-4);

for (int t = 0; t < 500; t++)
{
    var loss = lossFn.Forward(model.Forward(x), y);
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", CultureInfo.InvariantCulture).Replace("E", "e")}");

    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
}
return 0;
