#:project ../src/Ember/Ember.csproj
// Chapter 20.3.9: a custom Module. TwoLayerNet declares its layers as fields in the constructor
// (Ember finds them, in declaration order, named after the field: linear1.weight, ...) and says in
// Forward how they combine. Autograd supplies the backward pass.
using System.Globalization;
using Ember;
using Ember.NN;
using Ember.Optim;

if (args.Length > 0)
{
    Console.Error.WriteLine($"07-custom-module: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);

var model = new TwoLayerNet(dIn, hidden, dOut);
var lossFn = new MseLoss(Reduction.Sum);
var optimizer = new Sgd(model.Parameters(), lr: 1e-4);
foreach (var (name, p) in model.NamedParameters())
    Console.WriteLine($"{name} {p.Shape}");

for (int t = 0; t < 500; t++)
{
    var loss = lossFn.Forward(model.Forward(x), y);
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", CultureInfo.InvariantCulture).Replace("E", "e")}");

    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
}
return 0;

/// <summary>Linear, ReLU (as a clamp), Linear.</summary>
sealed class TwoLayerNet : Module<Tensor, Tensor>
{
    private readonly Linear linear1;
    private readonly Linear linear2;

    public TwoLayerNet(int dIn, int hidden, int dOut)
    {
        linear1 = new Linear(dIn, hidden);
        linear2 = new Linear(hidden, dOut);
    }

    public override Tensor Forward(Tensor x)
    {
        var hRelu = linear1.Call(x).Clamp(min: 0);
        return linear2.Call(hRelu);
    }
}
