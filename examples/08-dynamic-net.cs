#:project ../src/Ember/Ember.csproj
// Chapter 20.3.10: control flow and weight sharing. Every forward pass draws how many hidden layers
// to run (1 to 4: the input layer plus 0 to 3 middle ones) and reuses the same middle Linear each time.
// The graph is rebuilt on every pass, so ordinary C# loops are all it takes; backward flows through the
// shared weights once per use. Trained with SGD and momentum 0.9.
using System.Globalization;
using Ember;
using Ember.NN;
using Ember.Optim;

if (args.Length > 0)
{
    Console.Error.WriteLine($"08-dynamic-net: this example takes no arguments (got '{args[0]}').");
    return 2;
}

const int n = 64, dIn = 1000, hidden = 100, dOut = 10;

Tensor.ManualSeed(0);
var x = Tensor.Randn(n, dIn);
var y = Tensor.Randn(n, dOut);

var model = new DynamicNet(dIn, hidden, dOut);
var lossFn = new MseLoss(Reduction.Sum);
var optimizer = new Sgd(model.Parameters(), lr: 1e-4, momentum: 0.9);

for (int t = 0; t < 500; t++)
{
    var loss = lossFn.Forward(model.Forward(x), y);
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.Item<float>().ToString("G7", CultureInfo.InvariantCulture).Replace("E", "e")}");

    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
}
return 0;

/// <summary>An input layer, 0 to 3 passes through one shared middle layer, an output layer.</summary>
sealed class DynamicNet : Module<Tensor, Tensor>
{
    private readonly Linear inputLinear;
    private readonly Linear middleLinear;
    private readonly Linear outputLinear;

    public DynamicNet(int dIn, int hidden, int dOut)
    {
        inputLinear = new Linear(dIn, hidden);
        middleLinear = new Linear(hidden, hidden);
        outputLinear = new Linear(hidden, dOut);
    }

    public override Tensor Forward(Tensor x)
    {
        var hRelu = inputLinear.Call(x).Clamp(min: 0);
        // Drawn from the default generator, as torch.randint(0, 4, ()) is, so runs match PyTorch's.
        long middle = Tensor.RandInt(0, 4, []).Item<long>();
        for (long i = 0; i < middle; i++)
            hRelu = middleLinear.Call(hRelu).Clamp(min: 0);
        return outputLinear.Call(hRelu);
    }
}
