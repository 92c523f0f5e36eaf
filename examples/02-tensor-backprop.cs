#:project ../src/Ember/Ember.csproj
// Chapter 20.3.3: the same two-layer network with Ember tensors instead of NumPy arrays, backward
// still written by hand. Tensors can live on a GPU: pass a device (e.g. "cuda:0") as the first argument.
using Ember;

// A wrong argument or a device this machine lacks ends the program with one line on stderr.
if (args.Length > 1)
    return Fail(2, $"takes at most one argument, a device such as cpu or cuda:0 (got {args.Length}).");
Device device;
try { device = args.Length > 0 ? Device.Parse(args[0]) : Device.Cpu; }
catch (FormatException e) { return Fail(2, e.Message); }
const int n = 64, dIn = 1000, hidden = 100, dOut = 10;
const float learningRate = 1e-6f;

Tensor.ManualSeed(0);
Tensor x, y, w1, w2;
try
{
    x = Tensor.Randn([n, dIn], device: device);
    y = Tensor.Randn([n, dOut], device: device);
    w1 = Tensor.Randn([dIn, hidden], device: device);
    w2 = Tensor.Randn([hidden, dOut], device: device);
}
catch (DeviceUnavailableException e) { return Fail(1, e.Message); }

for (int t = 0; t < 500; t++)
{
    // Forward pass: compute predicted y.
    var h = x.Mm(w1);
    var hRelu = h.Clamp(min: 0);
    var yPred = hRelu.Mm(w2);

    var loss = (yPred - y).Pow(2).Sum().Item<float>();
    if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss.ToString("G7", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e")}");

    // Backward pass: gradients of w1 and w2 with respect to the loss, by the chain rule.
    var gradYPred = 2.0f * (yPred - y);
    var gradW2 = hRelu.T.Mm(gradYPred);
    var gradHRelu = gradYPred.Mm(w2.T);
    var gradH = gradHRelu.Clone();
    gradH[h < 0] = 0;
    var gradW1 = x.T.Mm(gradH);

    // Gradient descent, in place.
    w1.Sub_(learningRate * gradW1);
    w2.Sub_(learningRate * gradW2);
}
return 0;

static int Fail(int exitCode, string message)
{
    Console.Error.WriteLine($"02-tensor-backprop: {message}");
    return exitCode;
}
