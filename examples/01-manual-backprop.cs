#:project ../src/Ember/Ember.csproj
// Chapter 20.3.1 and 20.3.2: a two-layer ReLU network, forward and backward written by hand
// (the chapter does this with NumPy; here Ember's tensors play NumPy's part, in float64 as NumPy).
using Ember;

if (args.Length > 0)
{
    Console.Error.WriteLine($"01-manual-backprop: this example takes no arguments (got '{args[0]}').");
    return 2;
}

Console.WriteLine($"Ember {Ember.EmberInfo.Version}");
Console.WriteLine("== 20.3.1 The tiny case: N=1, D_in=2, H=2, D_out=2 ==");
{
    var x = Tensor.From(new double[,] { { 1, 2 } });
    var y = Tensor.From(new double[,] { { 1, 2 } });
    var w1 = Tensor.From(new double[,] { { 0, 0.1 }, { 0.2, 0.3 } });
    var w2 = Tensor.From(new double[,] { { 0, 0.1 }, { 0.2, 0.3 } });
    const double learningRate = 1e-6;

    // Forward pass: h = x w1, ReLU, y_pred = h_relu w2.
    var h = x.MatMul(w1);
    var hRelu = h.Clamp(min: 0);
    var yPred = hRelu.MatMul(w2);
    double loss = (yPred - y).Pow(2).Sum().Item<double>();
    Show("h", h); Show("h_relu", hRelu); Show("y_pred", yPred);
    Console.WriteLine($"loss = {loss:0.####}");

    // Backward pass: the chain rule, one matrix product at a time.
    var gradYPred = 2.0 * (yPred - y);
    var gradW2 = hRelu.T.MatMul(gradYPred);
    var gradHRelu = gradYPred.MatMul(w2.T);
    var gradH = gradHRelu.Clone();
    gradH[h < 0] = 0;
    var gradW1 = x.T.MatMul(gradH);
    Show("grad_y_pred", gradYPred); Show("grad_w2", gradW2); Show("grad_h_relu", gradHRelu); Show("grad_w1", gradW1);

    // One gradient-descent step, in place as NumPy's `w1 -= learning_rate * grad_w1`.
    w1.Sub_(learningRate * gradW1);
    w2.Sub_(learningRate * gradW2);
    Show("w1", w1); Show("w2", w2);
}

Console.WriteLine();
Console.WriteLine("== 20.3.2 The general case: N=64, D_in=1000, H=100, D_out=10, 500 steps ==");
{
    const int n = 64, dIn = 1000, hidden = 100, dOut = 10;
    const double learningRate = 1e-6;
    Tensor.ManualSeed(0);
    var x = Tensor.Randn([n, dIn], dtype: DType.Float64);
    var y = Tensor.Randn([n, dOut], dtype: DType.Float64);
    var w1 = Tensor.Randn([dIn, hidden], dtype: DType.Float64);
    var w2 = Tensor.Randn([hidden, dOut], dtype: DType.Float64);
    for (int t = 0; t < 500; t++)
    {
        var h = x.MatMul(w1);
        var hRelu = h.Clamp(min: 0);
        var yPred = hRelu.MatMul(w2);
        double loss = (yPred - y).Pow(2).Sum().Item<double>();
        if (t % 100 == 99) Console.WriteLine($"step {t,3}  loss {loss:F6}");

        var gradYPred = 2.0 * (yPred - y);
        var gradW2 = hRelu.T.MatMul(gradYPred);
        var gradH = gradYPred.MatMul(w2.T);
        gradH[h < 0] = 0;
        var gradW1 = x.T.MatMul(gradH);
        w1.Sub_(learningRate * gradW1);
        w2.Sub_(learningRate * gradW2);
    }
}
return 0;

// Prints a matrix with up to 9 significant digits, the way NumPy shows the chapter's numbers.
static void Show(string name, Tensor t)
{
    var v = t.ToArray<double>();
    int cols = t.Shape[^1];
    var rows = Enumerable.Range(0, v.Length / cols)
        .Select(r => "[" + string.Join(" ", v.Skip(r * cols).Take(cols).Select(d => d.ToString("G9", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e"))) + "]");
    Console.WriteLine($"{name} = [{string.Join(" ", rows)}]");
}
