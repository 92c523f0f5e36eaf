namespace Ember.NN;

// Shrinkage and threshold activations as exact composites of recorded ops (where, tanh, sub). The
// comparisons are written so that values and gradients at the kinks, and NaN inputs, come out as
// PyTorch 1.13's CPU kernels give them: hardshrink and softshrink are 0 (gradient 0) on the closed
// interval [-lambd, lambd]; threshold gives value (gradient 0) where x <= threshold and passes NaN.
public static partial class F
{
    /// <summary>x where |x| &gt; <paramref name="lambd"/>, else 0 (<c>F.hardshrink</c>); 0 with gradient 0 at ±lambd.</summary>
    public static Tensor Hardshrink(Tensor input, double lambd = 0.5)
    {
        CheckFloatActivation(input, "hardshrink");
        return Tensor.Where(input.Ge(-lambd).LogicalAnd(input.Le(lambd)), 0.0, input);
    }

    /// <summary>x - lambd where x &gt; lambd, x + lambd where x &lt; -lambd, else 0 (<c>F.softshrink</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="lambd"/> is negative.</exception>
    public static Tensor Softshrink(Tensor input, double lambd = 0.5)
    {
        CheckFloatActivation(input, "softshrink");
        if (!(lambd >= 0)) throw new ArgumentException($"softshrink: lambda must be greater or equal to 0, but found to be {PyRepr.Float(lambd)}.", nameof(lambd));
        return Tensor.Where(input.Gt(lambd), input - lambd, Tensor.Where(input.Lt(-lambd), input + lambd, 0.0));
    }

    /// <summary>x - tanh(x) (<c>F.tanhshrink</c>).</summary>
    public static Tensor Tanhshrink(Tensor input)
    {
        CheckFloatActivation(input, "tanhshrink");
        return input - input.Tanh();
    }

    /// <summary>
    /// x where x &gt; <paramref name="threshold"/>, else <paramref name="value"/> (<c>F.threshold</c>); the
    /// gradient is 0 where the value is replaced. In place with <paramref name="inplace"/>.
    /// </summary>
    public static Tensor Threshold(Tensor input, double threshold, double value, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return InPlaceComposite(input, inplace ? "threshold_" : "threshold", inplace, x => Tensor.Where(x.Le(threshold), value, x));
    }

    /// <summary>x / (1 + |x|) (<c>F.softsign</c>).</summary>
    public static Tensor Softsign(Tensor input)
    {
        CheckFloatActivation(input, "softsign");
        return input / (input.Abs() + 1);
    }

    private static void CheckFloatActivation(Tensor input, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint())
            throw new NotSupportedException($"{name}: not implemented for {input.DType.TorchName()}; it needs a floating-point input.");
    }

    /// <summary>
    /// An activation written as a composite, optionally in place: the value is computed from the input
    /// (recorded), then copied back into it, so the graph runs through the copy as PyTorch's in-place
    /// ops do, and a leaf that requires grad is refused as in PyTorch.
    /// </summary>
    private static Tensor InPlaceComposite(Tensor input, string name, bool inplace, Func<Tensor, Tensor> f)
    {
        CheckFloatActivation(input, name);
        if (!inplace) return f(input);
        input.CheckWritable(name);
        Autograd.CheckInPlace(input, name);
        return input.Copy_(f(input));
    }
}
